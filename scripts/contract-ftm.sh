#!/usr/bin/env bash
# Contract test with FollowTheMoney's own code: exports the newest publication of every shared
# list as FtM JSON lines and loads each entity with followthemoney's model
# (scripts/contract_ftm.py), failing on any id outside FtM's pattern, any value FtM's types
# drop, any missing required property or any reference to an entity not in the export.
#
# The venv (followthemoney pinned below) is made under target/ the first time and reused.
# Without ../shared/data/lists (or SANCTUM_SHARED_LISTS) it prints a SKIP notice; with CI set
# it fails instead, as the Rust tests that read the shared lists do (crates/testkit).
# SANCTUM_BIN runs another sanctum binary (e.g. an older build, to measure a baseline).
set -euo pipefail
cd "$(dirname "$0")/.."

# The current followthemoney release. yente 5.5.0 pins 4.9.2; both pass.
FTM_VERSION="${FTM_VERSION:-4.11.2}"
lists="${SANCTUM_SHARED_LISTS:-../shared/data/lists}"

if [ ! -d "$lists" ]; then
  case "${CI:-}" in
    "" | 0 | false | FALSE | False)
      echo "SKIP contract-ftm: shared list folder $lists is absent"
      exit 0
      ;;
    *)
      echo "contract-ftm: the shared list folder $lists is absent, and CI is set" >&2
      exit 1
      ;;
  esac
fi

venv="target/contract-venv/ftm-$FTM_VERSION"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import followthemoney' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "followthemoney==$FTM_VERSION"
fi
# CONTRACT_PREPARE_ONLY=1: make the venv and stop (scripts/test.sh does it during the build).
[ "${CONTRACT_PREPARE_ONLY:-0}" = 1 ] && exit 0

if [ -z "${SANCTUM_BIN:-}" ]; then
  cargo build --quiet --locked -p sanctum --bin sanctum
  SANCTUM_BIN=target/debug/sanctum
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/contract-ftm.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The newest publication of each source (a source's current version is what is exported).
for file in \
  us_csl/consolidated_2022-05.csv.gz \
  ofac_sdn_csv/sdn_2024-05-03.csv \
  ofac_xml/CONS_ENHANCED_2025-01-14.zip \
  uk_ofsi/ConList_2025-04-14.xlsx \
  un/consolidated_2026-02-27.xml \
  canada_sema/sema-lmes_2025-05.xml \
  swiss_seco/seco_amendment_testfile_2024-01-17.xml \
  japan/meti_russia_export_ban_list_2025-09-12.pdf.txt; do
  "$SANCTUM_BIN" --data-dir "$work/data" update --from "$lists/$file" >/dev/null
done
"$SANCTUM_BIN" --data-dir "$work/data" export --format ftm --out "$work/export.ftm.json"
"$venv/bin/python" scripts/contract_ftm.py "$work/export.ftm.json"

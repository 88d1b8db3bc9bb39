#!/usr/bin/env bash
# Contract test with yente's own code: starts `sanctum serve` and validates the answers of
# /match, /search, /entities, /catalog and /algorithms with the pydantic models yente answers
# with (scripts/contract_yente.py), failing on the first answer a yente client would reject.
#
# The store holds two UN publications and the OFAC SDN from ../shared/data/lists (or
# SANCTUM_SHARED_LISTS), so that first_seen and last_change differ from the current version;
# without the shared folder it holds the server's test fixtures
# (crates/server/tests/fixtures/lists.ftm.json), and with CI set it fails instead, as the Rust
# tests that read the shared lists do (crates/testkit).
#
# The venv (yente pinned below) is made under target/ the first time and reused; installing
# yente builds PyICU from source (it needs libicu-dev and a C++ compiler) and takes minutes.
# SANCTUM_BIN runs another sanctum binary.
set -euo pipefail
cd "$(dirname "$0")/.."

# The current yente release (its models pin followthemoney 4.9.2 and nomenklatura 4.10.0).
YENTE_VERSION="${YENTE_VERSION:-5.5.0}"
lists="${SANCTUM_SHARED_LISTS:-../shared/data/lists}"

if [ ! -d "$lists" ]; then
  case "${CI:-}" in
    "" | 0 | false | FALSE | False)
      echo "contract-yente: shared list folder $lists is absent; serving the server's test fixtures"
      ;;
    *)
      echo "contract-yente: the shared list folder $lists is absent, and CI is set" >&2
      exit 1
      ;;
  esac
fi

# PyICU compiles against ICU: install its headers where they are missing (a fresh machine).
if ! pkg-config --exists icu-uc 2>/dev/null; then
  if command -v apt-get >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null
  else
    echo "contract-yente: ICU's headers (libicu-dev) are needed to install yente" >&2
    exit 1
  fi
fi

venv="target/contract-venv/yente-$YENTE_VERSION"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import yente.data.common' 2>/dev/null; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "yente==$YENTE_VERSION"
fi
# CONTRACT_PREPARE_ONLY=1: make the venv and stop (scripts/test.sh does it during the build).
[ "${CONTRACT_PREPARE_ONLY:-0}" = 1 ] && exit 0

if [ -z "${SANCTUM_BIN:-}" ]; then
  cargo build --quiet --locked -p sanctum --bin sanctum
  SANCTUM_BIN=target/debug/sanctum
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/contract-yente.XXXXXX")"
server=
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export SANCTUM_DATA_DIR=$work/data
unset SANCTUM_CONFIG SANCTUM_LISTS_DIR
if [ -d "$lists" ]; then
  "$SANCTUM_BIN" update un_sc --from "$lists/un/consolidated_2024-09-26.xml" >/dev/null
  "$SANCTUM_BIN" update un_sc --from "$lists/un/consolidated_2026-02-27.xml" >/dev/null
  "$SANCTUM_BIN" update us_ofac_sdn --from "$lists/ofac_sdn_csv/sdn_2024-05-03.csv" >/dev/null
else
  "$SANCTUM_BIN" update --from crates/server/tests/fixtures/lists.ftm.json >/dev/null
fi
key=$("$SANCTUM_BIN" keys create --name contract-yente --scope read --scope screen)

# Updates read an empty mirror directory: nothing reaches the network.
mkdir "$work/mirror"
SANCTUM_LISTS_DIR=$work/mirror "$SANCTUM_BIN" serve --bind 127.0.0.1:0 --rate-limit 0 \
  >"$work/serve.out" 2>"$work/serve.log" &
server=$!
for _ in $(seq 1 300); do
  grep -q '^listening on ' "$work/serve.out" 2>/dev/null && break
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$work/serve.log" >&2
    exit 1
  fi
  sleep 0.2
done
url=$(sed -n 's/^listening on //p' "$work/serve.out")
[ -n "$url" ] || { echo "contract-yente: the server did not start" >&2; exit 1; }

status=0
"$venv/bin/python" scripts/contract_yente.py "$url" "$key" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 20 lines) ---" >&2
  tail -n 20 "$work/serve.log" >&2
fi
exit "$status"

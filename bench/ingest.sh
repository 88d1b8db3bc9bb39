#!/usr/bin/env bash
# Ingest time and peak memory per official file: parse + store into a fresh store, then the
# same file again (unchanged: recognised by sha256, nothing parsed), then a re-ingest of the
# same parties from a renamed copy (parsed and compared, nothing new stored).
# Usage: bench/ingest.sh [RUNS]   (median of RUNS runs, default 3). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
cargo build --release --locked -p sanctum >/dev/null 2>&1
bin=$PWD/target/release/sanctum
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# median of a list of numbers
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# measure LABEL SOURCE FILE...: prints one table row
measure() {
  local label=$1 source=$2; shift 2
  local first=() again=() same=() rss=()
  for _ in $(seq "$runs"); do
    rm -rf "$tmp/data" "$tmp/copy"; mkdir -p "$tmp/copy"
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" --data-dir "$tmp/data" update "$source" --force --from "$@" >/dev/null 2>&1
    read -r s m < "$tmp/t"; first+=("$s"); rss+=("$m")
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" --data-dir "$tmp/data" update "$source" --from "$@" >/dev/null 2>&1
    read -r s _ < "$tmp/t"; again+=("$s")
    # Same content, different bytes (a trailing newline): parsed, compared, no change stored.
    local f=$1 name; name=$(basename "$f")
    if [[ -f "$f" && "$name" != *.gz && "$name" != *.zip ]]; then
      cp "$f" "$tmp/copy/$name"; printf '\n' >> "$tmp/copy/$name"
      /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" --data-dir "$tmp/data" update "$source" --force --from "$tmp/copy/$name" >/dev/null 2>&1 || true
      read -r s _ < "$tmp/t"; same+=("$s")
    else
      same+=("-")
    fi
  done
  local parties
  parties=$("$bin" --data-dir "$tmp/data" lists --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["parties"])')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$parties" \
    "$(printf '%s\n' "${first[@]}" | median)" \
    "$(printf '%s\n' "${rss[@]}" | median | awk '{printf "%.0f", $1/1024}')" \
    "$(printf '%s\n' "${again[@]}" | median)" \
    "$(printf '%s\n' "${same[@]}" | median)"
}

echo "| file | parties | ingest s | peak MB | unchanged re-ingest s | same parties, new bytes s |"
echo "|---|---|---|---|---|---|"
measure "us_csl/consolidated_2022-05.csv.gz" us_csl "$lists/us_csl/consolidated_2022-05.csv.gz"
for f in "$lists"/ofac_sdn_csv/sdn_20*.csv; do
  measure "ofac_sdn_csv/$(basename "$f")" us_ofac_sdn "$f"
done
measure "ofac_consolidated/cons_prim_2025-12.csv (+add, alt, comments)" us_ofac_cons "$lists/ofac_consolidated"
measure "ofac_xml/consolidated_nonsdn_legacy_2024-05-06.xml" us_ofac_cons "$lists/ofac_xml/consolidated_nonsdn_legacy_2024-05-06.xml"
measure "ofac_xml/cons_advanced_2020-03-17.xml" us_ofac_cons "$lists/ofac_xml/cons_advanced_2020-03-17.xml"
measure "ofac_xml/CONS_ENHANCED_2025-01-14.zip" us_ofac_cons "$lists/ofac_xml/CONS_ENHANCED_2025-01-14.zip"
measure "ofac_xml/enhanced_IRGC_filter_2024-08-28.xml" us_ofac_sdn "$lists/ofac_xml/enhanced_IRGC_filter_2024-08-28.xml"

# A floor for reading the CSL at all: Python's csv module, rows only, no model, no store.
py=$( { /usr/bin/time -f "%e %M" python3 -c '
import csv, gzip, sys
n = sum(1 for _ in csv.DictReader(gzip.open(sys.argv[1], "rt", encoding="utf-8")))
' "$lists/us_csl/consolidated_2022-05.csv.gz"; } 2>&1 | tail -1)
echo
echo "Reference, same run: Python csv.DictReader over the CSL (rows only, no model or store): ${py% *} s, $(( ${py#* } / 1024 )) MB peak"

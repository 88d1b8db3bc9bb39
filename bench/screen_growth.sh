#!/usr/bin/env bash
# How screening cost grows with the lists: the same customer sample screened against every
# list cut or grown with generated parties (`sanctum screen-tools growth`: real parties with
# recombined names) to each size; one line per size with rows/s and peak memory.
# Usage: bench/screen_growth.sh [ROWS=20000] [SIZES="10000 100000 1000000"]
# Uses the store and customer file of bench/screen.sh (SCREEN_BENCH_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-20000}
sizes=${2:-"10000 100000 1000000"}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
cargo build --release --locked -p sanctum >/dev/null 2>&1
bin=$PWD/target/release/sanctum
tmp=${SCREEN_BENCH_DIR:-/tmp/sanctum-bench-screen}
data=$tmp/data
mkdir -p "$tmp"
if [ ! -f "$data/sanctum.db" ]; then
  SANCTUM_LISTS_DIR=$lists "$bin" --data-dir "$data" update us_ofac_sdn --from "$lists/ofac_sdn_csv" >/dev/null 2>&1 || true
  SANCTUM_LISTS_DIR=$lists "$bin" --data-dir "$data" update >/dev/null 2>&1 || true
fi
customers=$tmp/customers_$rows.csv
[ -f "$customers" ] || "$bin" --data-dir "$data" screen-tools customers --rows "$rows" --seed 7 -o "$customers" >/dev/null 2>&1

echo "| parties | rows | rows/s | candidates/row | prepare + index | peak RSS |"
echo "|---|---|---|---|---|---|"
for n in $sizes; do
  /usr/bin/time -f "%M" -o "$tmp/rss" "$bin" --data-dir "$data" screen-tools growth --parties "$n" "$customers" >"$tmp/growth.json" 2>"$tmp/growth.log"
  python3 - "$tmp/growth.json" "$(cat "$tmp/rss")" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read())
rss = int(sys.argv[2]) / 1024
print(f"| {r['parties']:,} | {r['rows']:,} | {r['rows_per_second']:.0f} | {r['mean_candidates']:.1f} | {r['prepare_and_index_seconds']:.1f} s | {rss:.0f} MB |")
PY
done

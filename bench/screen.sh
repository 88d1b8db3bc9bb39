#!/usr/bin/env bash
# Screening throughput, memory, delta re-screening and the candidate index's recall, with
# every list sanctum ingests loaded (the OFAC SDN snapshots of 2022 as history first).
# Usage: bench/screen.sh [ROWS] [RECALL_QUERIES]   (defaults 1000000 and 1000)
# Environment: SCREEN_BENCH_DIR [/tmp/sanctum-bench-screen] keeps the store and customer files
# between runs (bench/screen_growth.sh and bench/peers/run.sh use it too).
# Prints a Markdown table. The customer file is generated reproducibly (seed 7): the
# matching deck's customers in many locales and scripts, 0.1% listed names with variants.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
queries=${2:-1000}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
cargo build --release --locked -p sanctum >/dev/null 2>&1
bin=$PWD/target/release/sanctum
tmp=${SCREEN_BENCH_DIR:-/tmp/sanctum-bench-screen}
mkdir -p "$tmp"
data=$tmp/data
export SANCTUM_LISTS_DIR=$lists

if [ ! -f "$data/sanctum.db" ]; then
  "$bin" --data-dir "$data" update us_ofac_sdn --from "$lists/ofac_sdn_csv" >/dev/null 2>&1 || true
  "$bin" --data-dir "$data" update >/dev/null 2>&1 || true
fi
parties=$("$bin" --data-dir "$data" lists --json | python3 -c 'import json,sys; print(sum(s["parties"] for s in json.load(sys.stdin)))')
customers=$tmp/customers_$rows.csv
[ -f "$customers" ] || "$bin" --data-dir "$data" screen-tools customers --rows "$rows" --seed 7 -o "$customers" >/dev/null 2>&1

# measure LABEL ARGS...: one table row with rows/s (as the summary reports it, start-up
# excluded), wall time (start-up included), peak RSS, alerts.
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" --data-dir "$data" screen "$customers" \
    --quiet --no-fetch --out "$tmp/alerts.jsonl" --summary "$tmp/summary.json" "$@" >/dev/null 2>"$tmp/log" || true
  # GNU time writes "Command exited with non-zero status N" first when the exit code is not 0
  # (4 = alerts): the figures are on the last line.
  read -r wall rss < <(tail -n 1 "$tmp/t")
  python3 - "$label" "$wall" "$rss" "$tmp/summary.json" <<'PY'
import json, sys
label, wall, rss, path = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = json.load(open(path))["summary"]
print(f"| {label} | {s['parties']} | {s['rows_read']} | {s['rows_per_second']:.0f} | {wall:.1f} s | {rss/1024:.0f} MB | {s['alerts']} | {100*s['alert_rate']:.3f}% | {s['mean_candidates']:.1f} |")
PY
}

echo "$parties parties stored; $rows customer rows ($customers)"
echo
echo "| run | parties | rows | rows/s | wall (with start-up) | peak RSS | alerts | alert rate | candidates/row |"
echo "|---|---|---|---|---|---|---|---|---|"
# SCREEN_BENCH_FULL=0 skips the full run (to re-measure only the delta and the recall).
[ "${SCREEN_BENCH_FULL:-1}" = 1 ] && measure "full screening"
measure "delta SDN 2022-02-17 → 2022-02-25" --source us_ofac_sdn --changes-since 2022-02-17 --as-of 2022-02-25
echo
"$bin" --data-dir "$data" screen-tools recall --queries "$queries" --seed 3 --json "$tmp/recall.json" >/dev/null 2>&1
python3 - "$tmp/recall.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"index recall vs brute force: {r['found']}/{r['brute_force_alerts']} = {100*r['recall']:.2f}% "
      f"over {r['queries']} deck queries x {r['parties']} parties, {r['mean_candidates']:.1f} candidates/query")
for m in r["missed"]:
    print("  missed:", m)
PY

#!/usr/bin/env bash
# Alert review at the scale of a bank's book (issue 14): import of ROWS customers, a full
# book screening with its alerts stored beside plain `sanctum screen` of the same file and
# lists in the same run, and the delta after the OFAC SDN update of 2022-02-25 (alerts
# written). Lists: the SDN of 2022-02-17 (then 02-25). Release build.
# Usage: bench/review.sh [ROWS]   (default 1000000)
# Environment: REVIEW_BENCH_DIR [/tmp/sanctum-bench-review] holds the store and files.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
lists=$(cd "$lists" && pwd)
cargo build --release --locked -p sanctum >/dev/null 2>&1
bin=$PWD/target/release/sanctum
dir=${REVIEW_BENCH_DIR:-/tmp/sanctum-bench-review}
rm -rf "$dir/data"
mkdir -p "$dir"
data=$dir/data
unset SANCTUM_LISTS_DIR SANCTUM_CONFIG
s() { "$bin" --data-dir "$data" "$@"; }
# timed LABEL CMD...: one table row, wall seconds and peak RSS.
timed() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$dir/t" "$@" >"$dir/out" 2>"$dir/err" || true
  read -r wall rss < <(tail -n 1 "$dir/t")
  echo "| $label | $wall s | $((rss / 1024)) MB | $(tail -n 1 "$dir/err" | tr '|' '/' | cut -c1-120) |"
}
s update us_ofac_sdn --from "$lists/ofac_sdn_csv/sdn_2022-02-17.csv" >/dev/null 2>&1
customers=$dir/customers_$rows.csv
[ -f "$customers" ] || s screen-tools customers --rows "$rows" --seed 7 -o "$customers" >/dev/null 2>&1
export SANCTUM_KEY
SANCTUM_KEY=$(s users add bench --role admin 2>/dev/null)
echo "| step ($rows customers, SDN 2022-02-17: $(s lists --json | python3 -c 'import json,sys; print(sum(x["parties"] for x in json.load(sys.stdin)))') parties) | wall | peak RSS | last line |"
echo "|---|---:|---:|---|"
before=$(du -sb "$data" | cut -f1)
timed "book import (no screening)" "$bin" --data-dir "$data" book import "$customers" --no-screen
after=$(du -sb "$data" | cut -f1)
timed "book re-import, nothing changed" "$bin" --data-dir "$data" book import "$customers" --no-screen
timed "plain screen, same file (alerts to a file)" "$bin" --data-dir "$data" screen "$customers" --quiet --no-fetch --out "$dir/alerts.jsonl"
timed "book screen, full (alerts stored)" "$bin" --data-dir "$data" book screen
timed "update to SDN 2022-02-25 + book delta (alerts stored)" "$bin" --data-dir "$data" update us_ofac_sdn --from "$lists/ofac_sdn_csv/sdn_2022-02-25.csv"
timed "plain screen --changes-since 1, same file" "$bin" --data-dir "$data" screen "$customers" --quiet --no-fetch --changes-since us_ofac_sdn:1 --out "$dir/alerts-delta.jsonl"
echo
echo "store growth from the import: $((before / 1048576)) MB -> $((after / 1048576)) MB"

#!/usr/bin/env bash
# Distributed batch screening: rows per second of `sanctum batch` with 1, 2 and 4
# `sanctum worker` processes on this machine, beside one `sanctum screen` of the same file,
# all against the same lists in one throwaway PostgreSQL database. Release build; median of
# RUNS runs (default 3). Each batch run submits the file (chunks of CHUNK rows, default
# 1000) and times from the workers' start to the last one's exit (--exit-when-idle): each
# worker's index build is included, as a fleet pays it once per worker. Measured twice:
# workers with every core each (rayon's default), and with one thread each
# (RAYON_NUM_THREADS=1), which shows scaling per core. The batch results are checked to
# equal the screen's, line for line.
# Usage: bench/batch_workers.sh [RUNS] [ROWS] [CHUNK]. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
rows=${2:-20000}
chunk=${3:-1000}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
./scripts/postgres.sh
admin=${SANCTUM_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="-c client_min_messages=warning"
base=${admin%/*}
cargo build --release --locked -p sanctum >/dev/null 2>&1
bin=$PWD/target/release/sanctum
tmp=$(mktemp -d)
db=sanctum_bench_batch_$$
cleanup() { psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
s() { "$bin" --data-dir "$tmp/data" --database "$base/$db" "$@"; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

s update us_csl --no-screen --from "$lists/us_csl/consolidated_2022-05.csv.gz" >/dev/null 2>&1
s update us_ofac_sdn --no-screen --from "$lists/ofac_sdn_csv/sdn_2024-05-03.csv" >/dev/null 2>&1
parties=$(s lists --json | python3 -c "import json,sys; print(sum(s['parties'] for s in json.load(sys.stdin)))")
s screen-tools customers --rows "$rows" --seed 7 --out "$tmp/customers.csv" 2>/dev/null

# screen_once: seconds of one `sanctum screen` of the file (every core).
screen_once() {
  local t0 t1
  t0=$(now)
  s screen --no-fetch --quiet --out "$tmp/screen.jsonl" "$tmp/customers.csv" 2>/dev/null || [ $? -eq 4 ]
  t1=$(now)
  echo "$t1 - $t0" | bc
}

# batch_once WORKERS THREADS: seconds from the workers' start to the last one's exit.
batch_once() {
  local workers=$1 threads=$2 job t0 t1 pids=()
  job=$(s batch submit --chunk "$chunk" "$tmp/customers.csv" 2>/dev/null)
  t0=$(now)
  for _ in $(seq "$workers"); do
    if [ "$threads" = all ]; then
      s worker --exit-when-idle 2>/dev/null &
    else
      RAYON_NUM_THREADS=$threads s worker --exit-when-idle 2>/dev/null &
    fi
    pids+=($!)
  done
  wait "${pids[@]}"
  t1=$(now)
  s batch results "$job" --out "$tmp/batch.jsonl"
  cmp -s "$tmp/batch.jsonl" "$tmp/screen.jsonl" || { echo "job $job: results differ from screen's" >&2; exit 1; }
  echo "$t1 - $t0" | bc
}

rate() { echo "$rows $1" | awk '{printf "%.0f", $1 / $2}'; }

t=(); for _ in $(seq "$runs"); do t+=("$(screen_once)"); done
screen_s=$(printf '%s\n' "${t[@]}" | median)
screen_rate=$(rate "$screen_s")
echo "$rows rows against $parties parties (us_csl + us_ofac_sdn), chunks of $chunk rows, $(nproc) cores, median of $runs"
echo
echo "| run | threads per process | seconds | rows/s | vs sanctum screen | vs 1 worker (same threads) |"
echo "|---|---|---|---|---|---|"
printf '| sanctum screen (1 process) | all | %.2f | %s | 1.00 | |\n' "$screen_s" "$screen_rate"
for threads in all 1; do
  one=
  for workers in 1 2 4; do
    t=(); for _ in $(seq "$runs"); do t+=("$(batch_once "$workers" "$threads")"); done
    secs=$(printf '%s\n' "${t[@]}" | median)
    r=$(rate "$secs")
    [ -n "$one" ] || one=$r
    printf '| batch, %s worker%s | %s | %.2f | %s | %.2f | %.2f |\n' "$workers" "$([ "$workers" = 1 ] || echo s)" \
      "$threads" "$secs" "$r" "$(echo "$r $screen_rate" | awk '{print $1 / $2}')" "$(echo "$r $one" | awk '{print $1 / $2}')"
  done
done

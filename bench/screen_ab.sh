#!/usr/bin/env bash
# Two builds of sanctum screening the same customer file, alternated so the machine's drift
# falls on both alike: rows/s as each run's summary reports it, CPU seconds (user + system,
# less sensitive to other load than wall time), peak RSS and alerts.
# Usage: bench/screen_ab.sh BASE_COMMIT [ROWS] [ROUNDS]   (defaults 200000 and 3)
# BASE_COMMIT is built in a worktree under $AB_DIR (default /tmp/sanctum-ab); the current
# checkout is the other build. Each build ingests the lists into its own store (store
# schemas differ between versions); the customer file is generated once (seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/screen_ab.sh BASE_COMMIT [ROWS] [ROUNDS]}
rows=${2:-200000}
rounds=${3:-3}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
lists=$(cd "$lists" && pwd)
export SANCTUM_LISTS_DIR=$lists
dir=${AB_DIR:-/tmp/sanctum-ab}
mkdir -p "$dir"
cargo build --release --locked -p sanctum >/dev/null 2>&1
cp target/release/sanctum "$dir/sanctum-new"
if [ ! -x "$dir/sanctum-base" ]; then
  [ -d "$dir/src" ] || git worktree add --detach "$dir/src" "$base" >/dev/null
  (cd "$dir/src" && cargo build --release --locked -p sanctum >/dev/null 2>&1)
  cp "$dir/src/target/release/sanctum" "$dir/sanctum-base"
fi
for which in base new; do
  if [ ! -d "$dir/$which" ]; then
    "$dir/sanctum-$which" --data-dir "$dir/$which" update us_ofac_sdn --from "$lists/ofac_sdn_csv" >/dev/null 2>&1 || true
    "$dir/sanctum-$which" --data-dir "$dir/$which" update >/dev/null 2>&1 || true
  fi
done
customers=$dir/customers_$rows.csv
[ -f "$customers" ] || "$dir/sanctum-new" --data-dir "$dir/new" screen-tools customers --rows "$rows" --seed 7 -o "$customers" >/dev/null 2>&1

echo "| round | build | rows/s | CPU s | wall s | peak RSS | alerts |"
echo "|---|---|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$rounds"); do
  for which in base new; do
    /usr/bin/time -f "%U %S %e %M" -o "$dir/t" "$dir/sanctum-$which" --data-dir "$dir/$which" \
      screen "$customers" --quiet --no-fetch --out "$dir/alerts-$which.jsonl" \
      --summary "$dir/summary-$which.json" >/dev/null 2>&1 || true
    read -r user sys wall rss < <(tail -n 1 "$dir/t")
    python3 - "$round" "$which" "$user" "$sys" "$wall" "$rss" "$dir/summary-$which.json" <<'PY'
import json, sys
rnd, which, user, sys_, wall, rss, path = sys.argv[1:]
s = json.load(open(path))["summary"]
print(f"| {rnd} | {which} | {s['rows_per_second']:.0f} | {float(user)+float(sys_):.1f} | {float(wall):.1f} | {int(rss)//1024} MB | {s['alerts']} |")
PY
  done
done

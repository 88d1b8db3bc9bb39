#!/usr/bin/env bash
# The review tables' database phases on one binary and one backend (issue 18): ROWS
# customers imported without screening, a full `book screen`, then `update` to the SDN of
# 2022-02-25 with the book's delta; then the changed-customers screening an import runs:
# the same file imported into a new book (every customer new) and the file imported again
# with every tenth customer's name changed. Each traced (SANCTUM_REVIEW_TRACE: the time
# reading customers and recording alerts, apart from the matcher's). Run it for two builds,
# or for the SQLite file and then a PostgreSQL database, and compare the phases.
# Usage: bench/review_backends.sh BIN ROWS [DATABASE_URL]
# Environment: REVIEW_BENCH_DIR [/tmp/sanctum-bench-backends] holds the store and files.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1; rows=$2; db=${3:-}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
lists=$(cd "$lists" && pwd)
dir=${REVIEW_BENCH_DIR:-/tmp/sanctum-bench-backends}
rm -rf "$dir/data"; mkdir -p "$dir"; data=$dir/data
unset SANCTUM_LISTS_DIR SANCTUM_CONFIG
args=(--data-dir "$data"); [ -n "$db" ] && args+=(--database "$db")
s() { "$bin" "${args[@]}" "$@"; }
s update us_ofac_sdn --from "$lists/ofac_sdn_csv/sdn_2022-02-17.csv" >/dev/null 2>&1
customers=$dir/customers_$rows.csv
[ -f "$customers" ] || s screen-tools customers --rows "$rows" --seed 7 -o "$customers" >/dev/null 2>&1
export SANCTUM_KEY
SANCTUM_KEY=$(s users add bench --role admin 2>/dev/null)
/usr/bin/time -f "import: %e s, %M KB" "$bin" "${args[@]}" book import "$customers" --no-screen 2>&1 | tail -n 1
export SANCTUM_REVIEW_TRACE=1
/usr/bin/time -f "full screen: %e s, %M KB" "$bin" "${args[@]}" book screen 2>&1 | grep -E "^(run|screen_book|full)"
/usr/bin/time -f "update + delta: %e s, %M KB" "$bin" "${args[@]}" update us_ofac_sdn --from "$lists/ofac_sdn_csv/sdn_2022-02-25.csv" 2>&1 | grep -E "^(run|screen_book|update)"
# A changed name is a new revision, screened with the import's other new and changed rows
# (rows with a quoted field are left alone: awk does not read CSV quoting).
changed=$dir/customers_${rows}_changed.csv
awk -F, -v OFS=, 'NR > 1 && NR % 10 == 0 && $0 !~ /"/ { $2 = $2 " Jr" } 1' "$customers" >"$changed"
/usr/bin/time -f "import into a new book, screened: %e s, %M KB" "$bin" "${args[@]}" book import --book fresh "$customers" 2>&1 | grep -E "^(screen_book|import)"
/usr/bin/time -f "re-import, a tenth changed, screened: %e s, %M KB" "$bin" "${args[@]}" book import "$changed" 2>&1 | grep -E "^(screen_book|re-import|[0-9]+ rows)"

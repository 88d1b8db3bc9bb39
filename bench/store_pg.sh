#!/usr/bin/env bash
# The PostgreSQL store against the SQLite store on the same data: `sanctum update` of the CSL,
# of one SDN, and of the SDN history of 2022 (13 snapshots, each stored as a version over the
# one before: the incremental ingest) into a fresh store of each kind, then `sanctum lists`
# and a diff across the history read back. Release build; median of RUNS runs (default 3).
# Usage: bench/store_pg.sh [RUNS]. Prints a Markdown table with the PostgreSQL/SQLite ratio.
# Needs a PostgreSQL server (scripts/postgres.sh starts one); each run uses its own
# throwaway database, dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
./scripts/postgres.sh
admin=${SANCTUM_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS="-c client_min_messages=warning"
base=${admin%/*}
cargo build --release --locked -p sanctum >/dev/null 2>&1
bin=$PWD/target/release/sanctum
tmp=$(mktemp -d)
db=sanctum_bench_$$
cleanup() { psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# fresh KIND: an empty store of that kind; prints the sanctum options that select it.
fresh() {
  rm -rf "$tmp/data"
  if [ "$1" = postgresql ]; then
    psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
    psql "$admin" -qc "CREATE DATABASE $db" >/dev/null
    echo "--data-dir $tmp/data --database $base/$db"
  else
    echo "--data-dir $tmp/data"
  fi
}

# seconds KIND COMMAND...: wall time of one sanctum command on a store made by `fresh`.
seconds() {
  local kind=$1; shift
  /usr/bin/time -f "%e" -o "$tmp/t" "$bin" $opts "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  cat "$tmp/t"
}

# row LABEL SOURCE FROM: ingest (and read back) in each kind; one table row.
row() {
  local label=$1 source=$2 from=$3
  declare -A ingest read
  for kind in sqlite postgresql; do
    local t=() r=()
    for _ in $(seq "$runs"); do
      opts=$(fresh "$kind")
      t+=("$(seconds "$kind" update "$source" --force --from "$from")")
      r+=("$(seconds "$kind" diff "$source" --from 1)")
    done
    ingest[$kind]=$(printf '%s\n' "${t[@]}" | median)
    read[$kind]=$(printf '%s\n' "${r[@]}" | median)
  done
  local versions parties
  versions=$("$bin" $opts lists --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['version'])")
  parties=$("$bin" $opts lists --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['parties'])")
  printf '| %s | %s | %s | %s | %s | %.2f | %s | %s | %.2f |\n' "$label" "$versions" "$parties" \
    "${ingest[sqlite]}" "${ingest[postgresql]}" \
    "$(echo "${ingest[postgresql]} ${ingest[sqlite]}" | awk '{print ($2 > 0) ? $1 / $2 : 0}')" \
    "${read[sqlite]}" "${read[postgresql]}" \
    "$(echo "${read[postgresql]} ${read[sqlite]}" | awk '{print ($2 > 0) ? $1 / $2 : 0}')"
}

# The SDN history of 2022: the snapshots alone, as a directory of publications.
mkdir -p "$tmp/sdn2022"
cp "$lists"/ofac_sdn_csv/sdn_2022-*.csv "$tmp/sdn2022/"

echo "| input | versions | parties (current) | SQLite ingest s | PostgreSQL ingest s | ratio | SQLite diff 1→last s | PostgreSQL diff s | ratio |"
echo "|---|---|---|---|---|---|---|---|---|"
row "us_csl/consolidated_2022-05.csv.gz" us_csl "$lists/us_csl/consolidated_2022-05.csv.gz"
row "ofac_sdn_csv/sdn_2024-05-03.csv" us_ofac_sdn "$lists/ofac_sdn_csv/sdn_2024-05-03.csv"
row "ofac_sdn_csv/sdn_2022-*.csv (history)" us_ofac_sdn "$tmp/sdn2022"

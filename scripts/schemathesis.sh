#!/usr/bin/env bash
# The HTTP API fuzzed against its own OpenAPI document. Schemathesis generates requests for
# every operation, valid and invalid, and checks every answer: no 5xx, every status and
# content type documented, bodies matching their schemas, invalid input rejected and valid
# input accepted, no answer without the API key.
#
# `sanctum serve` (a debug build) runs on a throwaway store holding the UN, CSL and OFAC
# consolidated lists from ../shared/data/lists (or SANCTUM_SHARED_LISTS), and a small
# customer book screened into alerts. The review API acts as the user a key names, so the
# fuzzer gets two users' keys (scripts/schemathesis.toml says which operations use which):
# an admin's for everything, a reviewer's for /v1/alerts (an admin may not claim or
# decide).
# Updates the fuzzer triggers read an empty mirror directory, so they fail at once rather
# than reach the network. Schemathesis is installed in a virtualenv
# (SCHEMATHESIS_VENV, default $TMPDIR/sanctum-schemathesis-venv) when it is missing.
#
# Usage: scripts/schemathesis.sh [schemathesis run options], e.g. --max-examples 20 --seed 1
# Exit code: schemathesis's (0: nothing found).
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.32.5
venv=${SCHEMATHESIS_VENV:-${TMPDIR:-/tmp}/sanctum-schemathesis-venv}
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$version"
fi

shared=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
if [ ! -d "$shared" ]; then
  echo "schemathesis.sh: no list folder at $shared (set SANCTUM_SHARED_LISTS)" >&2
  exit 2
fi

cargo build --locked -p sanctum
sanctum=$PWD/target/debug/sanctum

work=$(mktemp -d)
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
"$sanctum" update un_sc --from "$shared/un/consolidated_2026-02-27.xml"
"$sanctum" update us_csl --from "$shared/us_csl/consolidated_2022-05.csv.gz"
"$sanctum" update us_ofac_cons --from "$shared/ofac_consolidated"
admin_key=$("$sanctum" users add root --role admin)
reviewer_key=$(SANCTUM_KEY=$admin_key "$sanctum" users add rex --role reviewer)
SANCTUM_KEY=$admin_key "$sanctum" users add ana --role analyst >/dev/null
printf 'id,name,country\nc1,Vladimir Vladimirovich Putin,RU\nc2,Sergey Viktorovich Lavrov,RU\nc3,Kim Jong Un,KP\nc4,Margarethe Vollmer,DE\n' \
  >"$work/book.csv"
# The import screens the new customers: open alerts for the fuzzer to read and decide.
SANCTUM_KEY=$admin_key "$sanctum" book import "$work/book.csv"
export SANCTUM_ADMIN_KEY=$admin_key SANCTUM_REVIEWER_KEY=$reviewer_key

mkdir "$work/mirror"
SANCTUM_LISTS_DIR=$work/mirror "$sanctum" serve --bind 127.0.0.1:0 --rate-limit 0 \
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
[ -n "$url" ] || { echo "schemathesis.sh: the server did not start" >&2; exit 1; }
echo "sanctum serve at $url"

started=$(date +%s)
status=0
"$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run "$url/openapi.json" \
  --checks all \
  --request-timeout 60 \
  --suppress-health-check too_slow \
  --warnings off \
  "$@" || status=$?
echo "schemathesis finished in $(( $(date +%s) - started )) s with exit code $status"
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 40 lines) ---"
  tail -n 40 "$work/serve.log"
fi
exit "$status"

#!/usr/bin/env bash
# A list update during load: POST /match at RATE while an admin update re-ingests every
# list (from SANCTUM_LISTS_DIR) and rebuilds and swaps the index; counts failed requests.
# Usage: bench/http_update_under_load.sh [RATE=1000] [DURATION=40s]
SERVE_ARGS=()
# A store of its own holding only an older SDN publication, so that the update during the
# load ingests every list's newest file and must rebuild and swap the index.
if [ -z "${BENCH_DATA_DIR:-}" ]; then
  BENCH_DATA_DIR="$(mktemp -d /tmp/sanctum-bench-update.XXXXXX)"
  "${SANCTUM_BIN:-$(dirname "$0")/../target/release/sanctum}" --data-dir "$BENCH_DATA_DIR" \
    update us_ofac_sdn --from "${SANCTUM_LISTS_DIR:-$(dirname "$0")/../../shared/data/lists}/ofac_sdn_csv/sdn_2022-05-08.csv" >/dev/null
fi
export BENCH_DATA_DIR
source "$(dirname "$0")/http_common.sh"
RATE="${1:-1000}"; DURATION="${2:-40s}"
WORKERS=20
OUT="$(mktemp /tmp/sanctum-hey.XXXXXX.txt)"
hey -z "$DURATION" -c "$WORKERS" -q "$((RATE / WORKERS))" -m POST -T application/json \
  -H "Authorization: Bearer $KEY" -d "$MATCH_BODY" "$URL/match/default" >"$OUT" &
HEY=$!
sleep 5
echo "== update during load (admin endpoint):"
curl -sS -X POST -H "Authorization: Bearer $ADMIN_KEY" "$URL/v1/admin/update" ; echo
sleep 2
echo "== second swap (re-read only):"
curl -sS -X POST -H "Authorization: Bearer $ADMIN_KEY" "$URL/v1/admin/update?fetch=false" ; echo
wait "$HEY"
grep -E "Requests/sec|Total:|Slowest|50%|99%|\[[0-9]{3}\]|Error" "$OUT"
rm -f "$OUT"
curl -fsS "$URL/metrics" | grep -E '^sanctum_(index_swaps_total|http_requests_total\{route="/match)' || true

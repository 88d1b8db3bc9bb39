#!/usr/bin/env bash
# A list update during load: POST /match at RATE while an admin update re-ingests every
# list (from SANCTUM_LISTS_DIR) and rebuilds and swaps the index; counts failed requests.
# Usage: bench/http_update_under_load.sh [RATE=1000] [DURATION=40s]
SERVE_ARGS=()
source "$(dirname "$0")/http_common.sh"
RATE="${1:-1000}"; DURATION="${2:-40s}"
WORKERS=20
OUT="$(mktemp /tmp/sanctum-hey.XXXXXX.txt)"
hey -z "$DURATION" -c "$WORKERS" -q "$((RATE / WORKERS))" -m POST -T application/json \
  -H "Authorization: Bearer $KEY" -d "$MATCH_BODY" "$URL/match/default" >"$OUT" &
HEY=$!
sleep 5
# Force a rebuild even when the lists are unchanged: re-read after ingesting an older
# SDN snapshot history would change versions; here the store is re-read and, if any version
# changed, swapped. To guarantee a swap, ingest one extra SDN snapshot first when available.
SNAP="$(ls -d "$LISTS"/ofac_sdn_csv 2>/dev/null || true)"
if [ -n "$SNAP" ]; then
  "$BIN" --data-dir "$DATA" update us_ofac_sdn --from "$SNAP" --force >/dev/null 2>&1 || true
fi
echo "== update during load (admin endpoint):"
curl -sS -X POST -H "Authorization: Bearer $ADMIN_KEY" "$URL/v1/admin/update" ; echo
sleep 2
echo "== second swap (re-read only):"
curl -sS -X POST -H "Authorization: Bearer $ADMIN_KEY" "$URL/v1/admin/update?fetch=false" ; echo
wait "$HEY"
grep -E "Requests/sec|Total:|Slowest|50%|99%|\[[0-9]{3}\]|Error" "$OUT"
rm -f "$OUT"
curl -fsS "$URL/metrics" | grep -E '^sanctum_(index_swaps_total|http_requests_total\{route="/match)' || true

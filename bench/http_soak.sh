#!/usr/bin/env bash
# A soak: POST /match at a fixed rate for DURATION, with the server's RSS sampled every
# 30 s. Usage: bench/http_soak.sh [RATE=1000] [DURATION=10m]
SERVE_ARGS=()
source "$(dirname "$0")/http_common.sh"
RATE="${1:-1000}"; DURATION="${2:-10m}"
WORKERS=20
echo "== soak: $RATE req/s for $DURATION; RSS at start: $(rss_kib) KiB"
(
  for _ in $(seq 1 200); do
    sleep 30
    kill -0 "$SERVER_PID" 2>/dev/null || exit 0
    echo "  $(date +%T) RSS $(rss_kib) KiB"
  done
) &
SAMPLER=$!
hey -z "$DURATION" -c "$WORKERS" -q "$((RATE / WORKERS))" -m POST -T application/json \
  -H "Authorization: Bearer $KEY" -d "$MATCH_BODY" "$URL/match/default" \
  | grep -E "Requests/sec|Total:|Slowest|50%|90%|99%|\[[0-9]{3}\]|Error"
kill "$SAMPLER" 2>/dev/null || true
echo "RSS at end: $(rss_kib) KiB"
curl -fsS "$URL/metrics" | grep -E '^sanctum_http_requests_total\{route="/match' || true

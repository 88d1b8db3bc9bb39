#!/usr/bin/env bash
# POST /match/default with one Person query against every list, at a fixed rate.
# Usage: bench/http_match.sh [RATE=1000] [DURATION=30s]
# Latency percentiles from hey (-c workers x -q per-worker rate); peak throughput from wrk.
SERVE_ARGS=()
source "$(dirname "$0")/http_common.sh"
RATE="${1:-1000}"; DURATION="${2:-30s}"
WORKERS=20
echo "== warm-up" >&2
hey -z 3s -c 4 -m POST -T application/json -H "Authorization: Bearer $KEY" -d "$MATCH_BODY" "$URL/match/default" >/dev/null
echo "== POST /match/default at $RATE req/s for $DURATION ($WORKERS workers x $((RATE / WORKERS)) req/s), RSS before: $(rss_kib) KiB"
hey -z "$DURATION" -c "$WORKERS" -q "$((RATE / WORKERS))" -m POST -T application/json \
  -H "Authorization: Bearer $KEY" -d "$MATCH_BODY" "$URL/match/default" \
  | grep -E "Requests/sec|Total:|Slowest|Fastest|Average|10%|25%|50%|75%|90%|95%|99%|\[[0-9]{3}\]|Error"
echo "RSS after: $(rss_kib) KiB"
if command -v wrk >/dev/null; then
  LUA="$(mktemp /tmp/sanctum-wrk.XXXXXX.lua)"
  cat >"$LUA" <<LUA
wrk.method = "POST"
wrk.body = '$MATCH_BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
  # wrk paced at RATE: each of 10 connections waits 10000/RATE - 1 ms between requests (wrk's
  # delay() hook; the 1 ms stands for the request itself), so the server sees about RATE
  # req/s with hey's own CPU out of the way.
  PACED="$(mktemp /tmp/sanctum-wrk.XXXXXX.lua)"
  cat "$LUA" >"$PACED"
  echo "function delay() return $((10000 / RATE - 1)) end" >>"$PACED"
  echo "== paced at about $RATE req/s (wrk, 1 thread, 10 connections, $DURATION)"
  wrk -t1 -c10 -d"$DURATION" --latency -s "$PACED" "$URL/match/default" | grep -E "Requests/sec|50%|75%|90%|99%|Non-2xx|errors"
  rm -f "$PACED"
  echo "== peak throughput (wrk, 2 threads, 16 connections, 10 s)"
  wrk -t2 -c16 -d10s --latency -s "$LUA" "$URL/match/default" | grep -E "Requests/sec|50%|99%|Non-2xx|errors"
  rm -f "$LUA"
fi
curl -fsS "$URL/metrics" | grep -E '^sanctum_http_requests_total\{route="/match' || true

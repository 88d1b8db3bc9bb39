# Shared by bench/http_*.sh: a store with every list, a key, a server on loopback.
# Sourced, not run. All traffic goes to 127.0.0.1; the server is stopped on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${SANCTUM_BIN:-$ROOT/target/release/sanctum}"
DATA="${BENCH_DATA_DIR:-/tmp/sanctum-bench-http}"
# The shared list folder beside the checkout (../shared/data/lists), wherever it is cloned.
LISTS="${SANCTUM_LISTS_DIR:-$ROOT/../shared/data/lists}"
PORT="${BENCH_PORT:-18080}"
URL="http://127.0.0.1:$PORT"
[ -x "$BIN" ] || { echo "build first: cargo build --release -p sanctum" >&2; exit 1; }

if ! "$BIN" --data-dir "$DATA" lists --json 2>/dev/null | grep -q '"source"'; then
  echo "ingesting every list in $LISTS into $DATA" >&2
  SANCTUM_LISTS_DIR="$LISTS" "$BIN" --data-dir "$DATA" update >&2 || true
fi
KEY="$("$BIN" --data-dir "$DATA" keys create --name bench --scope screen --scope read 2>/dev/null)"
ADMIN_KEY="$("$BIN" --data-dir "$DATA" keys create --name bench-admin --scope admin 2>/dev/null)"

SERVER_LOG="$(mktemp /tmp/sanctum-serve.XXXXXX.log)"
# The rate limit is raised above the load rather than disabled, so its cost is measured.
SANCTUM_LISTS_DIR="$LISTS" "$BIN" --data-dir "$DATA" serve --bind "127.0.0.1:$PORT" \
  --rate-limit 100000 --rate-burst 100000 "${SERVE_ARGS[@]}" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap stop_server EXIT
for _ in $(seq 1 600); do
  curl -fsS "$URL/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; exit 1; }
  sleep 0.1
done
curl -fsS "$URL/readyz" >/dev/null || { echo "server not ready" >&2; cat "$SERVER_LOG" >&2; exit 1; }
PARTIES="$(curl -fsS "$URL/metrics" | awk '/^sanctum_index_parties /{print $2}')"
echo "server pid $SERVER_PID on $URL: $PARTIES parties ($(grep -m1 'loaded in' "$SERVER_LOG"))" >&2

MATCH_BODY="${MATCH_BODY:-$(cat <<'JSON'
{"queries":{"q1":{"schema":"Person","properties":{"name":["Vladimir Putin"],"birthDate":["1952-10-07"],"nationality":["ru"]}}}}
JSON
)}"

rss_kib() { awk '/^VmRSS/{print $2}' "/proc/$SERVER_PID/status"; }

#!/usr/bin/env bash
# The review API with 100k open alerts (issue 14): p50/p99 of `GET /v1/alerts` (first page,
# and a filtered page) and of a decision (claim-next, then a proposal), measured with `hey`
# (apt-get install hey) on loopback.
#
# The alerts come from the real screening of a generated book: `screen-tools customers`
# with half its rows listed names (with variants) from the SDN of 2022-02-17, imported by
# `book import`, which screens it and stores the alerts. Nothing is written by raw SQL.
# Usage: bench/review_api.sh [ROWS] [REQUESTS]   (default 200000 customers, 2000 requests)
# Environment: SANCTUM_BIN [target/debug/sanctum; the script builds it], REVIEW_API_DIR
# [/tmp/sanctum-bench-review-api] holds the store (kept between runs: delete it to redo).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}
requests=${2:-2000}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
lists=$(cd "$lists" && pwd)
command -v hey >/dev/null || { echo "needs hey: apt-get install -y hey" >&2; exit 2; }
if [ -z "${SANCTUM_BIN:-}" ]; then
  cargo build --locked -p sanctum >/dev/null 2>&1
fi
bin=${SANCTUM_BIN:-$PWD/target/debug/sanctum}
dir=${REVIEW_API_DIR:-/tmp/sanctum-bench-review-api}
data=$dir/data
port=${BENCH_PORT:-18091}
url=http://127.0.0.1:$port
unset SANCTUM_LISTS_DIR SANCTUM_CONFIG SANCTUM_KEY
s() { "$bin" --data-dir "$data" "$@"; }
mkdir -p "$dir"
if [ ! -f "$dir/keys.env" ]; then
  rm -rf "$data"
  s update us_ofac_sdn --from "$lists/ofac_sdn_csv/sdn_2022-02-17.csv" >/dev/null 2>&1
  s screen-tools customers --rows "$rows" --seed 7 --listed-share 0.5 -o "$dir/customers.csv" >/dev/null 2>&1
  admin=$(s users add root --role admin)
  analyst=$(SANCTUM_KEY=$admin s users add ana --role analyst)
  started=$(date +%s)
  SANCTUM_KEY=$admin s book import "$dir/customers.csv" >&2
  echo "book import + screening: $(( $(date +%s) - started )) s" >&2
  printf 'admin=%s\nanalyst=%s\n' "$admin" "$analyst" >"$dir/keys.env"
fi
# shellcheck disable=SC1091
. "$dir/keys.env"

if curl -fsS "$url/healthz" >/dev/null 2>&1; then
  echo "something already answers on $url: stop it or set BENCH_PORT" >&2
  exit 1
fi
# The binary itself in the background (not through `s`, whose subshell would get the pid
# and leave the server running on exit).
"$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" --rate-limit 0 \
  >"$dir/serve.out" 2>"$dir/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$dir/serve.log" >&2; exit 1; }
  sleep 0.2
done
counts=$(curl -fsS -H "Authorization: Bearer $analyst" "$url/v1/alerts?limit=1" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"])')
echo "alerts per state: $counts"

# hey's summary, as "p50 p99 requests/s".
figures() {
  hey "$@" | awk '/Requests\/sec/ {rps=$2} /50% in/ {p50=$3} /99% in/ {p99=$3}
    END {printf "%.1f ms | %.1f ms | %.0f", p50 * 1000, p99 * 1000, rps}'
}
auth="Authorization: Bearer $analyst"
echo "| request ($requests requests, 4 clients unless said) | p50 | p99 | requests/s |"
echo "|---|---:|---:|---:|"
echo "| GET /v1/alerts (first page of 50, counts per state) | $(figures -n "$requests" -c 4 -H "$auth" "$url/v1/alerts") |"
echo "| GET /v1/alerts, one client | $(figures -n "$requests" -c 1 -H "$auth" "$url/v1/alerts") |"
echo "| GET /v1/alerts?state=open&min_score=0.9 (filtered) | $(figures -n "$requests" -c 4 -H "$auth" "$url/v1/alerts?state=open&min_score=0.9&limit=50") |"
# A program is looked up in each alert's designations (JSON): a scan, so fewer requests.
echo "| GET /v1/alerts?program=SDGT (the alert_programs table) | $(figures -n 100 -c 4 -H "$auth" "$url/v1/alerts?program=SDGT") |"
# Decisions: claim-next, then a false-positive proposal on the alert claimed, by one
# analyst and by four at once (threads, each with its own connection).
python3 - "$url" "$analyst" "$requests" <<'PY'
import http.client, json, sys, threading, time
url, key, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
host = url.removeprefix("http://")
headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
body = json.dumps({"decision": "false_positive", "reason": "weak_alias"})

def decide(n, out):
    conn = http.client.HTTPConnection(host)
    for _ in range(n):
        started = time.perf_counter()
        conn.request("POST", "/v1/alerts/claim", "", headers)
        response = conn.getresponse()
        alert = json.loads(response.read())["alert"]["id"]
        claimed = time.perf_counter()
        conn.request("POST", f"/v1/alerts/{alert}/proposals", body, headers)
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        done = time.perf_counter()
        out.append((claimed - started, done - claimed, done - started))

def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000

for clients in (1, 4):
    out, threads = [], []
    started = time.perf_counter()
    for _ in range(clients):
        t = threading.Thread(target=decide, args=(total // 4 // clients, out))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    rate = len(out) / (time.perf_counter() - started)
    for label, column in (("claim", 0), ("proposal", 1), ("claim + proposal", 2)):
        values = [o[column] for o in out]
        print(f"| decision: {label} ({clients} client{'s' if clients > 1 else ''}, {len(out)} decisions) "
              f"| {pct(values, 0.5):.1f} ms | {pct(values, 0.99):.1f} ms | {rate:.0f} decisions/s |")
PY

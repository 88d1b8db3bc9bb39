#!/usr/bin/env bash
# Payment message screening: false holds on realistic clean traffic, time per message and
# messages per second, with every list sanctum ingests loaded.
# Usage: bench/messages.sh [MESSAGES]   (default 20000)
# Then the endpoint: `sanctum serve` on the same store, one clean message of the traffic
# posted to POST /v1/screen/message at 500 messages/s for 20 s (`hey -q 100 -c 5`; hey:
# apt-get install hey), p50/p95/p99 as hey measures them on loopback.
# Environment: SCREEN_BENCH_DIR [/tmp/sanctum-bench-screen] keeps the store between runs
# (shared with bench/screen.sh). The traffic is generated reproducibly (seed 5): MT103s
# between the matching deck's customers (many locales, romanised), with valid IBANs, BIC
# shapes and remittance texts (`sanctum message traffic`). One process, one thread: the
# rate is per core.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-20000}
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
[ -d "$lists" ] || { echo "SKIP: $lists is absent"; exit 0; }
cargo build --release --locked -p sanctum >/dev/null 2>&1
bin=$PWD/target/release/sanctum
tmp=${SCREEN_BENCH_DIR:-/tmp/sanctum-bench-screen}
mkdir -p "$tmp"
data=$tmp/data
export SANCTUM_LISTS_DIR=$lists
if [ ! -f "$data/sanctum.db" ]; then
  "$bin" --data-dir "$data" update us_ofac_sdn --from "$lists/ofac_sdn_csv" >/dev/null 2>&1 || true
  "$bin" --data-dir "$data" update >/dev/null 2>&1 || true
fi
traffic=$tmp/traffic_$count.rje
[ -f "$traffic" ] || "$bin" --data-dir "$data" message traffic --count "$count" --seed 5 --out "$traffic" 2>/dev/null

# run LABEL FILE...: one table row from the summary.
run() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" --data-dir "$data" message screen "$@" \
    --out "$tmp/verdicts.jsonl" --summary "$tmp/msg_summary.json" >/dev/null 2>&1 || true
  read -r wall rss < <(tail -n 1 "$tmp/t")
  python3 - "$label" "$wall" "$rss" "$tmp/msg_summary.json" <<'PY'
import json, sys
label, wall, rss, path = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = json.load(open(path))
ms = s["per_message_ms"]
print(f"| {label} | {s['parties']} | {s['messages']} | {s['held']} ({100*s['held']/max(1,s['messages']):.2f}%) | "
      f"{s['messages_per_second']:.0f} | {ms['p50']:.2f} | {ms['p99']:.2f} | {ms['max']:.1f} | {wall:.1f} s | {rss/1024:.0f} MB |")
PY
}

echo "| run | parties | messages | held | messages/s | p50 ms | p99 ms | max ms | wall (with start-up) | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
run "realistic clean MT103 traffic" "$traffic"
run "planted fixtures (crates/payments/tests/messages)" crates/payments/tests/messages
python3 - "$tmp/verdicts.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    hits = ", ".join(sorted({f"{h['via']}@{h['location']}" for h in r.get("hits", [])}))
    print(f"  {r['file'].split('/')[-1]}: {r.get('decision', 'unreadable')} {hits}")
PY

command -v hey >/dev/null || { echo "the endpoint needs hey: apt-get install -y hey" >&2; exit 0; }
python3 - "$traffic" "$tmp/one.fin" <<'PY'
import sys
first = open(sys.argv[1], encoding="utf-8").read().split("$")[0]
open(sys.argv[2], "w", encoding="utf-8").write(first)
PY
port=${BENCH_PORT:-18093}
url=http://127.0.0.1:$port
"$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" --open --rate-limit 0 >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 600); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
# One request first: the snapshot's payment filter is derived on the first message.
curl -sf -o /dev/null -H 'Content-Type: text/plain' --data-binary "@$tmp/one.fin" "$url/v1/screen/message"
hey -z 20s -c 5 -q 100 -m POST -T text/plain -D "$tmp/one.fin" "$url/v1/screen/message" | python3 -c '
import re, sys
text = sys.stdin.read()
p = lambda q: float(re.search(r"\b" + q + r"% in ([0-9.]+) secs", text).group(1)) * 1000
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
ok = re.search(r"\[200\]\s+(\d+)", text)
print("| endpoint | requests/s | 200s | p50 ms | p95 ms | p99 ms |")
print("|---|---:|---:|---:|---:|---:|")
size, n = len(open(sys.argv[1], "rb").read()), ok.group(1) if ok else 0
p50, p95, p99 = p("50"), p("95"), p("99")
print(f"| POST /v1/screen/message, one clean MT103 ({size} bytes), 5 clients at 100/s each | {rps:.0f} | {n} | {p50:.2f} | {p95:.2f} | {p99:.2f} |")' "$tmp/one.fin"


#!/usr/bin/env bash
# Server-side time of the analyst's pages (issue 15: p95 < 50 ms with every list and 100k
# alerts), measured with `hey` on loopback with a signed-in session.
# Usage: bench/ui_pages.sh   — uses the store bench/review_api.sh keeps (REVIEW_API_DIR,
# default /tmp/sanctum-bench-review-api: 100k alerts; run that script first) and the release
# binary (SANCTUM_BIN, default target/release/sanctum; built when absent). Once, it adds
# every list of the shared folder to that store (`update --no-screen`: the alerts stay those
# of the book), and times `sanctum align` linking them and then reading the kept links.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${REVIEW_API_DIR:-/tmp/sanctum-bench-review-api}
[ -f "$dir/keys.env" ] || { echo "run bench/review_api.sh first (it makes $dir)" >&2; exit 2; }
command -v hey >/dev/null || { echo "needs hey: apt-get install -y hey" >&2; exit 2; }
[ -n "${SANCTUM_BIN:-}" ] || cargo build --release --locked -p sanctum >/dev/null 2>&1
bin=${SANCTUM_BIN:-$PWD/target/release/sanctum}
. "$dir/keys.env"
data=$dir/data
lists=${SANCTUM_SHARED_LISTS:-../shared/data/lists}
if [ ! -f "$dir/all-lists" ] && [ -d "$lists" ]; then
  # `update --from` reads one directory: a directory of links to every official file of
  # the shared folder's subfolders, as scripts/main.sh makes (the same files left out), and
  # the same --max-removed for snapshots years apart. Publications older than the store's
  # SDN of 2022-02-17 are refused as stale; the rest are stored.
  publications=$(mktemp -d)
  find "$lists" -type f ! -path '*/sanctiontoolkit/*' ! -name '*DERIVED*' ! -name '.*' -print0 |
    sort -z | while IFS= read -r -d '' file; do
      [ -e "$publications/$(basename "$file")" ] || ln -s "$(realpath "$file")" "$publications/$(basename "$file")"
    done
  "$bin" --data-dir "$data" update --from "$publications" --no-screen --max-removed 100 2>&1 |
    grep -E 'rejected|failed|error' >&2 || true
  rm -rf "$publications"
  touch "$dir/all-lists"
fi
"$bin" --data-dir "$data" lists 2>/dev/null | tail -n +1 >&2 || true
# `sanctum align` twice: the first run links the lists when they changed since the links
# were kept, the second reads them from the store (what the page and the CLI do after).
for run in first second; do
  "$bin" --data-dir "$data" align --program russia --format csv 2>&1 >/dev/null |
    sed -n "s/^/align ($run run): /p" | grep targets >&2
done
port=${BENCH_PORT:-18092}
url=http://127.0.0.1:$port
# An admin with a password (once), to sign in as: every page is open to it.
echo "bench pages pw" | SANCTUM_KEY=$admin "$bin" --data-dir "$data" users add pagesbench --role admin --password-stdin >/dev/null 2>&1 || true
"$bin" --data-dir "$data" serve --bind 127.0.0.1:$port --rate-limit 0 >"$dir/pages.out" 2>"$dir/pages.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 600); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
jar=$(mktemp)
form=$(curl -s -c "$jar" "$url/login")
csrf=$(printf '%s' "$form" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=pagesbench" \
  --data-urlencode "password=bench pages pw" --data-urlencode "csrf=$csrf" "$url/login"
cookie=$(awk '$6 == "sanctum_session" {print "sanctum_session=" $7}' "$jar")
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }
alert=$(curl -s -H "Authorization: Bearer $analyst" "$url/v1/alerts?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["alerts"][0]["id"])')
party=$(curl -s "$url/search/default?q=Rotenberg" -H "Authorization: Bearer $analyst" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')
# The script a page ships (issue 15: at most 100 KB): the bytes of its inline <script>
# elements and of the scripts it loads.
script_kb() {
  curl -s -H "Cookie: $cookie" "$1" | python3 -c '
import re, sys, urllib.request
page, base, cookie = sys.stdin.read(), sys.argv[1], sys.argv[2]
total = 0
for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S | re.I):
    total += len(body.encode())
    source = re.search(r"src=\"([^\"]+)\"", attributes)
    if source:
        request = urllib.request.Request(urllib.parse.urljoin(base, source.group(1)), headers={"Cookie": cookie})
        total += len(urllib.request.urlopen(request).read())
print(f"{total / 1024:.1f} KB")' "$1" "$cookie"
}
figures() {
  printf '%s | ' "$(hey -n 500 -c 4 -H "Cookie: $cookie" "$1" | python3 -c '
import re, sys
text = sys.stdin.read()
p = lambda q: float(re.search(r"\b" + q + r"% in ([0-9.]+) secs", text).group(1)) * 1000
rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
ok = re.search(r"\[200\]\s+(\d+)", text)
p50, p95, n = p("50"), p("95"), ok.group(1) if ok else 0
print(f"{p50:.1f} ms | {p95:.1f} ms | {rps:.0f} | {n}")')"
  script_kb "$1"
}
echo "| page (500 requests, 4 clients) | p50 | p95 | requests/s | 200s | script |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| /alerts (first page, counts per state) | $(figures "$url/alerts") |"
echo "| /alerts?state=open&min_score=0.9 | $(figures "$url/alerts?state=open&min_score=0.9") |"
echo "| /alerts?program=SDGT | $(figures "$url/alerts?program=SDGT") |"
echo "| /alerts/$alert | $(figures "$url/alerts/$alert") |"
echo "| /search?q=Arkady+Rotenberg | $(figures "$url/search?q=Arkady+Rotenberg") |"
echo "| /parties/$party | $(figures "$url/parties/$party") |"
echo "| /book | $(figures "$url/book") |"
echo "| /align?program=russia (chart, lags, first 50 targets) | $(figures "$url/align?program=russia") |"
echo "| /align?program=russia&from=2022-02-01&to=2022-03-31&min=3 | $(figures "$url/align?program=russia&from=2022-02-01&to=2022-03-31&min=3") |"
echo "| /search?q=Arkady+Rotenberg&source=us_ofac_sdn (facet chosen) | $(figures "$url/search?q=Arkady+Rotenberg&source=us_ofac_sdn") |"
echo "| /parties/us-ofac-sdn-31123 (amended: field changes, across lists) | $(figures "$url/parties/us-ofac-sdn-31123") |"
echo "| /lists (admin: versions, last changes, update state) | $(figures "$url/lists") |"
echo "| /audit (entries, verification state) | $(figures "$url/audit") |"
echo "| /alerts?after=50000 (a page deep in the queue, by keyset) | $(figures "$url/alerts?after=50000") |"
echo "| /alerts?min_age_hours=1 (age filter: counts not cached) | $(figures "$url/alerts?min_age_hours=1") |"
echo "| /alerts?source=us_ofac_sdn&book=main | $(figures "$url/alerts?source=us_ofac_sdn&book=main") |"

#!/usr/bin/env bash
# The analyst's pages in a real browser (ui-tests/flow.mjs): Debian's Chromium driven by npm
# playwright-core, never a browser download. Installs what is missing (apt chromium, the npm
# packages of ui-tests/package-lock.json), builds sanctum, makes a store with the SDN of
# 2022-02-17 and 2022-02-28, the UK and Canadian lists, their links, users and a small
# book, serves it, and runs the flow. Screenshots land in
# target/ui-screenshots/ for a person to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
lists="${SANCTUM_SHARED_LISTS:-../shared/data/lists}"
if [ ! -d "$lists" ]; then
  case "${CI:-}" in
    "" | 0 | false | FALSE | False) echo "SKIP ui-browser: shared list folder $lists is absent"; exit 0 ;;
    *) echo "ui-browser: the shared list folder $lists is absent, and CI is set" >&2; exit 1 ;;
  esac
fi
if [ ! -x /usr/bin/chromium ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq chromium >/dev/null
fi
[ -d ui-tests/node_modules/playwright-core ] && [ -d ui-tests/node_modules/axe-core ] ||
  (cd ui-tests && npm ci --no-audit --no-fund --silent)
cargo build --quiet --locked -p sanctum --bin sanctum
bin=$PWD/target/debug/sanctum

work=$(mktemp -d "${TMPDIR:-/tmp}/ui-browser.XXXXXX")
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
data=$work/data
# The SDN before and after Russia's invasion of Ukraine, the UK's and Canada's lists: the
# alignment page's Russia chart has the three jurisdictions.
"$bin" --data-dir "$data" update us_ofac_sdn --from "$lists/ofac_sdn_csv/sdn_2022-02-17.csv" >/dev/null
"$bin" --data-dir "$data" update us_ofac_sdn --from "$lists/ofac_sdn_csv/sdn_2022-02-28.csv" >/dev/null
"$bin" --data-dir "$data" update uk_ofsi --from "$lists/uk_ofsi/ConList_2023-06-05.xlsx" >/dev/null
"$bin" --data-dir "$data" update ca_sema --from "$lists/canada_sema/sema-lmes_2025-05.xml" >/dev/null
# The links between the lists, kept in the store (the server would link them at its start).
"$bin" --data-dir "$data" align --program russia >/dev/null 2>&1
root=$("$bin" --data-dir "$data" users add root --role admin)
ana=$(echo "correct horse ana" | SANCTUM_KEY=$root "$bin" --data-dir "$data" users add ana --role analyst --password-stdin)
echo "battery staple rex" | SANCTUM_KEY=$root "$bin" --data-dir "$data" users add rex --role reviewer --password-stdin >/dev/null
echo "admin pass boss" | SANCTUM_KEY=$root "$bin" --data-dir "$data" users add boss --role admin --password-stdin >/dev/null
printf 'id,name,country\n<script>alert(1)</script>,Arkady Rotenberg,RU\nc2,Margarethe Vollmer,DE\n' >"$work/book.csv"
SANCTUM_KEY=$ana "$bin" --data-dir "$data" book import "$work/book.csv" >/dev/null

# The lists page's update button fetches from this empty mirror: offline, it fails at once.
mkdir -p "$work/mirror"
SANCTUM_LISTS_DIR=$work/mirror "$bin" --data-dir "$data" serve --bind 127.0.0.1:0 --rate-limit 0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 1 300); do
  grep -q '^listening on ' "$work/serve.out" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/serve.out" | head -n 1)
[ -n "$url" ] || { echo "ui-browser: the server did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
shots=$PWD/target/ui-screenshots
mkdir -p "$shots"
node ui-tests/flow.mjs "$url" "$shots"

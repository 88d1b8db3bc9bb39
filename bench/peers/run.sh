#!/usr/bin/env bash
# The peer comparison end to end: sanctum's evaluation deck scored by nomenklatura's
# logic-v2 next to sanctum's own numbers, and screening throughput on the first ROWS
# rows of the customer file for sanctum, nomenklatura and a rapidfuzz brute force.
# Markdown (versions, commands, tables) on stdout; progress on stderr.
#
# Environment (defaults in brackets):
#   SANCTUM_BIN [target/release/sanctum]  SANCTUM_DATA_DIR [a store filled by bench/screen.sh:
#                                         ${SCREEN_BENCH_DIR:-/tmp/sanctum-bench-screen}/data]
#   PEERS_WORK [/tmp/sanctum-peers]     scratch and result JSON
#   PEERS_FTM [$PEERS_WORK/all.ftm.json]  PEERS_CUSTOMERS [$PEERS_WORK/customers-20000.csv]
#                                       both made from the store when absent
#   PEERS_DECK, PEERS_REPORT            deck + sanctum report of one `eval` run
#                                       [generated into PEERS_WORK when both are absent]
#   PEERS_ROWS [2000] PEERS_SAMPLE [200] PEERS_BATCH [100] PEERS_SEED [42] PEERS_NICE [10]
#   SANCTUM_PEERS_VENV                  see setup.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SANCTUM_BIN=${SANCTUM_BIN:-$HERE/../../target/release/sanctum}
DATA_DIR=${SANCTUM_DATA_DIR:-${SCREEN_BENCH_DIR:-/tmp/sanctum-bench-screen}/data}
WORK=${PEERS_WORK:-/tmp/sanctum-peers}
FTM=${PEERS_FTM:-$WORK/all.ftm.json}
CUSTOMERS=${PEERS_CUSTOMERS:-$WORK/customers-20000.csv}
DECK=${PEERS_DECK:-$WORK/deck.jsonl}
REPORT=${PEERS_REPORT:-$WORK/report.json}
ROWS=${PEERS_ROWS:-2000}
SAMPLE=${PEERS_SAMPLE:-200}
BATCH=${PEERS_BATCH:-100}
SEED=${PEERS_SEED:-42}
NICE=${PEERS_NICE:-10}

die() { echo "run.sh: error: $*" >&2; exit 2; }
SANCTUM=("$SANCTUM_BIN" --data-dir "$DATA_DIR")
[ -x "$SANCTUM_BIN" ] || die "sanctum binary not found: $SANCTUM_BIN
  build it (cargo build --release; target/release/sanctum) and set SANCTUM_BIN"
[ -f "$DATA_DIR/sanctum.db" ] || die "no sanctum store in $DATA_DIR (set SANCTUM_DATA_DIR, or run bench/screen.sh first; or fill one with: sanctum --data-dir DIR update)"
mkdir -p "$WORK"
[ -f "$FTM" ] || "${SANCTUM[@]}" export --format ftm -o "$FTM" >&2 || die "export to $FTM failed"
[ -f "$CUSTOMERS" ] || "${SANCTUM[@]}" screen-tools customers --rows 20000 --seed 7 -o "$CUSTOMERS" >&2 \
  || die "customer file $CUSTOMERS could not be made"
[ -f "$DECK" ] && have_deck=1 || have_deck=0
[ -f "$REPORT" ] && have_report=1 || have_report=0
[ $have_deck = $have_report ] || die "PEERS_DECK ($DECK) and PEERS_REPORT ($REPORT) come from one eval run: give both or neither"
mkdir -p "$WORK"

COMMANDS=()
TIMES=()
# Runs a step niced, remembers its command line and its wall time (and peak RSS
# and CPU time where /usr/bin/time exists); stdout goes to stderr, the tables come at the end.
step() {
  local name=$1 rc=0 t0=$SECONDS rss=""
  shift
  COMMANDS+=("$*")
  echo "run.sh: $name: $*" >&2
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M %U %S" -o "$WORK/.rss" nice -n "$NICE" "$@" >&2 || rc=$?
    rss=$(tail -1 "$WORK/.rss" | awk '{printf ", %.0f s CPU, peak RSS %d MB", $2 + $3, $1 / 1024}')
  else
    nice -n "$NICE" "$@" >&2 || rc=$?
  fi
  TIMES+=("| $name | $((SECONDS - t0)) s$rss | exit $rc |")
  return $rc
}

VENV=$("$HERE/setup.sh" | tail -1) || die "setup.sh failed (see pip's message above)"
PY="$VENV/bin/python"

if [ ! -f "$DECK" ]; then
  step "sanctum eval (deck)" "${SANCTUM[@]}" eval --seed "$SEED" --per-class 100 \
    --customers 1000 --lookalikes 100 --json "$REPORT" --deck-out "$DECK" \
    || die "sanctum eval failed"
fi

step "nomenklatura deck" "$PY" "$HERE/deck_nomenklatura.py" "$DECK" "$FTM" \
  --sample "$SAMPLE" --seed "$SEED" --batch "$BATCH" --sanctum-report "$REPORT" \
  --out "$WORK/deck-nomenklatura.json" || die "deck_nomenklatura.py failed"

head -n $((ROWS + 1)) "$CUSTOMERS" >"$WORK/customers-$ROWS.csv"
# screen exits 4 when rows alerted, 5/6 when rows were rejected: all fine here.
step "sanctum screen" "${SANCTUM[@]}" screen "$WORK/customers-$ROWS.csv" --quiet --no-fetch \
  --summary "$WORK/sanctum-screen.json" -o "$WORK/sanctum-alerts.jsonl" \
  2>"$WORK/sanctum-screen.log" || case $? in 4 | 5 | 6) ;; *)
  cat "$WORK/sanctum-screen.log" >&2
  die "sanctum screen failed" ;;
esac

step "peers screen" "$PY" "$HERE/screen_peers.py" "$CUSTOMERS" "$FTM" --rows "$ROWS" \
  --batch "$BATCH" --sanctum-summary "$WORK/sanctum-screen.json" \
  --sanctum-alerts "$WORK/sanctum-alerts.jsonl" --sanctum-log "$WORK/sanctum-screen.log" \
  --out "$WORK/screen.json" >/dev/null || die "screen_peers.py failed"

cat <<EOF
## Versions

- sanctum: $("$SANCTUM_BIN" --version) ($SANCTUM_BIN, store $DATA_DIR)
- $("$PY" --version); $("$PY" -c 'from importlib.metadata import version as v
print(", ".join(f"{p} {v(p)}" for p in ("nomenklatura", "followthemoney", "rigour", "duckdb", "rapidfuzz")))')
- machine: $(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)

## Commands

\`\`\`
$(printf '%s\n' "${COMMANDS[@]}")
\`\`\`

| step | wall, CPU, peak RSS | exit |
|---|---|---|
$(printf '%s\n' "${TIMES[@]}")

EOF
"$PY" "$HERE/render.py" "$WORK/deck-nomenklatura.json" "$WORK/screen.json"

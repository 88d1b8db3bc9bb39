#!/usr/bin/env bash
# Fuzzes every reader of untrusted input for a bounded time: each list format, the XLSX
# reader, the customer files and query preparation (crates/fuzzing lists the targets).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Default 20 s per target, every target; with FUZZ_RUNS=N a target also stops after N
# executions (the measurement of BENCHMARKS.md: FUZZ_RUNS=1000000 scripts/fuzz.sh 600).
# Each runs over a scratch copy of its seeds (fuzz/seeds/<target>/, which stay as
# committed) with a 2 GB memory and a 10 s per-input limit. A crash, hang or memory blow-up fails the script; the input is left in
# fuzz/artifacts/<target>/. Keep it as fuzz/regressions/<target>/<name> once the reader is
# fixed: `cargo test -p sanctum-fuzzing` replays every regression from then on.
#
# The build is cargo-fuzz's (installed when absent) on the stable toolchain: `-s none`
# leaves out AddressSanitizer, which needs nightly flags and finds little in safe Rust,
# and the build lands in fuzz/target, apart from the workspace's. FUZZ_BUILD=dev builds
# fuzz/Cargo.toml's dev profile (less optimised: a shorter build, slower executions), for
# the short run of scripts/test.sh; the default is the release profile.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift || true
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "fuzz.sh: SECONDS_PER_TARGET must be a whole number of seconds, got '$seconds'" >&2
    exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz"
    cargo install --locked cargo-fuzz
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

# cargo-fuzz's default is the release profile with debug assertions and overflow checks
# (its `-O` would leave them out, and rebuild everything).
case ${FUZZ_BUILD:-release} in
release) profile=() ;;
dev) profile=(-D) ;;
*)
    echo "fuzz.sh: FUZZ_BUILD must be release or dev, got '$FUZZ_BUILD'" >&2
    exit 2
    ;;
esac

(cd fuzz && cargo fuzz build -s none ${profile[@]+"${profile[@]}"})

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
printf '%-20s %12s %8s %10s  %s\n' target executions seconds execs/s result >"$scratch/table"
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    mkdir -p "$corpus" "fuzz/artifacts/$target"
    cp fuzz/seeds/"$target"/* "$corpus"/
    log="$scratch/$target.log"
    echo "fuzz.sh: $target for ${seconds}s"
    if (cd fuzz && cargo fuzz run -s none ${profile[@]+"${profile[@]}"} "$target" "$corpus" -- \
        -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"$log" 2>&1); then
        result=ok
    else
        result=FAILED
        failed+=("$target")
        tail -n 40 "$log" >&2
    fi
    # libFuzzer's own count and time: the build check before the run is not fuzzing.
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    execs=${execs:-0}
    elapsed=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    elapsed=${elapsed:-0}
    printf '%-20s %12s %8s %10s  %s\n' "$target" "$execs" "$elapsed" \
        "$((execs / (elapsed > 0 ? elapsed : 1)))" "$result" >>"$scratch/table"
done
cat "$scratch/table"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi

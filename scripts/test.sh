#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of the workspace.
# Tests that read the real list files look for ../shared/data/lists (or SANCTUM_SHARED_LISTS)
# and print a SKIP notice when it is absent; with CI set (.ci/run sets CI=true) they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
# The contract tests' Python venvs (yente's builds PyICU from source, mostly on one core)
# are made while cargo builds, and waited for before those tests run.
mkdir -p target
(CONTRACT_PREPARE_ONLY=1 ./scripts/contract-yente.sh && CONTRACT_PREPARE_ONLY=1 ./scripts/contract-ftm.sh) \
    >target/contract-prepare.log 2>&1 &
prepare=$!
cargo clippy --workspace --all-targets --locked -- -D warnings
# The PostgreSQL store's tests need a server (each creates and drops its own database):
# started here when none runs (installed with apt on a machine without one).
./scripts/postgres.sh
# A bound well under CI's limit, so a hung test fails here with its name printed
# ("has been running for over 60 seconds") instead of eating the whole CI run.
timeout --kill-after=30s 45m cargo test --workspace --locked
if ! wait "$prepare"; then
    cat target/contract-prepare.log >&2
    echo "test.sh: making the contract tests' venvs failed (above)" >&2
    exit 1
fi
# FollowTheMoney's own code over the export of every shared list (a venv under target/).
./scripts/contract-ftm.sh
# yente's own response models over the answers of a running `sanctum serve` (a venv under target/).
./scripts/contract-yente.sh
# The analyst's pages in Debian's Chromium (playwright-core; screenshots in target/ui-screenshots).
./scripts/ui-browser.sh
# Every fuzz target for a few seconds over its seeds (issue #13): a reader that panics, hangs
# or runs away with memory on an input near the fixtures fails CI. Building the instrumented
# targets is most of this step; the seconds per target are kept small so it stays short.
FUZZ_BUILD=dev ./scripts/fuzz.sh "${SANCTUM_FUZZ_SECONDS:-3}"

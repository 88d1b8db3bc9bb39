#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of the workspace.
# Tests that read the real list files look for ../shared/data/lists (or SANCTUM_SHARED_LISTS)
# and print a SKIP notice when it is absent; with CI set (.ci/run sets CI=true) they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# A bound well under CI's limit, so a hung test fails here with its name printed
# ("has been running for over 60 seconds") instead of eating the whole CI run.
timeout --kill-after=30s 45m cargo test --workspace --locked
# FollowTheMoney's own code over the export of every shared list (a venv under target/).
./scripts/contract-ftm.sh
# yente's own response models over the answers of a running `sanctum serve` (a venv under target/).
./scripts/contract-yente.sh
# Every fuzz target for a few seconds over its seeds (issue #13): a reader that panics, hangs
# or runs away with memory on an input near the fixtures fails CI. Building the instrumented
# targets is most of this step; the seconds per target are kept small so it stays short.
FUZZ_BUILD=dev ./scripts/fuzz.sh "${SANCTUM_FUZZ_SECONDS:-3}"

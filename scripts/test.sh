#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of the workspace.
# Tests that read the real list files look for ../shared/data/lists (or SANCTUM_SHARED_LISTS)
# and print a SKIP notice when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

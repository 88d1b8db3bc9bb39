#!/usr/bin/env bash
# The main job: fetch every list sanctum knows into the store, then show what it holds.
# Offline sites: set SANCTUM_LISTS_DIR to a directory of list files; when it is unset and
# ../shared/data/lists exists beside the checkout, that folder serves (with the OFAC SDN
# snapshot history ingested first, so `sanctum diff` has versions to compare).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p sanctum
sanctum=target/release/sanctum
shared=../shared/data/lists
if [ -z "${SANCTUM_LISTS_DIR:-}" ] && [ -d "$shared" ]; then
  export SANCTUM_LISTS_DIR="$shared"
  "$sanctum" update us_ofac_sdn --from "$shared/ofac_sdn_csv" || true
fi
"$sanctum" update || echo "some sources were not updated (see above); the others are stored"
"$sanctum" lists
# Screening a sample customer file (a few hundred rows, some of them listed names with
# variants); exit code 4 means alerts were found, which is the expected outcome here.
alerts="${TMPDIR:-/tmp}/sanctum-customers.alerts.jsonl"
"$sanctum" screen examples/customers.csv --out "$alerts" || [ $? -eq 4 ]
echo "alerts written to $alerts"

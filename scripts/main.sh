#!/usr/bin/env bash
# The main job: fetch every list sanctum knows into the store, then show what it holds.
# Offline sites: set SANCTUM_LISTS_DIR to a directory of list files; when it is unset and
# ../shared/data/lists exists beside the checkout, that folder serves. Every publication in
# the lists directory and its subdirectories is ingested first, oldest first, so older
# snapshots become a version history `sanctum diff` can compare, and sources that are only
# read from files (Japan's METI list, as its PDF or as text extracted from it) are stored
# too. Files that are not an official publication are left out: a DERIVED name, and the
# sanctiontoolkit folder (a list flattened by a third party).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p sanctum
sanctum=target/release/sanctum
shared=../shared/data/lists
history_opts=()
if [ -z "${SANCTUM_LISTS_DIR:-}" ] && [ -d "$shared" ]; then
  export SANCTUM_LISTS_DIR="$shared"
  # The shared snapshots are official publications months or years apart: between them a
  # list may shrink by more than the 10% a daily update is held to (the UN list lost its
  # Iran entries in 2023). A lists directory of one's own keeps the 10% guard.
  history_opts=(--max-removed 100)
fi
if [ -n "${SANCTUM_LISTS_DIR:-}" ] && [ -d "$SANCTUM_LISTS_DIR" ]; then
  # One directory of links to every official file, so that `update --from` orders each
  # source's publications by date across the folders (OFAC's consolidated list is in two).
  publications="$(mktemp -d)"
  trap 'rm -rf "$publications"' EXIT
  while IFS= read -r -d '' file; do
    name="$(basename "$file")"
    if [ -e "$publications/$name" ]; then
      echo "note: $file: another file of this name is ingested; this one is not" >&2
      continue
    fi
    ln -s "$(realpath "$file")" "$publications/$name"
  done < <(find "$SANCTUM_LISTS_DIR" -type f ! -path '*/sanctiontoolkit/*' \
    ! -name '*DERIVED*' ! -name '.*' -print0 | sort -z)
  "$sanctum" update --from "$publications" "${history_opts[@]}" ||
    echo "some publications were not ingested (see above); the others are stored"
fi
"$sanctum" update || echo "some sources were not updated (see above); the others are stored"
"$sanctum" lists
# Screening a sample customer file (a few hundred rows, some of them listed names with
# variants); exit code 4 means alerts were found, which is the expected outcome here.
alerts="${TMPDIR:-/tmp}/sanctum-customers.alerts.jsonl"
"$sanctum" screen examples/customers.csv --out "$alerts" || [ $? -eq 4 ]
echo "alerts written to $alerts"

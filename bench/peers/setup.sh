#!/usr/bin/env bash
# Creates (or reuses) the Python venv for the peer benchmarks: nomenklatura (logic-v2
# and its DuckDB blocker), followthemoney and rapidfuzz, pinned to versions that install
# and run here. Idempotent: does nothing when the venv already has these versions.
set -euo pipefail
VENV=${SANCTUM_PEERS_VENV:-$HOME/.cache/sanctum-peers-venv}
PYTHON=${PYTHON:-python3}
# rigour (names, ids) and duckdb (the blocker) decide logic-v2's results too: pinned as well.
PINS=(nomenklatura==4.17.4 followthemoney==4.11.2 rapidfuzz==3.14.6 rigour==2.6.1 duckdb==1.5.6)

command -v "$PYTHON" >/dev/null || { echo "error: $PYTHON not found (Python >= 3.11 needed)" >&2; exit 2; }
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
if ! "$VENV/bin/python" - "${PINS[@]}" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    assert version(name) == want, pin
PY
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PINS[@]}"
fi
echo "$VENV"

#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers at 127.0.0.1:5432 for the tests of the PostgreSQL
# store (each test creates and drops its own database; crates/testkit).
#
# The project's machines come with one running (trust authentication on loopback, roles
# postgres and root). On any other Debian machine this installs Debian's postgresql, lets
# loopback connections in without a password (local test server only), and starts the
# cluster. A server already answering is left as it is.
set -euo pipefail

HOST=127.0.0.1
PORT=5432

answers() { pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; }

if command -v pg_isready >/dev/null && answers; then
    exit 0
fi

if ! command -v pg_ctlcluster >/dev/null; then
    echo "postgres.sh: installing PostgreSQL (apt-get)" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
conf_dir=/etc/postgresql/$version/main
if [ ! -d "$conf_dir" ]; then
    pg_createcluster "$version" main >/dev/null
fi
# Loopback only, and only for a test server: trust, as on the project's machines.
hba=$conf_dir/pg_hba.conf
if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    sed -i -E 's/^(host[[:space:]]+all[[:space:]]+all[[:space:]]+(127\.0\.0\.1\/32|::1\/128)[[:space:]]+)[a-z0-9-]+/\1trust/' "$hba"
    grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba" \
        || echo "host all all 127.0.0.1/32 trust" >>"$hba"
fi
# pg_ctlcluster starts the server as the postgres user (the server refuses to run as root).
pg_ctlcluster "$version" main start || pg_ctlcluster "$version" main reload
for _ in $(seq 1 60); do
    if answers; then
        exit 0
    fi
    sleep 0.5
done
echo "postgres.sh: PostgreSQL $version did not answer at $HOST:$PORT within 30 s" >&2
exit 1

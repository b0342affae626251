#!/usr/bin/env bash
# Runs every test of vizpro against the PostgreSQL, NATS and Redis on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vizpro-target}"
scripts/services.sh

# Every test makes a database, a JetStream stream and (for MySQL data sources) a MariaDB database and
# user of its own. What earlier runs left behind is dropped first, and what this run leaves when it ends,
# so that no later run or benchmark shares the machine with autovacuum visiting dozens of databases.
drop_leftovers() {
  psql -h 127.0.0.1 -U postgres -tAc \
    "select datname from pg_database where datname like 'vizpro\_test\_%' or datname like 'vizpro\_bench\_%'" |
    while read -r database; do
      [ -n "$database" ] && psql -h 127.0.0.1 -U postgres -qc "drop database if exists \"$database\" with (force)" >/dev/null
    done
  # The roles the tests made for their databases (owner and service), once those databases are gone.
  psql -h 127.0.0.1 -U postgres -tAc "select rolname from pg_roles where rolname like 'vizpro\_test\_%'" |
    while read -r role; do
      [ -n "$role" ] && { psql -h 127.0.0.1 -U postgres -qc "drop role if exists \"$role\"" >/dev/null 2>&1 || true; }
    done
  mysql -h 127.0.0.1 -u root -N -e \
    "select concat('drop database if exists \`', schema_name, '\`;') from information_schema.schemata where schema_name like 'vizpro\\_test\\_%'
     union all select concat('drop user if exists \'', user, '\'@\'', host, '\';') from mysql.user where user like 'reader\\_%'" |
    mysql -h 127.0.0.1 -u root
  if command -v python3 >/dev/null 2>&1; then
    python3 scripts/drop-test-streams.py
  fi
}
drop_leftovers
trap 'drop_leftovers || true' EXIT

# The chart engine's tests compare its results with DuckDB's (`.ci/run` installs it on a fresh machine).
if ! python3 -c 'import duckdb' >/dev/null 2>&1; then
  echo "the chart engine's tests need DuckDB for Python: python3 -m pip install duckdb==1.5.6" >&2
  exit 1
fi

cargo test --workspace

# The SPA: type checks, unit tests and build, then its end-to-end tests in Chromium against the whole
# platform (the vizpro binary the workspace tests just built).
if [ -f frontend/package.json ]; then
  (
    cd frontend
    # A clean install only when the lockfile changed since the last one.
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
      npm ci --no-audit --no-fund
    fi
    npm run --silent typecheck
    npm test
    npm run --silent build
  )
  if [ ! -x /usr/bin/chromium ]; then
    echo "the SPA's end-to-end tests need Debian's Chromium: apt-get install chromium" >&2
    exit 1
  fi
  scripts/e2e.sh
fi

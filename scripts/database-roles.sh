#!/usr/bin/env bash
# Creates a database (if it does not exist) with vizpro's two roles: an owner that runs migrations and a
# service role that may append to and read the events table but never rewrite it (deploy/postgres/roles.sql).
# Usage: scripts/database-roles.sh DATABASE OWNER SERVICE. Talks to the PostgreSQL on 127.0.0.1:5432 as the
# `postgres` superuser, as the other scripts do.
set -euo pipefail
cd "$(dirname "$0")/.."
database="$1" owner="$2" service="$3"
psql_admin() { psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
if ! psql_admin -tAc "select 1 from pg_database where datname = '$database'" | grep -q 1; then
  psql_admin -c "create database \"$database\""
fi
sed -e "s/@owner@/$owner/g" -e "s/@service@/$service/g" -e "s/@database@/$database/g" \
    -e "s/@owner_password@//g" -e "s/@service_password@//g" deploy/postgres/roles.sql |
  psql_admin -d "$database" > /dev/null

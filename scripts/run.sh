#!/usr/bin/env bash
# Starts vizpro on this machine: the services it needs, then the whole platform in one process on
# http://127.0.0.1:8080 — command API, relay, projector, query API, the SPA once it is built — with demo
# content on first start. Secrets are generated once into .vizpro/secrets.env and kept for later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vizpro-target}"
scripts/services.sh

database="${VIZPRO_DATABASE:-vizpro}"
# The database with its two roles: vizpro_owner runs the migrations, vizpro_app is what the platform
# connects as (it may append to the events table and read it, never rewrite it).
scripts/database-roles.sh "$database" vizpro_owner vizpro_app

mkdir -p .vizpro
if [ ! -f .vizpro/secrets.env ]; then
  umask 077
  {
    echo "VIZPRO_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
    echo "VIZPRO_CONNECTION_KEYS=local-1:$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
    echo "VIZPRO_CONNECTION_KEY_ID=local-1"
  } > .vizpro/secrets.env
fi
set -a
# shellcheck disable=SC1091
. .vizpro/secrets.env
set +a
export VIZPRO_DATABASE_URL="${VIZPRO_DATABASE_URL:-postgres://vizpro_app@127.0.0.1:5432/$database}"
export VIZPRO_MIGRATION_DATABASE_URL="${VIZPRO_MIGRATION_DATABASE_URL:-postgres://vizpro_owner@127.0.0.1:5432/$database}"
export VIZPRO_ADMIN_EMAILS="${VIZPRO_ADMIN_EMAILS:-admin@vizpro.local}"
export VIZPRO_LOG_JSON="${VIZPRO_LOG_JSON:-false}"
export VIZPRO_DEMO_DATA="${VIZPRO_DEMO_DATA:-true}"
# Uploaded datasets, converted to Parquet, stay beside the secrets (the default is a system directory).
mkdir -p .vizpro/objects
export VIZPRO_OBJECT_STORE_URL="${VIZPRO_OBJECT_STORE_URL:-file://$PWD/.vizpro/objects}"

# The SPA, built again only when its sources changed since the last build; the platform serves
# frontend/dist on the same address as the API.
if [ -f frontend/package.json ]; then
  (
    cd frontend
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
      npm ci --no-audit --no-fund
    fi
    if [ ! -f dist/index.html ] || [ -n "$(find src index.html package-lock.json vite.config.ts -newer dist/index.html 2>/dev/null | head -n 1)" ]; then
      npm run --silent build
    fi
  )
fi

exec cargo run --release -p vizpro --bin vizpro

#!/usr/bin/env bash
# Runs the SPA's end-to-end tests in Chromium against the whole platform: the vizpro binary the workspace
# tests built, on a free port, with a database and key prefixes of its own, the built SPA and the demo
# content. Called by scripts/test.sh after `cargo test` and the SPA's build.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vizpro-target}"
binary="$CARGO_TARGET_DIR/debug/vizpro"
[ -x "$binary" ] || cargo build -p vizpro --bin vizpro

suffix="$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
database="vizpro_test_e2e_$suffix"
# The platform runs as it is deployed: migrations as an owner role, everything else as a service role.
scripts/database-roles.sh "$database" "vizpro_test_e2e_owner_$suffix" "vizpro_test_e2e_service_$suffix"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
objects="$(mktemp -d)"
log="$(mktemp)"

VIZPRO_LISTEN="127.0.0.1:$port" \
VIZPRO_DATABASE_URL="postgres://vizpro_test_e2e_service_$suffix@127.0.0.1:5432/$database" \
VIZPRO_MIGRATION_DATABASE_URL="postgres://vizpro_test_e2e_owner_$suffix@127.0.0.1:5432/$database" \
VIZPRO_NATS_STREAM="VIZPRO_TEST_E2E_$suffix" \
VIZPRO_NATS_SUBJECT_PREFIX="vizpro_test_e2e_$suffix.events" \
VIZPRO_REDIS_KEY_PREFIX="vizpro-test-e2e:$suffix:" \
VIZPRO_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
VIZPRO_CONNECTION_KEYS="e2e:$(head -c 32 /dev/urandom | base64 | tr -d '\n')" \
VIZPRO_CONNECTION_KEY_ID=e2e \
VIZPRO_ADMIN_EMAILS=admin@vizpro.local \
VIZPRO_DEMO_DATA=true \
VIZPRO_LOG_JSON=false \
VIZPRO_OBJECT_STORE_URL="file://$objects" \
VIZPRO_SPA_DIR=frontend/dist \
  "$binary" > "$log" 2>&1 &
platform=$!
stop() {
  kill "$platform" 2>/dev/null || true
  wait "$platform" 2>/dev/null || true
  rm -rf "$objects"
}
trap stop EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  if curl -fs "$base/readyz" > /dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$platform" 2>/dev/null; then
    echo "the platform stopped before it was ready:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done

if ! (cd frontend && VIZPRO_E2E_BASE_URL="$base" VIZPRO_E2E_APP_URL="$base" npm run --silent e2e); then
  echo "the platform's log during the end-to-end tests:" >&2
  tail -n 100 "$log" >&2
  exit 1
fi

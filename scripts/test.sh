#!/usr/bin/env bash
# Runs every test of vizpro against the PostgreSQL, NATS and Redis on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vizpro-target}"
scripts/services.sh
cargo test --workspace

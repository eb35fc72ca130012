#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine: `docker compose config` when the plugin exists,
# otherwise Debian's docker-compose (installed on demand when apt-get is available and we are root).
set -euo pipefail
cd "$(dirname "$0")/.."
export JWT_SECRET="${JWT_SECRET:-validate-only}" OPENAI_API_KEY="${OPENAI_API_KEY:-validate-only}"
export CALLSENSE_ENCRYPTION_KEY="${CALLSENSE_ENCRYPTION_KEY:-validate-only}"
if docker compose version >/dev/null 2>&1; then
  docker compose -f docker-compose.yml config --quiet
elif command -v docker-compose >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null); }; then
  docker-compose -f docker-compose.yml config --quiet
else
  echo "validate-compose: neither 'docker compose' nor 'docker-compose' is available" >&2
  exit 1
fi
echo "docker-compose.yml is valid"

#!/usr/bin/env bash
# Starts the real backend for the browser tests: embedded mode, a fresh SQLite database in a temporary
# directory, the built web app from frontend/dist, cheap password hashing and rate limits raised out of the way.
set -euo pipefail

frontend="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(dirname "$frontend")"
sanctum="$repo/.venv/bin/sanctum"
port="${E2E_PORT:-8390}"

if [[ ! -x "$sanctum" ]]; then
  echo "e2e-server: $sanctum is missing; run \`make install\` in $repo first" >&2
  exit 1
fi
if [[ ! -f "$frontend/dist/index.html" ]]; then
  echo "e2e-server: $frontend/dist is not built; run \`npm run build\` first" >&2
  exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/sanctum-e2e.XXXXXX")"
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

export DATABASE_URL="sqlite+aiosqlite:///$tmp/e2e.db"
export APP_ENV=test
export RATE_LIMITS__REGISTER_PER_IP=1000/minute
export RATE_LIMITS__LOGIN_PER_IP=1000/minute
export RATE_LIMITS__LOGIN_PER_ACCOUNT=1000/minute
# Every write limit times 1000: the tests write faster than a person (docs/rate-limits.md).
export RATE_LIMITS__MULTIPLIER=1000
export AUTH__ARGON2_MEMORY_KIB=1024
export AUTH__ARGON2_TIME_COST=1
# Bots answer at once rather than after a human-looking pause.
export GAMES__BOT_DELAY_SECONDS=0.02
# The link preview spec serves its page from 127.0.0.1, which the fetcher refuses unless allowed.
export PREVIEWS__ALLOW_NETWORKS='["127.0.0.1/32"]'
export WEB_DIST="$frontend/dist"
export LOG_LEVEL="${E2E_LOG_LEVEL:-warning}"
# Never pick up a developer's .env or Redis: these tests run the embedded mode only.
unset REDIS_URL DATABASE_READ_URL

cd "$tmp"
"$sanctum" migrate
# A site admin for the admin screens' tests (tests/people.ts: ADMIN).
"$sanctum" create-admin --username e2e_admin --email e2e_admin@example.com --password 'Tr0ub4dor&3-e2e' >/dev/null
"$sanctum" serve --host 127.0.0.1 --port "$port" &
server=$!
wait "$server"

#!/usr/bin/env bash
# Set up, install the real services the tests use (Chromium, PostgreSQL), then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
if [ "$(id -u)" = 0 ] && { ! command -v chromium >/dev/null || ! command -v pg_ctlcluster >/dev/null; }; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql >/dev/null
fi
if command -v pg_ctlcluster >/dev/null && [ "$(id -u)" = 0 ]; then
  export STORYSCOPE_TEST_PG=$(bash scripts/start_postgres.sh)
  export STORYSCOPE_REQUIRE_PG=1
fi
[ -x /usr/bin/chromium ] && export STORYSCOPE_REQUIRE_BROWSER=1
python -m pytest tests "$@"

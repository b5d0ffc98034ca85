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
  STORYSCOPE_TEST_PG=$(bash scripts/start_postgres.sh | tail -1)
  case "$STORYSCOPE_TEST_PG" in postgresql://*) ;; *) echo "start_postgres.sh gave no URL: $STORYSCOPE_TEST_PG" >&2; exit 1;; esac
  export STORYSCOPE_TEST_PG
  export STORYSCOPE_REQUIRE_PG=1
fi
[ -x /usr/bin/chromium ] && export STORYSCOPE_REQUIRE_BROWSER=1
python -m pytest tests "$@"

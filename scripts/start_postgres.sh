#!/usr/bin/env bash
# Start Debian's PostgreSQL (installed by .ci/run) and print a URL for the store contract tests.
# Only the URL goes to stdout: pg_ctlcluster chatter ("Removed stale pid file.") goes to stderr.
set -euo pipefail
{
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h | grep -q online; then
    pg_lsclusters -h | grep -q "^$ver main" || pg_createcluster "$ver" main
    pg_ctlcluster "$ver" main start
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'storyscope'\""
} 1>&2
echo "postgresql://postgres:storyscope@127.0.0.1:5432/postgres"

#!/usr/bin/env bash
# Starts the PostgreSQL the store tests run against: installs it if missing (Debian packages, as root), starts a
# cluster on 127.0.0.1:55432 and creates role and database llmcanary. Idempotent: a second call only makes sure it
# runs. Prints the JDBC URL; exports nothing (.ci/run sets the test variables).
set -euo pipefail
PORT=55432
# The base image may carry the client tools (psql, pg_ctlcluster) without a server: test for the server itself.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
VERSION=$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1 | cut -d/ -f5)
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx llmcanary; then
  pg_createcluster "$VERSION" llmcanary -p "$PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi
pg_ctlcluster "$VERSION" llmcanary start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$PORT"
psql_pg() { su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $PORT -tAc \"$1\""; }
if [ "$(psql_pg "SELECT 1 FROM pg_roles WHERE rolname='llmcanary'")" != "1" ]; then
  psql_pg "CREATE ROLE llmcanary LOGIN PASSWORD 'llmcanary'"
fi
if [ "$(psql_pg "SELECT 1 FROM pg_database WHERE datname='llmcanary'")" != "1" ]; then
  psql_pg "CREATE DATABASE llmcanary OWNER llmcanary"
fi
echo "jdbc:postgresql://127.0.0.1:$PORT/llmcanary"

#!/usr/bin/env bash
# Set up everything and serve kintrace with demo data on http://127.0.0.1:8000
#   ./run.sh                 (KINTRACE_DATA_DIR defaults to ./data; DATABASE_URL for PostgreSQL)
set -euo pipefail
. "$(dirname "$0")/scripts/bootstrap.sh" ""
export KINTRACE_DATA_DIR="${KINTRACE_DATA_DIR:-$ROOT/data}"
kintrace demo
kintrace createstaff demo-admin --role admin --if-missing
exec kintrace serve --host "${KINTRACE_HOST:-127.0.0.1}" --port "${KINTRACE_PORT:-8000}"

#!/usr/bin/env bash
# Run the whole test suite: on SQLite, then again on PostgreSQL for everything that touches
# the database. Installs what it needs (Python packages in .venv; Debian's chromium for the
# browser tests) and starts the local PostgreSQL if it is installed but stopped.
#   ./test.sh [extra pytest arguments]
set -euo pipefail
. "$(dirname "$0")/scripts/bootstrap.sh" dev

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)   # Spark backend tests
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need_apt+=(nginx)   # reverse-proxy tests
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)   # their self-signed certificate
command -v xgettext >/dev/null 2>&1 || need_apt+=(gettext)   # the translation completeness test
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "kintrace: installing ${need_apt[*]} from Debian" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
        echo "kintrace: please install ${need_apt[*]} (sudo apt-get install ${need_apt[*]})" >&2
        exit 1
    fi
fi

PG_URL="${KINTRACE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kintrace}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
        echo "kintrace: starting PostgreSQL" >&2
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "kintrace: PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }

run_pytest() {
    # pytest exits 5 when it collected no tests: that is a failure here, not a pass.
    set +e
    "$@"
    local rc=$?
    set -e
    if [ $rc -eq 5 ]; then echo "kintrace: no tests were collected" >&2; return 1; fi
    return $rc
}

if [ $# -eq 0 ]; then
    # The whole run (CI's): first prove that the application install alone, without the dev
    # extras, runs the main jobs (scripts/app_smoke.sh builds .venv-app for that).
    echo "== lint: ruff check, ruff format --check ==" >&2
    ruff check src tests bench scripts
    ruff format --check src tests bench scripts
    echo "== types: mypy (the settings are in pyproject.toml) ==" >&2
    # The Django plugin loads the settings: a throwaway data directory keeps it off real data.
    mypy_data="$(mktemp -d)"
    PYTHONPATH="$ROOT/src" DJANGO_SETTINGS_MODULE=kintrace.settings KINTRACE_DATA_DIR="$mypy_data" \
        mypy src/kintrace
    rm -rf "$mypy_data"
    echo "== main jobs on the application-only install ==" >&2
    bash "$ROOT/scripts/app_smoke.sh"
fi

echo "== tests on SQLite ==" >&2
run_pytest python -m pytest -q "$@"
echo "== tests on PostgreSQL ($PG_URL) ==" >&2
# names/ and linkage/ never touch the database: once is enough for them.
DATABASE_URL="$PG_URL" run_pytest python -m pytest -q --ignore=tests/names --ignore=tests/linkage "$@"

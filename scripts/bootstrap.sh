# Sourced by run.sh and test.sh: make .venv in the repository root with kintrace installed.
# Usage: . scripts/bootstrap.sh EXTRAS   (EXTRAS: "" for the app, "dev" for the test suite;
#        "--python-only" just sets $PY to a Python >= 3.12, for scripts/lock.sh)
# Every package is installed at the version pinned in requirements.lock (pip's constraints), so
# a new release of a dependency cannot break a fresh install; scripts/lock.sh renews the pins.
# KINTRACE_VENV names another virtual environment (default .venv), e.g. the application-only one
# that test.sh builds to prove the main jobs run without the dev extras.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${KINTRACE_VENV:-.venv}"

find_python() {
    local c
    for c in python3.13 python3.12 python3; do
        if command -v "$c" >/dev/null 2>&1 &&
            "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            command -v "$c"; return 0
        fi
    done
    # pyenv installs that are not on PATH
    for c in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do
        [ -x "$c" ] && { echo "$c"; return 0; }
    done
    return 1
}

if [ "${1:-}" = "--python-only" ]; then
    PY="$(find_python)" || { echo "kintrace needs Python >= 3.12 (Django 6); none found" >&2; exit 1; }
    return 0
fi

if [ ! -x "$VENV"/bin/python ]; then
    PY="$(find_python)" || { echo "kintrace needs Python >= 3.12 (Django 6); none found" >&2; exit 1; }
    echo "kintrace: creating $VENV with $PY" >&2
    "$PY" -m venv "$VENV"
    "$VENV"/bin/python -m pip install --quiet --upgrade pip
fi

extras="${1:-}"
spec="."
[ -n "$extras" ] && spec=".[$extras]"
stamp="$VENV/.kintrace-installed-${extras:-app}"
want="$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "kintrace: installing $spec into $VENV (first time takes a few minutes)" >&2
    "$VENV"/bin/python -m pip install --quiet -c requirements.lock -e "$spec"
    echo "$want" > "$stamp"
fi
export PATH="$ROOT/$VENV/bin:$PATH"

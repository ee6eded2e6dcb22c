#!/usr/bin/env bash
# Renew requirements.lock: resolve pyproject.toml's dependencies and dev extras afresh with
# pip-tools (in a throwaway virtual environment), pinning every package run.sh and test.sh
# install. Run it when you change a dependency or want newer releases, then run ./test.sh and
# commit the lock with the change.   ./scripts/lock.sh [extra pip-compile arguments, e.g. -P django]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/bootstrap.sh --python-only
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
"$PY" -m venv "$tools"
"$tools"/bin/python -m pip install --quiet pip-tools
# --upgrade unless the caller names packages to upgrade (-P NAME) or wants the current pins kept.
"$tools"/bin/pip-compile --quiet --strip-extras --extra dev --allow-unsafe \
    --no-emit-index-url --no-emit-find-links --output-file requirements.lock "$@" pyproject.toml
echo "kintrace: requirements.lock renewed; run ./test.sh before committing it" >&2

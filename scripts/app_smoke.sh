#!/usr/bin/env bash
# The application install alone (no dev extras) must run every main job. test.sh (so CI) calls
# this: it builds .venv-app with `pip install -e .` only — what ./run.sh installs — and runs
# `kintrace dedupe`, `kintrace link`, the demo, `kintrace lists import` + `lists match` and
# `kintrace registry dedupe` there, checking what each one produced, so a runtime dependency
# that only the dev extras bring in (pandas was one) fails CI instead of a user's first list.
#   scripts/app_smoke.sh            (KINTRACE_VENV=DIR to use another environment)
set -euo pipefail
export KINTRACE_VENV="${KINTRACE_VENV:-.venv-app}"
. "$(dirname "$0")/bootstrap.sh" ""

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export KINTRACE_DATA_DIR="$work/data"
unset DATABASE_URL
fail() { echo "app_smoke: $*" >&2; exit 1; }

# Only the application's packages: the dev extras must not have leaked into this environment.
if python -c 'import pytest' 2>/dev/null; then
    fail "$KINTRACE_VENV has pytest: it is not an application-only install"
fi

cat > "$work/people.csv" <<'CSV'
id,name,birth_date,facility
a1,Иванов Александр Сергеевич,14.03.1987,ИК-17
a2,ИВАНОВ АЛЕКСАНДР СЕРГЕЕВИЧ,14.03.1987,ИК-17
a3,Петров Николай Иванович,02.11.1979,ИК-6
CSV
kintrace dedupe "$work/people.csv" --out "$work/dedupe.csv" --quiet
python - "$work/dedupe.csv" <<'PY' || fail "kintrace dedupe did not put a1 and a2 in one cluster, a3 apart"
import csv, sys
rows = {r["id"]: r["cluster_id"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
sys.exit(0 if rows["a1"] == rows["a2"] != rows["a3"] else 1)
PY

cat > "$work/right.csv" <<'CSV'
id,name,birth_date
r1,Aleksandr Ivanov,1987
r2,Сидоров Пётр Павлович,1990
CSV
kintrace link "$work/people.csv" "$work/right.csv" --out "$work/link.csv" --quiet
python - "$work/link.csv" <<'PY' || fail "kintrace link did not pair a1 with r1"
import csv, sys
pairs = {(r["left_id"], r["right_id"]) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
sys.exit(0 if ("a1", "r1") in pairs and not any(r == "r2" for _, r in pairs) else 1)
PY

kintrace demo >/dev/null
# A casualty list written as lists write them, naming two men of the demo registry.
DJANGO_SETTINGS_MODULE=kintrace.settings python - "$work/list.csv" <<'PY'
import sys
import django
django.setup()
from kintrace.registry.models import Person
men = list(Person.objects.filter(birth_year__isnull=False).order_by("pk")[:2])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("ФИО;Дата рождения\n")
    for p in men:
        n = p.names.order_by("-is_primary", "pk").first()
        f.write(f"{n.full_text.upper()};{p.birth_year}\n")
PY
out="$(kintrace lists import "$work/list.csv" --kind casualty --source "app smoke" --quiet)"
list_id="$(printf '%s\n' "$out" | sed -n 's/^list: //p')"
[ -n "$list_id" ] || fail "kintrace lists import printed no list id: $out"
out="$(kintrace lists match "$list_id" --quiet)"
candidates="$(printf '%s\n' "$out" | sed -n 's/^candidates: //p')"
[ "${candidates:-0}" -ge 2 ] || fail "kintrace lists match found ${candidates:-no} candidates for 2 registry men: $out"
out="$(kintrace registry dedupe --quiet)"
printf '%s\n' "$out" | grep -q '^candidates: ' || fail "kintrace registry dedupe: $out"
echo "app_smoke: the application-only install ran dedupe, link, demo, lists import/match and registry dedupe" >&2

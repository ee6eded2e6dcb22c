#!/usr/bin/env bash
# Refresh translations: extract every translatable string, fill Russian from the existing
# catalogue and from docs/i18n/*.po (translations written alongside each part), compile.
# English is the source language, so its catalogue only needs the extracted ids.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$ROOT/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=kintrace.settings
export KINTRACE_DATA_DIR="$(mktemp -d)"
cd "$ROOT/src/kintrace"
django-admin makemessages -l ru -l en --no-obsolete --add-location=file \
    -i 'names/*' -i 'linkage/*' >/dev/null
ru=locale/ru/LC_MESSAGES/django.po
# makemessages writes Django's own 4-form Russian plural rule; our catalogues use the standard
# 3-form gettext rule (one / few / many), so the header is set to that before merging.
python3 - "$ru" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
rule = ('"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && '
        'n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2);\\n"\n')
s = re.sub(r'"Plural-Forms:.*?\\n"\n', lambda m: rule, s, count=1, flags=re.S)
open(p, "w", encoding="utf-8").write(s)
PY
shopt -s nullglob
parts=("$ROOT"/docs/i18n/*.po)
if [ ${#parts[@]} -gt 0 ]; then
    comp="$(mktemp)"
    # Translations: the per-part catalogues first, then what the catalogue already had;
    # the freshly extracted catalogue decides which messages exist.
    msgcat --use-first -o "$comp" "${parts[@]}" "$ru"
    msgmerge -q -N -o "$ru" "$comp" "$ru"
    rm -f "$comp"
fi
django-admin compilemessages >/dev/null
missing=$(msgattrib --untranslated --no-obsolete "$ru" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy "$ru" | grep -c '^msgid ' || true)
echo "ru: $(grep -c '^msgid ' "$ru") entries, untranslated: $((missing > 0 ? missing - 1 : 0)), fuzzy: $((fuzzy > 0 ? fuzzy - 1 : 0))"
rm -rf "$KINTRACE_DATA_DIR"

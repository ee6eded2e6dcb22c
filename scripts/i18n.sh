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
shopt -s nullglob
parts=("$ROOT"/docs/i18n/*.po)
if [ ${#parts[@]} -gt 0 ]; then
    comp="$(mktemp)"
    msgcat --use-first -o "$comp" "${parts[@]}"
    msgmerge -q -N -C "$comp" -o "$ru" "$ru" "$ru"
    rm -f "$comp"
fi
django-admin compilemessages >/dev/null
missing=$(msgattrib --untranslated --no-obsolete "$ru" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy "$ru" | grep -c '^msgid ' || true)
echo "ru: $(grep -c '^msgid ' "$ru") entries, untranslated: $((missing > 0 ? missing - 1 : 0)), fuzzy: $((fuzzy > 0 ? fuzzy - 1 : 0))"
rm -rf "$KINTRACE_DATA_DIR"

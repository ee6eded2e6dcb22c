"""Russian and English are complete: every string the code marks for translation has a
Russian translation, and the compiled catalogue is the one the code runs with."""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kintrace

PACKAGE = Path(kintrace.__file__).parent
RU_PO = PACKAGE / "locale" / "ru" / "LC_MESSAGES" / "django.po"
RU_MO = RU_PO.with_suffix(".mo")


def _entries(po_text: str) -> dict[str, list[str]]:
    """msgid (joined, with context) -> its msgstr values; a tiny reader for our own catalogue."""
    entries: dict[str, list[str]] = {}
    for block in po_text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue  # obsolete
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        current, parts = None, {}
        for line in lines:
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if m:
                current = m.group(1)
                parts[current] = m.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if parts.get("msgid"):
            key = parts.get("msgctxt", "") + "\x04" + parts["msgid"]
            entries[key] = [v for k, v in parts.items() if k.startswith("msgstr")]
    return entries


def test_every_russian_message_is_translated_and_none_is_fuzzy():
    text = RU_PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    missing = [k.split("\x04")[1] for k, v in _entries(text).items() if not all(v)]
    assert missing == []


def test_the_compiled_russian_catalogue_matches_the_source():
    with RU_MO.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    for key, values in _entries(RU_PO.read_text(encoding="utf-8")).items():
        ctxt, msgid = (ast.literal_eval(f'"{part}"') for part in key.split("\x04"))
        if len(values) == 1:
            got = catalogue.pgettext(ctxt, msgid) if ctxt else catalogue.gettext(msgid)
            assert got == ast.literal_eval(f'"{values[0]}"'), msgid


def test_no_translatable_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    # Never skipped: test.sh installs gettext, and without xgettext this check must fail.
    assert shutil.which("xgettext"), "install gettext (apt-get install gettext): xgettext"
    copy = tmp_path / "kintrace"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    po = copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    po.unlink()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ru",
            "-i",
            "names/*",
            "-i",
            "linkage/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "kintrace.settings",
            "PATH": "/usr/bin:/bin",
            "KINTRACE_DATA_DIR": str(tmp_path / "data"),
            "PYTHONPATH": str(PACKAGE.parent),
        },
    )
    extracted = set(_entries(po.read_text(encoding="utf-8")))
    committed = set(_entries(RU_PO.read_text(encoding="utf-8")))
    new = sorted(k.split("\x04")[1] for k in extracted - committed)
    assert new == [], "run scripts/i18n.sh and translate: " + "; ".join(new[:10])


def test_a_staff_page_is_russian_by_default_and_english_on_request(client, db):
    russian = client.get("/accounts/login/").content.decode()
    assert 'lang="ru"' in russian and ">Войти<" in russian and ">Log in<" not in russian
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in english and ">Log in<" in english and ">Войти<" not in english

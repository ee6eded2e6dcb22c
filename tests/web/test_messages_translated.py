"""Every message a person reads is in her language: the matching engine's level names in triage
and list review, the date parser's errors, the spreadsheet library's errors; dates are written
one way everywhere."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import kintrace
from kintrace.linkage.model import comparisons
from kintrace.lists.selectors import COMPARISONS, LEVELS
from kintrace.names.dates import PartialDate
from kintrace.registry.services import person_create
from kintrace.web.date_errors import DATE_REASONS
from tests.intake.helpers import make_report

SRC = Path(kintrace.__file__).parent


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_every_level_and_comparison_of_the_engine_has_words_for_people(dialect):
    found = comparisons(dialect)
    assert set(found) <= set(COMPARISONS), "a comparison without a translated name"
    labels = {level.label for levels in found.values() for level in levels}
    assert labels - set(LEVELS) == set(), "an engine level without a translated label"


def test_every_date_error_code_the_parser_raises_has_words_for_people():
    source = (SRC / "names" / "dates.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'code="([a-z_]+)"', source))
    assert codes and codes - set(DATE_REASONS) == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang,words,not_words",
    [
        ("en", ["Surname: the same", "strongly for"], ["Фамилия", "surname: exact"]),
        ("ru", ["Фамилия: совпадает", "сильно за"], ["exact", "Surname"]),
    ],
)
def test_triage_explains_a_suggestion_in_the_readers_language(
    unlocked_staff, org_keys, lang, words, not_words
):
    person_create(name="Иванов Александр Сергеевич", birth=PartialDate(1987, 3, 14), actor=None)
    report, _receipt = make_report(
        subject={"name": "Иванов Александр Сергеевич", "birth_date": "14.03.1987"}
    )
    c, _user = unlocked_staff("caseworker")
    html = c.get(
        reverse("intake:detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE=lang
    ).content.decode()
    assert "Иванов Александр Сергеевич" in html
    explanation = re.search(r"<small>([^<]*)</small>\s*</label>", html)
    assert explanation, "the suggestion carries its explanation"
    for w in words:
        assert w in explanation[1]
    for w in not_words:
        assert w not in explanation[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang,expected,english",
    [
        ("en", "is not a date: that month has no such day", None),
        ("ru", "в этом месяце нет такого дня", "does not exist"),
    ],
)
def test_an_impossible_list_date_is_explained_in_the_readers_language(
    client, login, make_staff, lang, expected, english
):
    login(make_staff("caseworker"))
    r = client.post(
        reverse("lists:upload"),
        {
            "kind": "hospital",
            "title": "Госпиталь",
            "reliability": "C",
            "credibility": 3,
            "date": "31.02.2025",
            "pasted": "Иванов Иван Иванович;1987",
        },
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    html = r.content.decode()
    assert r.status_code == 200 and expected in html
    assert "does not exist in" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lang,expected",
    [
        ("en", "The workbook is damaged or is not an XLSX workbook"),
        ("ru", "Книга повреждена или это не книга XLSX"),
    ],
)
def test_a_file_that_is_not_a_workbook_gets_our_message_not_the_librarys(
    client, login, make_staff, lang, expected
):
    login(make_staff("caseworker"))
    r = client.post(
        reverse("lists:upload"),
        {
            "kind": "hospital",
            "title": "Госпиталь",
            "reliability": "C",
            "credibility": 3,
            "file": SimpleUploadedFile("list.xlsx", b"PK\x03\x04 this is not a zip archive at all"),
        },
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    html = r.content.decode()
    assert r.status_code == 200 and expected in html
    assert "zip file" not in html.lower() and "BadZipFile" not in html


def test_templates_write_dates_only_through_the_languages_date_formats():
    """One way of writing a date: |date only with DATE_FORMAT or DATETIME_FORMAT (set in
    kintrace/formats/), never a format string of its own."""
    offenders = []
    for path in SRC.rglob("*.html"):
        for m in re.finditer(r'\|date(?::"([^"]*)")?', path.read_text(encoding="utf-8")):
            if m[1] not in ("DATE_FORMAT", "DATETIME_FORMAT"):
                offenders.append(f"{path.relative_to(SRC)}: {m[0]}")
    assert offenders == []


def test_python_code_formats_no_dates_of_its_own():
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "strftime(" in p.read_text(encoding="utf-8")
        and not str(p.relative_to(SRC)).startswith(("names/", "linkage/"))
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_timestamps_and_partial_dates_read_the_same_way_in_both_languages(
    unlocked_staff, org_keys, lang
):
    from django.utils import timezone

    report, _receipt = make_report()
    c, _user = unlocked_staff("caseworker")
    html = c.get(reverse("intake:queue"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    when = timezone.localtime(report.created_at)
    assert when.strftime("%d.%m.%Y %H:%M") in html

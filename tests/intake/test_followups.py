"""A relative's follow-up reaches a person (unread marks on triage, the case, the menu and
the person page; the message and an answer on the case page), closing asks why, and the
relative's inbox tells the truth about where the report stands."""

import re
import secrets
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from kintrace.audit.models import AuditEntry
from kintrace.cases.models import CaseStatus
from kintrace.cases.services import case_set_status
from kintrace.intake import services
from kintrace.intake.linking import report_create_person, report_facts
from kintrace.intake.models import Report
from kintrace.intake.services import report_close, report_open, reporter_add
from kintrace.intake.validation import clean_report

from .helpers import make_report, open_inbox

pytestmark = pytest.mark.django_db

NEWS = "Нам позвонили из госпиталя, он жив!"


@pytest.fixture
def linked(org_keys):
    """A report linked to a person with an open case, and its receipt."""
    report, receipt = make_report()
    report_create_person(report=report, actor=None)
    report.refresh_from_db()
    return report, receipt


def relative_writes(receipt, text=NEWS):
    reporter_add(access=report_open(receipt=receipt), text=text)


def test_a_follow_up_counts_as_unread_until_someone_marks_it_read(linked, unlocked_staff):
    report, receipt = linked
    relative_writes(receipt)
    relative_writes(receipt, "И ещё: он в Ростове.")
    report.refresh_from_db()
    assert report.unread_count == 2 and report.unread_since is not None
    client, user = unlocked_staff("caseworker")
    response = client.post(reverse("intake:mark_read", args=[report.pk]), {"next": "case"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[report.case_id])
    report.refresh_from_db()
    assert report.unread_count == 0 and report.unread_since is None
    entry = AuditEntry.objects.get(action="report.mark_read")
    assert entry.actor == user and entry.before == {"unread": 2}


def test_the_follow_up_shows_on_the_case_page_with_its_unread_mark(linked, unlocked_staff):
    report, receipt = linked
    relative_writes(receipt)
    client, user = unlocked_staff("caseworker")
    html = client.get(reverse("cases:detail", args=[report.case_id])).content.decode()
    assert NEWS in html and 'id="nav-unread"' in html
    assert reverse("intake:mark_read", args=[report.pk]) in html
    purposes = [
        e.after["purpose"]
        for e in AuditEntry.objects.filter(
            action="reporter_data.read", actor=user, target_id=str(report.pk)
        )
    ]
    assert purposes == ["case conversation"]


def test_staff_answer_from_the_case_page_and_return_to_it(linked, unlocked_staff, client):
    report, receipt = linked
    relative_writes(receipt)
    staff, _user = unlocked_staff("caseworker", c=Client())
    response = staff.post(
        reverse("intake:answer", args=[report.pk]),
        {"message": "Спасибо, проверяем.", "next": "case"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[report.case_id])
    report.refresh_from_db()
    assert report.unread_count == 0  # answering reads the conversation
    open_inbox(client, receipt)
    assert "Спасибо, проверяем." in client.get(reverse("intake:inbox")).content.decode()


def test_the_case_list_triage_queue_menu_and_person_page_show_the_unread_mark(
    linked, unlocked_staff
):
    report, receipt = linked
    relative_writes(receipt)
    client, _user = unlocked_staff("caseworker")
    cases = client.get(reverse("cases:list") + "?unread=1").content.decode()
    assert reverse("cases:detail", args=[report.case_id]) in cases and 'class="badge"' in cases
    queue = client.get(reverse("intake:queue") + "?unread=1").content.decode()
    assert reverse("intake:detail", args=[report.pk]) in queue
    person = client.get(reverse("registry:person", args=[report.person_id])).content.decode()
    assert 'id="person-unread"' in person and 'id="nav-unread"' in person
    search = client.get(reverse("registry:search")).content.decode()
    assert re.search(r'id="nav-unread"[^>]*>1<', search)


def test_with_nothing_unread_no_mark_is_shown(linked, unlocked_staff):
    report, _receipt = linked
    client, _user = unlocked_staff("caseworker")
    person = client.get(reverse("registry:person", args=[report.person_id])).content.decode()
    assert 'id="person-unread"' not in person and 'id="nav-unread"' not in person
    assert (
        reverse("cases:detail", args=[report.case_id])
        not in client.get(reverse("cases:list") + "?unread=1").content.decode()
    )


def test_unread_marks_are_refused_to_anonymous_visitors_and_analysts(
    linked, client, unlocked_staff
):
    report, receipt = linked
    relative_writes(receipt)
    url = reverse("intake:mark_read", args=[report.pk])
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get(reverse("intake:queue") + "?unread=1").status_code == 302
    analyst, _user = unlocked_staff("analyst", c=Client())
    assert analyst.post(url).status_code == 403
    assert analyst.get(reverse("intake:queue") + "?unread=1").status_code == 403
    numbers = analyst.get(reverse("numbers:index")).content.decode()
    assert 'id="nav-unread"' not in numbers  # analysts never see report counts by name
    report.refresh_from_db()
    assert report.unread_count == 1


def test_closing_a_report_needs_a_reason_and_the_inbox_says_closed_with_it(
    org_keys, client, unlocked_staff
):
    report, receipt = make_report()
    staff, _user = unlocked_staff("caseworker", c=Client())
    refused = staff.post(reverse("intake:close", args=[report.pk]), {})
    assert refused.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.NEW
    staff.post(reverse("intake:close", args=[report.pk]), {"reason": "duplicate", "share": "on"})
    report.refresh_from_db()
    assert (report.status, report.close_reason, report.close_reason_shared) == (
        "closed",
        "duplicate",
        True,
    )
    entry = AuditEntry.objects.get(action="report.close")
    assert entry.after["reason"] == "duplicate"
    open_inbox(client, receipt)
    ru = client.get(reverse("intake:inbox")).content.decode()
    assert "закрыто" in ru and "повторяет другое сообщение" in ru
    en = client.get(reverse("intake:inbox") + "?lang=en").content.decode()
    assert "closed — It repeats another report we already have" in en


def test_a_reason_not_shared_is_not_shown_to_the_relative(org_keys, client):
    report, receipt = make_report()
    report_close(report=report, reason="not_in_scope", shared=False, actor=None)
    open_inbox(client, receipt)
    html = client.get(reverse("intake:inbox") + "?lang=en").content.decode()
    assert "closed" in html and "not about a person" not in html


def test_a_closed_case_no_longer_says_a_caseworker_is_working_on_it(linked, client):
    report, receipt = linked
    open_inbox(client, receipt)
    assert (
        "a caseworker is working on it"
        in client.get(reverse("intake:inbox") + "?lang=en").content.decode()
    )
    case_set_status(
        case=report.case, status=CaseStatus.CLOSED, reason="no_leads", shared=True, actor=None
    )
    html = client.get(reverse("intake:inbox") + "?lang=en").content.decode()
    assert "a caseworker is working on it" not in html
    assert "closed — We could not find anything more for now" in html


def test_closing_a_case_through_its_page_asks_why(linked, unlocked_staff):
    report, _receipt = linked
    client, _user = unlocked_staff("coordinator")
    url = reverse("cases:set_status", args=[report.case_id])
    client.post(url, {"status": "found_alive"})
    report.case.refresh_from_db()
    assert report.case.status == CaseStatus.NEW
    client.post(url, {"status": "found_alive", "reason": "found", "share": "on"})
    report.case.refresh_from_db()
    assert (report.case.status, report.case.close_reason) == (CaseStatus.FOUND_ALIVE, "found")
    client.post(url, {"status": "searching"})
    report.case.refresh_from_db()
    assert report.case.close_reason == "" and report.case.closed_at is None


def test_the_api_inbox_tells_the_state_too(linked):
    report, receipt = linked
    api = Client(enforce_csrf_checks=True)
    body = api.get("/api/v1/reports/inbox", HTTP_X_RECEIPT=quote(receipt)).json()
    assert (body["status"], body["state"], body["closed_reason"]) == ("linked", "working", "")
    case_set_status(
        case=report.case, status=CaseStatus.FOUND_DEAD, reason="answered", shared=True, actor=None
    )
    body = api.get("/api/v1/reports/inbox", HTTP_X_RECEIPT=quote(receipt)).json()
    assert body["state"] == "closed"
    assert body["closed_reason"] == "We have written to you: please read our answer"


def _digit_receipt() -> str:
    """A receipt as kintrace gave them before words: 40 digits in groups of four."""
    digits = str(secrets.randbelow(10**40)).zfill(40)
    return " ".join(digits[i : i + 4] for i in range(0, 40, 4))


def test_an_old_digit_receipt_typed_in_arabic_indic_digits_opens_web_and_api(
    org_keys, client, monkeypatch
):
    monkeypatch.setattr(services, "new_receipt", _digit_receipt)
    _report, receipt = make_report()
    arabic = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in receipt)
    assert client.post(reverse("intake:inbox"), {"receipt": arabic}).status_code == 303
    api = Client()
    # As an HTTP client sends it: UTF-8 bytes, which WSGI decodes as Latin-1.
    raw = arabic.encode("utf-8").decode("latin-1")
    assert api.get("/api/v1/reports/inbox", HTTP_X_RECEIPT=raw).status_code == 200
    assert api.get("/api/v1/reports/inbox", HTTP_X_RECEIPT=quote(arabic)).status_code == 200


def test_a_word_receipt_in_the_api_header_as_utf8_opens_the_inbox(org_keys):
    _report, receipt = make_report()
    raw = receipt.upper().encode("utf-8").decode("latin-1")
    assert Client().get("/api/v1/reports/inbox", HTTP_X_RECEIPT=raw).status_code == 200
    wrong = Client().get("/api/v1/reports/inbox", HTTP_X_RECEIPT="кот " * 10)
    assert wrong.status_code == 404


@pytest.mark.parametrize(
    "typed",
    ["15 января", "15-го января", "January 15", "в январе 2025", "весна 1985", "около 1985"],
)
def test_vague_dates_are_accepted_in_the_optional_fields(typed):
    clean = clean_report(
        {"subject": {"name": "Иванов"}, "message": "", "details": {"last_contact_when": typed}}
    )
    assert clean.private["last_contact_when"] == typed


def test_a_day_that_does_not_exist_is_still_refused():
    from kintrace.intake.validation import ReportInvalid

    with pytest.raises(ReportInvalid):
        clean_report({"subject": {"name": "Иванов"}, "details": {"last_contact_when": "31 апреля"}})


def test_a_yearless_date_becomes_an_undated_fact_with_the_day_in_words_never_a_year():
    [fact] = report_facts({"last_contact_when": "15 января"})
    assert fact.type == "contact" and fact.date == ""
    assert fact.description == "15 января (year not given)"


def test_a_report_with_a_yearless_date_links_without_guessing_a_year(org_keys):
    from kintrace.registry.models import Event

    report, _receipt = make_report(details={"last_contact_when": "15 января"})
    report_create_person(
        report=report, actor=None, facts=report_facts({"last_contact_when": "15 января"})
    )
    event = Event.objects.get(type="contact")
    assert event.start_year is None and "15 января" in event.description


def test_the_recruitment_date_dates_the_step_the_relative_ticked():
    offered = report_facts({"what_happened": ["offered"], "recruited_when": "весна 2023"})
    assert [(f.type, f.date) for f in offered] == [("offered", "весна 2023")]
    both = report_facts({"what_happened": ["offered", "applied"], "recruited_when": "05.2023"})
    assert [(f.type, f.date) for f in both] == [("offered", ""), ("applied", "05.2023")]


def test_a_recruitment_date_without_a_ticked_step_says_the_step_was_not_given():
    [fact] = report_facts({"recruited_when": "2023"})
    assert (fact.type, fact.date) == ("applied", "2023")
    assert "not which step" in fact.description


def test_a_relative_date_and_an_age_are_accepted_and_read_from_the_day_the_report_came(org_keys):
    from datetime import date

    from kintrace.registry.models import Event, Person

    raw = {
        "subject": {"name": "Петров Пётр Петрович", "birth_date": "около 40 лет"},
        "details": {"last_contact_when": "2 недели назад", "recruited_when": "летом прошлого года"},
    }
    report, _receipt = make_report(**raw)  # the form's validation accepts all three
    written = date(2026, 11, 29)
    facts = report_facts(
        {"last_contact_when": "2 недели назад", "recruited_when": "летом прошлого года"},
        written=written,
    )
    assert {(f.type, f.date) for f in facts} == {
        ("applied", "лето 2025"),
        ("contact", "около 15.11.2026"),
    }
    contact = next(f for f in facts if f.type == "contact")
    assert contact.description == "“2 недели назад”, written 29.11.2026"
    person = report_create_person(report=report, actor=None, facts=facts)
    came = report.created_at.year
    assert (person.birth_year, Person.objects.get(pk=person.pk).birth_approximate) == (
        came - 40,
        True,
    )
    event = Event.objects.get(type="contact")
    assert (event.start_year, event.start_month, event.start_day) == (2026, 11, 15)


def test_a_date_nobody_can_read_is_still_refused_by_the_form():
    with pytest.raises(Exception) as e:
        clean_report({"subject": {"name": "Петров", "birth_date": "14.13.1987"}, "message": "x"})
    assert "subject.birth_date" in e.value.errors

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from kintrace.audit.models import AuditEntry
from kintrace.cases.models import Case, CaseStatus
from kintrace.intake.models import Report
from kintrace.names.dates import PartialDate
from kintrace.registry.models import Event, Person, SourceKind
from kintrace.registry.services import person_create

from .helpers import image_bytes, make_report

pytestmark = pytest.mark.django_db

CONTACT = "+7 912 345-67-89"


def a_report(**kw):
    from kintrace.intake.uploads import check_upload

    return make_report(
        subject={
            "name": "Ivanov Aleksandr Sergeevich",
            "birth_date": "14.03.1987",
            "facility": "ИК-2",
            "region": "Пермский край",
        },
        reporter={"name": "Иванова Мария", "relationship": "мать", "contact": CONTACT},
        details={
            "what_happened": ["contact", "documents_requested"],
            "last_contact_when": "05.2023",
            "last_contact_how": "WhatsApp",
        },
        files=[check_upload("p.jpg", image_bytes(gps=True))],
        **kw,
    )


def test_the_queue_lists_new_reports_for_a_caseworker(unlocked_staff, org_keys):
    report, _receipt = a_report()
    client, _user = unlocked_staff("caseworker")
    response = client.get(reverse("intake:queue"))
    assert response.status_code == 200
    assert "Ivanov Aleksandr Sergeevich" in response.content.decode()
    assert reverse("intake:detail", args=[report.pk]) in response.content.decode()


def test_opening_a_report_decrypts_it_and_writes_an_audit_entry(unlocked_staff, org_keys):
    report, _receipt = a_report()
    client, user = unlocked_staff("caseworker")
    response = client.get(reverse("intake:detail", args=[report.pk]))
    assert response.status_code == 200
    assert CONTACT in response.content.decode()
    entry = AuditEntry.objects.get(action="reporter_data.read")
    assert entry.actor == user and entry.target_id == str(report.pk)


def test_the_matching_engine_suggests_the_man_across_scripts(unlocked_staff, org_keys):
    him = person_create(
        name="Иванов Александр Сергеевич", birth=PartialDate(1987, 3, 14), actor=None
    )
    person_create(name="Петров Николай", birth=PartialDate(1970), actor=None)
    report, _receipt = a_report()
    client, _user = unlocked_staff("caseworker")
    html = client.get(reverse("intake:detail", args=[report.pk])).content.decode()
    assert f'name="person" value="{him.pk}"' in html
    assert "Петров Николай" not in html


def test_triage_creates_the_person_opens_his_case_and_records_sourced_events(
    unlocked_staff, org_keys
):
    report, _receipt = a_report()
    client, user = unlocked_staff("caseworker")
    html = client.get(reverse("intake:detail", args=[report.pk])).content.decode()
    count = int(re.search(r'name="fact_count" value="(\d+)"', html).group(1))
    post = {"person": "new", "fact_count": str(count)}
    for i in range(count):
        m = re.search(rf'name="fact-{i}-type".*?<option value="(\w+)" selected', html, re.S)
        if m:
            post[f"fact-{i}-record"] = "on"
            post[f"fact-{i}-type"] = m.group(1)
            date = re.search(rf'name="fact-{i}-date" value="([^"]*)"', html).group(1)
            post[f"fact-{i}-date"] = date
    response = client.post(reverse("intake:link", args=[report.pk]), post)
    report.refresh_from_db()
    assert report.status == Report.Status.LINKED
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:detail", args=[report.case_id]
    )
    person = report.person
    assert person.names.get().full_text == "Ivanov Aleksandr Sergeevich"
    assert (person.birth_year, person.birth_month, person.birth_day) == (1987, 3, 14)
    assert report.case.person == person and report.case.status == CaseStatus.NEW
    events = Event.objects.filter(participants__person=person)
    assert {e.type for e in events} == {"contact", "documents_requested"}
    contact = events.get(type="contact")
    assert (contact.start_year, contact.start_month) == (2023, 5)
    for event in events:
        [citation] = event.citations.all()
        assert citation.source.kind == SourceKind.RELATIVE_REPORT
    assert CONTACT not in str(list(Event.objects.values()))
    assert AuditEntry.objects.filter(action="report.link", actor=user).exists()
    assert client.get(reverse("cases:detail", args=[report.case_id])).status_code == 200


def test_a_second_report_about_him_joins_his_open_case(unlocked_staff, org_keys):
    him = person_create(name="Иванов Александр Сергеевич", actor=None)
    first, _r1 = a_report()
    second, _r2 = a_report()
    client, _user = unlocked_staff("caseworker")
    for report in (first, second):
        client.post(
            reverse("intake:link", args=[report.pk]), {"person": str(him.pk), "fact_count": "0"}
        )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.case_id == second.case_id
    assert Case.objects.count() == 1


def test_an_impossible_fact_date_is_refused_without_half_a_link(unlocked_staff, org_keys):
    report, _receipt = a_report()
    client, _user = unlocked_staff("caseworker")
    response = client.post(
        reverse("intake:link", args=[report.pk]),
        {
            "person": "new",
            "fact_count": "1",
            "fact-0-record": "on",
            "fact-0-type": "wounded",
            "fact-0-date": "31.02.2024",
        },
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == Report.Status.NEW
    assert not Person.objects.exists() and not Case.objects.exists()


def test_the_caseworkers_answer_reaches_the_reporters_inbox(unlocked_staff, org_keys, client):
    report, receipt = a_report()
    staff_client, _user = unlocked_staff("caseworker", c=Client())
    response = staff_client.post(
        reverse("intake:answer", args=[report.pk]), {"message": "Мы нашли его в списке госпиталя."}
    )
    assert response.status_code == 302
    inbox = client.post(reverse("intake:inbox"), {"receipt": receipt}, follow=True)
    assert "Мы нашли его в списке госпиталя." in inbox.content.decode()
    message = report.messages.get()
    assert b"\xd0\x9c\xd1\x8b" not in bytes(message.body)  # "Мы" is not stored in clear


def test_the_viewing_copy_has_no_gps_and_each_view_is_audited(unlocked_staff, org_keys):
    report, _receipt = a_report()
    client, _user = unlocked_staff("caseworker")
    attachment = report.attachments.get()
    clean = client.get(reverse("intake:attachment", args=[attachment.pk]))
    assert clean.status_code == 200 and clean["Content-Type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(clean.content)).getexif()
    original = client.get(
        reverse("intake:attachment", args=[attachment.pk]) + "?original=1&confirmed=1"
    )
    assert b"SpyCam" in original.content
    assert "attachment;" in original["Content-Disposition"]
    assert (
        AuditEntry.objects.filter(action="reporter_data.read", target_id=str(attachment.pk)).count()
        == 2
    )


def test_staff_are_warned_before_an_original_is_handed_over(unlocked_staff, org_keys):
    report, _receipt = a_report()
    client, _user = unlocked_staff("caseworker")
    url = reverse("intake:attachment", args=[report.attachments.get().pk])
    detail = client.get(reverse("intake:detail", args=[report.pk])).content.decode()
    assert f'href="{url}?original=1"' in detail
    warning = client.get(url + "?original=1", HTTP_ACCEPT_LANGUAGE="en")
    html = warning.content.decode()
    assert warning.status_code == 200 and "text/html" in warning["Content-Type"]
    assert "This is the unmodified evidence file, exactly as the relative sent it." in html
    assert 'name="confirmed" value="1"' in html
    assert b"SpyCam" not in warning.content
    # Nothing was decrypted for the warning (opening the report itself was audited above).
    assert not AuditEntry.objects.filter(
        action="reporter_data.read", target_type="intake.attachment"
    ).exists()


@pytest.mark.parametrize("query", ["", "?original=1&confirmed=1"])
def test_a_served_file_cannot_run_as_a_page(unlocked_staff, org_keys, query):
    report, _receipt = a_report()
    client, _user = unlocked_staff("caseworker")
    response = client.get(reverse("intake:attachment", args=[report.attachments.get().pk]) + query)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    if query:
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
    else:
        assert response["Content-Type"] == "image/jpeg"


def test_an_analyst_gets_no_original_and_no_warning_page(unlocked_staff, org_keys):
    report, _receipt = a_report()
    client, _user = unlocked_staff("analyst")
    url = reverse("intake:attachment", args=[report.attachments.get().pk])
    for query in ("?original=1", "?original=1&confirmed=1"):
        response = client.get(url + query)
        assert response.status_code == 403 and b"SpyCam" not in response.content


@pytest.mark.parametrize("name", ["intake:queue", "intake:detail", "intake:attachment"])
def test_analysts_are_refused_and_outsiders_sent_to_log_in(name, unlocked_staff, org_keys, client):
    report, _receipt = a_report()
    args = (
        []
        if name == "intake:queue"
        else [report.attachments.get().pk if name == "intake:attachment" else report.pk]
    )
    url = reverse(name, args=args)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    analyst_client, _analyst = unlocked_staff("analyst", c=Client())
    refused = analyst_client.get(url)
    assert refused.status_code == 403
    assert "Ivanov" not in refused.content.decode()
    assert not AuditEntry.objects.filter(action="reporter_data.read").exists()


def test_a_caseworker_whose_key_is_not_unlocked_reads_nothing(login, make_staff, org_keys):
    report, _receipt = a_report()
    client = login(make_staff("caseworker"))
    response = client.get(reverse("intake:detail", args=[report.pk]))
    assert response.status_code in (302, 403)
    assert CONTACT not in response.content.decode()
    assert not AuditEntry.objects.filter(action="reporter_data.read").exists()


def test_outsiders_cannot_link_answer_or_close(client, unlocked_staff, org_keys):
    report, _receipt = a_report()
    analyst_client, _a = unlocked_staff("analyst", c=Client())
    for c, expected in ((client, 302), (analyst_client, 403)):
        for name in ("intake:link", "intake:answer", "intake:close"):
            response = c.post(
                reverse(name, args=[report.pk]),
                {"person": "new", "message": "x", "fact_count": "0"},
            )
            assert response.status_code == expected
    report.refresh_from_db()
    assert report.status == Report.Status.NEW and not report.messages.exists()


def test_a_vague_fact_date_becomes_a_period_and_an_approximate_birth_stays_approximate(
    unlocked_staff, org_keys
):
    report, _receipt = a_report()
    report.subject_birth_date = "около 1987"
    report.save(update_fields=["subject_birth_date"])
    client, _user = unlocked_staff("caseworker")
    response = client.post(
        reverse("intake:link", args=[report.pk]),
        {
            "person": "new",
            "fact_count": "2",
            "fact-0-record": "on",
            "fact-0-type": "contact",
            "fact-0-date": "весна 2024",
            "fact-1-record": "on",
            "fact-1-type": "wounded",
            "fact-1-date": "около 03.2024",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.birth_year, person.birth_month, person.birth_approximate) == (1987, None, True)
    contact = Event.objects.get(type="contact")
    assert ((contact.start_year, contact.start_month), (contact.end_year, contact.end_month)) == (
        (2024, 3),
        (2024, 5),
    )
    wounded = Event.objects.get(type="wounded")
    assert (wounded.start_month, wounded.start_approximate, wounded.end_year) == (3, True, None)


def test_triage_proposes_a_relative_date_as_the_day_it_names_from_the_day_the_report_came(
    unlocked_staff, org_keys
):
    from datetime import timedelta

    from django.utils import timezone

    report, _receipt = make_report(details={"last_contact_when": "вчера"})
    client, _user = unlocked_staff("caseworker")
    html = client.get(reverse("intake:detail", args=[report.pk])).content.decode()
    came = timezone.localdate(report.created_at) - timedelta(days=1)
    assert f'value="{came:%d.%m.%Y}"' in html  # the date field holds the day "вчера" names

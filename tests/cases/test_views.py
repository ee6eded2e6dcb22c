import pytest
from django.test import Client
from django.urls import reverse

from kintrace.audit.models import AuditEntry
from kintrace.cases.models import CaseStatus
from kintrace.cases.services import case_open
from kintrace.registry.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org_keys):
    person = person_create(name="Кузнецов Иван Петрович", actor=None)
    case, _ = case_open(person=person, actor=None)
    return case


def test_a_caseworker_sees_the_case_with_its_decrypted_notes(unlocked_staff, case):
    client, user = unlocked_staff("caseworker")
    client.post(reverse("cases:note_add", args=[case.pk]), {"text": "Позвонить в госпиталь"})
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Кузнецов Иван Петрович" in html and "Позвонить в госпиталь" in html
    assert AuditEntry.objects.filter(action="reporter_data.read", actor=user).exists()


def test_status_and_assignee_change_through_the_page(unlocked_staff, case):
    client, user = unlocked_staff("coordinator")
    client.post(reverse("cases:set_status", args=[case.pk]), {"status": "searching"})
    client.post(reverse("cases:assign", args=[case.pk]), {"assignee": user.username})
    case.refresh_from_db()
    assert case.status == CaseStatus.SEARCHING and case.assignee == user
    listing = client.get(reverse("cases:list") + "?mine=1").content.decode()
    assert "Кузнецов" in listing


@pytest.mark.parametrize(
    "name,method",
    [
        ("cases:list", "get"),
        ("cases:detail", "get"),
        ("cases:set_status", "post"),
        ("cases:note_add", "post"),
    ],
)
def test_analysts_are_refused_and_outsiders_sent_to_log_in(
    name, method, unlocked_staff, case, client
):
    url = reverse(name) if name == "cases:list" else reverse(name, args=[case.pk])
    anonymous = getattr(client, method)(url, {"status": "closed", "text": "x"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    analyst, _user = unlocked_staff("analyst", c=Client())
    refused = getattr(analyst, method)(url, {"status": "closed", "text": "x"})
    assert refused.status_code == 403 and "Кузнецов" not in refused.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW and not case.notes.exists()

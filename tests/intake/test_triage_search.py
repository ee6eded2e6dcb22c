"""Triage can link a report to anyone the registry search finds, not only to the matching
engine's proposals: a miss of the engine must not force a duplicate person."""

import pytest
from django.test import Client
from django.urls import reverse

from kintrace.intake.models import Report
from kintrace.names.dates import PartialDate
from kintrace.registry.models import Person
from kintrace.registry.services import person_create

from .test_triage import a_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_by_call_sign():
    """The man the report is about, stored under a name the engine will not propose for it."""
    return person_create(
        name="Сидоров Пётр Ильич", birth=PartialDate(1979), call_sign="Гром", actor=None
    )


def test_a_caseworker_finds_a_person_the_engine_missed_and_links_the_report_to_him(
    unlocked_staff, org_keys, known_by_call_sign
):
    report, _receipt = a_report()
    client, _user = unlocked_staff("caseworker")
    url = reverse("intake:detail", args=[report.pk])
    plain = client.get(url).content.decode()
    assert f'name="person" value="{known_by_call_sign.pk}"' not in plain
    found = client.get(url, {"q": "гром"}, headers={"accept-language": "en"}).content.decode()
    assert f'name="person" value="{known_by_call_sign.pk}"' in found
    assert "call sign «Гром»" in found
    persons_before = Person.objects.count()
    response = client.post(
        reverse("intake:link", args=[report.pk]),
        {"person": str(known_by_call_sign.pk), "fact_count": "0"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.LINKED and report.person == known_by_call_sign
    assert Person.objects.count() == persons_before  # no duplicate made


def test_a_misspelt_search_in_triage_still_finds_him(unlocked_staff, org_keys, known_by_call_sign):
    report, _receipt = a_report()
    client, _user = unlocked_staff("caseworker")
    html = client.get(
        reverse("intake:detail", args=[report.pk]), {"q": "Сидаров 1979"}
    ).content.decode()
    assert f'name="person" value="{known_by_call_sign.pk}"' in html


def test_a_triage_search_that_finds_nobody_says_so(unlocked_staff, org_keys):
    report, _receipt = a_report()
    client, _user = unlocked_staff("caseworker")
    html = client.get(
        reverse("intake:detail", args=[report.pk]),
        {"q": "Щукин"},
        headers={"accept-language": "en"},
    ).content.decode()
    assert "Nobody found for “Щукин”" in html


def test_the_triage_search_is_refused_to_the_analyst_and_the_anonymous(
    client, unlocked_staff, org_keys, known_by_call_sign
):
    report, _receipt = a_report()
    url = reverse("intake:detail", args=[report.pk])
    anonymous = client.get(url, {"q": "Гром"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    analyst, _user = unlocked_staff("analyst", c=Client())
    refused = analyst.get(url, {"q": "Гром"})
    assert refused.status_code == 403
    assert "Сидоров" not in refused.content.decode()

"""The estimate and releases pages: analysts see numbers, never names; outsiders are refused."""

import pytest
from django.urls import reverse

from kintrace.releases.services import release_approve, release_build

ESTIMATE = "/numbers/estimate/"


def test_the_analyst_sees_the_estimate_with_its_caution_and_no_name(overlapping, make_staff, login):
    c = login(make_staff("analyst"))
    page = c.get(ESTIMATE + "?by=colony", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "These numbers are estimates, not counts" in page
    assert "ИК-2" in page and "Chao" in page
    assert "Иванов" not in page and "SECRET" not in page


@pytest.mark.parametrize("role", ["caseworker"])
def test_a_caseworker_is_refused_the_numbers_pages(overlapping, make_staff, login, role):
    c = login(make_staff(role))
    assert c.get(ESTIMATE).status_code == 403
    assert c.get(reverse("releases:list")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    for url in (ESTIMATE, reverse("releases:list")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_an_analyst_may_not_build_or_approve(overlapping, make_staff, login):
    c = login(make_staff("analyst"))
    assert c.post(reverse("releases:build")).status_code == 403
    release = release_build(actor=make_staff("coordinator"))
    assert c.post(reverse("releases:approve", args=[release.pk])).status_code == 403
    assert c.get(reverse("releases:detail", args=[release.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_coordinator_builds_and_approves_then_the_analyst_downloads(
    overlapping, make_staff, login, client
):
    from django.test import Client

    from .test_background import _wait_for

    coord = login(make_staff("coordinator"), Client())
    response = coord.post(reverse("releases:build"))
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    assert _wait_for(pk).status == "draft"
    assert coord.post(reverse("releases:approve", args=[pk])).status_code == 302
    analyst = login(make_staff("analyst"))
    for fmt, start in (("region_month", b"region,month"), ("colony", b"colony,region")):
        body = analyst.get(reverse("releases:download", args=[pk, fmt])).content
        assert body.startswith(start)
        assert "Иванов".encode() not in body
    assert analyst.get(reverse("releases:download", args=[pk, "json"])).status_code == 200
    micro = analyst.get(reverse("releases:download", args=[pk, "microdata"])).content
    assert micro.startswith(b"region,colony,birth,when,outcome")
    assert analyst.get(reverse("releases:download", args=[pk, "xlsx"])).content[:2] == b"PK"


def test_a_draft_cannot_be_downloaded(overlapping, make_staff, login):
    coordinator = make_staff("coordinator")
    release = release_build(actor=coordinator)
    c = login(coordinator)
    assert c.get(reverse("releases:download", args=[release.pk, "json"])).status_code == 404
    release_approve(release=release, actor=coordinator)
    assert c.get(reverse("releases:download", args=[release.pk, "json"])).status_code == 200

"""A release is built in the background: the page records it as building, the job makes it a
draft (or failed), and a build whose process died is marked failed the next time anyone looks."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from kintrace.audit.actions import Action
from kintrace.lists import background
from kintrace.releases.models import Release, ReleaseStatus
from kintrace.releases.services import releases_reap_stale

from ..audit.test_every_action import assert_entry


def _wait_for(pk: int, seconds: float = 90) -> Release:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        release = Release.objects.get(pk=pk)
        if release.status != ReleaseStatus.BUILDING:
            return release
        time.sleep(0.2)
    raise AssertionError("the release build did not finish")


@pytest.mark.django_db(transaction=True)
def test_the_build_page_answers_at_once_and_the_job_makes_the_release_a_draft(
    overlapping, make_staff, login
):
    coordinator = make_staff("coordinator")
    c = login(coordinator, Client())
    response = c.post(reverse("releases:build"))
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    # The row exists from the start; the page says what it is doing until the job is done.
    assert Release.objects.filter(pk=pk).exists()
    release = _wait_for(pk)
    assert release.status == ReleaseStatus.DRAFT, release.error
    assert release.content["tables"]["colony"]["rows"] and release.content_hash
    assert_entry(Action.RELEASE_BUILD, actor=coordinator, target=release)
    page = c.get(reverse("releases:detail", args=[pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert b"Approve" in page.content and b"refresh" not in page.content


@pytest.mark.audits(Action.RELEASE_BUILD_FAILED)
def test_a_build_whose_process_died_is_marked_failed_with_a_translated_reason(
    overlapping, make_staff, login
):
    coordinator = make_staff("coordinator")
    # Named as run by this process, but no thread of it runs the build: it died with an
    # earlier process that had this pid.
    release = Release.objects.create(
        status=ReleaseStatus.BUILDING,
        k=5,
        as_of="2026-01-01T00:00Z",
        created_by=coordinator,
        heartbeat_at="2099-01-01T00:00Z",
        **background.identity(),
    )
    c = login(coordinator, Client())
    page = c.get(reverse("releases:detail", args=[release.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.FAILED
    assert "Сборка остановилась" in page.content.decode()
    assert_entry(Action.RELEASE_BUILD_FAILED, actor=None, target=release)
    assert releases_reap_stale() == 0  # marked once


def test_a_second_build_is_refused_while_one_is_being_built(overlapping, make_staff, login):
    coordinator = make_staff("coordinator")
    running = Release.objects.create(
        status=ReleaseStatus.BUILDING,
        k=5,
        as_of="2026-01-01T00:00Z",
        heartbeat_at="2099-01-01T00:00Z",
        **background.identity(),
    )
    background.claim(Release, running.pk)  # alive: this process runs it
    try:
        c = login(coordinator, Client())
        response = c.post(reverse("releases:build"), HTTP_ACCEPT_LANGUAGE="en")
        assert response["Location"] == reverse("releases:list")
        assert Release.objects.count() == 1
        page = c.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Another release is being built" in page
    finally:
        background.release(Release, running.pk)


def test_an_analyst_cannot_start_a_build_and_an_outsider_is_sent_to_the_login(
    db, make_staff, login
):
    analyst = login(make_staff("analyst"), Client())
    assert analyst.post(reverse("releases:build")).status_code == 403
    outsider = Client().post(reverse("releases:build"))
    assert outsider.status_code == 302 and "/accounts/" in outsider["Location"]
    assert not Release.objects.exists()

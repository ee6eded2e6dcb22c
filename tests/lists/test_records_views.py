"""Deleting a list that was never imported (with confirmation, audited), the registry
duplicate search's progress and failures, and conflicting evidence shown in list review."""

import pytest
from django.test import Client
from django.urls import reverse

from kintrace.audit.models import AuditEntry
from kintrace.lists.models import JobStatus, MatchCandidate, MatchRun, PersonList

from .conftest import HOSPITAL_CSV

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(caseworker):
    from kintrace.lists.services import list_upload

    pl, _table = list_upload(
        data=HOSPITAL_CSV.encode(),
        kind="hospital",
        title="Черновик",
        filename="l.csv",
        actor=caseworker,
    )
    return pl


def test_a_draft_list_is_deleted_after_a_confirmation_page_and_the_deletion_audited(
    draft, caseworker, login
):
    c = login(caseworker)
    url = reverse("lists:delete", kwargs={"pk": draft.pk})
    assert url in c.get(reverse("lists:detail", kwargs={"pk": draft.pk})).content.decode()
    page = c.get(url)
    assert page.status_code == 200 and "Черновик" in page.content.decode()
    assert PersonList.objects.filter(pk=draft.pk).exists()
    response = c.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("lists:index")
    assert not PersonList.objects.filter(pk=draft.pk).exists()
    entry = AuditEntry.objects.get(action="list.discard", target_id=str(draft.pk))
    assert entry.after == {"reason": "deleted"} and entry.actor == caseworker


def test_a_failed_list_is_offered_for_deletion_on_the_lists_page(draft, caseworker, login):
    PersonList.objects.filter(pk=draft.pk).update(status=JobStatus.FAILED, error="boom")
    body = login(caseworker).get(reverse("lists:index")).content.decode()
    assert reverse("lists:delete", kwargs={"pk": draft.pk}) in body


def test_an_imported_list_cannot_be_deleted(import_list, caseworker, login):
    pl = import_list()
    c = login(caseworker)
    assert c.post(reverse("lists:delete", kwargs={"pk": pl.pk})).status_code == 302
    assert PersonList.objects.filter(pk=pl.pk, status=JobStatus.DONE).exists()
    assert not AuditEntry.objects.filter(action="list.discard").exists()


def test_deleting_a_list_is_refused_to_an_analyst_and_anonymous(draft, make_staff, login):
    url = reverse("lists:delete", kwargs={"pk": draft.pk})
    analyst = login(make_staff("analyst"), Client())
    assert analyst.get(url).status_code == 403 and analyst.post(url).status_code == 403
    anonymous = Client()
    assert anonymous.post(url).status_code == 302
    assert reverse("accounts:login") in anonymous.post(url)["Location"]
    assert PersonList.objects.filter(pk=draft.pk).exists()


def test_a_failed_duplicate_search_reads_as_failed_not_as_no_pairs(caseworker, login):
    MatchRun.objects.create(
        threshold=0.8,
        status=JobStatus.FAILED,
        error="Binder Error: column not found",
        created_by=caseworker,
    )
    body = login(caseworker).get(reverse("lists:duplicates")).content.decode()
    assert 'data-run-status="failed"' in body
    assert "Binder Error: column not found" in body


def test_a_running_duplicate_search_shows_its_phase_and_refreshes(caseworker, login):
    from kintrace.lists import background

    run = MatchRun.objects.create(
        threshold=0.8,
        status=JobStatus.RUNNING,
        phase="scoring",
        created_by=caseworker,
        **background.identity(),
    )
    background.claim(MatchRun, run.pk)
    MatchRun.objects.filter(pk=run.pk).update(heartbeat_at=run.created_at)
    try:
        c = login(caseworker)
        body = c.get(reverse("lists:duplicates")).content.decode()
        assert 'data-run-status="running"' in body
        assert 'http-equiv="refresh"' in body
        assert reverse("lists:cancel_run", kwargs={"pk": run.pk}) in body
        # A second press while it runs starts nothing.
        c.post(reverse("lists:dedupe"))
        assert MatchRun.objects.count() == 1
    finally:
        background.release(MatchRun, run.pk)


def test_a_duplicate_search_whose_process_died_is_shown_failed(caseworker, login):
    MatchRun.objects.create(
        threshold=0.8,
        status=JobStatus.RUNNING,
        phase="scoring",
        created_by=caseworker,
        worker_pid=None,
        heartbeat_at=None,
    )
    body = login(caseworker).get(reverse("lists:duplicates")).content.decode()
    assert 'data-run-status="failed"' in body


def test_the_database_refuses_two_live_duplicate_searches(caseworker):
    from django.db import IntegrityError, transaction

    MatchRun.objects.create(threshold=0.8, status=JobStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRun.objects.create(threshold=0.8, status=JobStatus.QUEUED)


def test_a_finished_duplicate_search_says_when_and_how_many(caseworker, login):
    from kintrace.lists.services import dedupe_run

    run = dedupe_run(actor=caseworker)
    body = login(caseworker).get(reverse("lists:duplicates")).content.decode()
    assert f'data-run="{run.pk}" data-run-status="done"' in body


def test_review_warns_before_confirming_a_hospital_entry_for_a_man_recorded_dead(
    import_list, person, caseworker, login
):
    from kintrace.names.dates import parse_date
    from kintrace.registry.models import PersonStatus, StatusConflict
    from kintrace.registry.services import event_create, source_create

    ivanov = person("Иванов Александр Сергеевич", "14.03.1987")
    obituary = source_create(
        kind="media_article", title="Некролог", reliability="B", credibility=2, actor=caseworker
    )
    event_create(
        type="killed",
        start=parse_date("01.04.2023"),
        persons=[ivanov],
        citations=[obituary],
        actor=caseworker,
    )
    pl = import_list(reliability="B", credibility=2)
    from kintrace.lists.services import match_run

    match_run(person_list=pl, actor=caseworker)
    candidate = MatchCandidate.objects.get(person=ivanov)
    c = login(caseworker)
    page = c.get(reverse("lists:review", kwargs={"pk": pl.pk}) + f"?c={candidate.pk}")
    assert f'data-would-conflict="{candidate.pk}"' in page.content.decode()
    response = c.post(
        reverse("lists:decide", kwargs={"pk": candidate.pk}), {"decision": "confirm"}, follow=True
    )
    assert response.status_code == 200
    ivanov.refresh_from_db()
    assert ivanov.status == PersonStatus.DEAD  # not silently "wounded"
    assert StatusConflict.objects.filter(person=ivanov, state="open").exists()

"""Imports stored in batches under a list nobody sees until it is complete; reports sent
meanwhile all stored; stale jobs, retry, cancel, and refused imports that leave nothing."""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kintrace.audit.models import AuditEntry
from kintrace.cli import main
from kintrace.lists import background, selectors
from kintrace.lists.models import JobStatus, ListEntry, MatchRun, PersonList
from kintrace.lists.services import (
    ImportRefused,
    jobs_housekeeping,
    list_import_cancel,
    list_import_retry,
    list_import_start,
    list_upload,
    match_run,
)

from .conftest import HOSPITAL_CSV

pytestmark = pytest.mark.django_db(transaction=True)


def rows_csv(n: int) -> bytes:
    body = "".join(
        f"Иванов{i} Пётр Сергеевич;{1950 + i % 50};ИК-{1 + i % 30};Мордовия\n" for i in range(n)
    )
    return ("ФИО;Год рождения;Учреждение;Регион\n" + body).encode()


def start_background(actor, n: int) -> PersonList:
    pl, _t = list_upload(data=rows_csv(n), kind="hospital", title=f"{n} rows", actor=actor)
    list_import_start(person_list=pl, mapping=pl.mapping, actor=actor, background=True)
    return pl


def wait_for(pl: PersonList, test, seconds=600) -> PersonList:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = PersonList.objects.filter(pk=pl.pk).first()
        if test(row):
            return row
        time.sleep(0.02)
    raise AssertionError(f"list {pl.pk} never got there")


def join_jobs(pl: PersonList) -> None:
    for thread in threading.enumerate():
        if thread.name == f"list-import-{pl.pk}":
            thread.join(120)


def storing(row) -> bool:
    return row is not None and row.phase == "storing" and row.progress_done > 0


def test_a_list_being_imported_is_invisible_to_pages_selectors_and_match_runs(
    caseworker, login, client
):
    pl = start_background(caseworker, 30_000)
    row = wait_for(pl, storing)
    assert row.status == JobStatus.RUNNING
    assert ListEntry.objects.filter(person_list=pl).exists()  # rows are arriving...
    # ...and nobody sees them
    assert pl.pk not in [p.pk for p in selectors.lists_overview()]
    assert selectors.list_counts(row) == {
        "entries": 0,
        "linked": 0,
        "open": 0,
        "skipped": 0,
        "unmatched": 0,
    }
    assert not selectors.unmatched_entries(row).exists()
    assert not ListEntry.objects.visible().exists()
    with pytest.raises(ImportRefused):
        match_run(person_list=row, actor=caseworker)
    assert not MatchRun.objects.exists()
    login(caseworker)
    index = client.get(reverse("lists:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Running now" in index and f'href="/lists/{pl.pk}/">30000 rows</a></td>' not in index
    for name in ("review", "unmatched"):
        assert client.get(reverse(f"lists:{name}", args=[pl.pk])).status_code == 404
    assert client.post(reverse("lists:match", args=[pl.pk])).status_code == 404
    entry = ListEntry.objects.filter(person_list=pl).first()
    assert client.post(reverse("lists:new_person", args=[entry.pk])).status_code == 404

    done = wait_for(pl, lambda r: r.status != JobStatus.RUNNING)
    join_jobs(pl)
    assert done.status == JobStatus.DONE
    assert selectors.list_counts(done)["entries"] == 30_000
    assert pl.pk in [p.pk for p in selectors.lists_overview()]


def test_reports_sent_during_a_200000_row_import_are_all_stored(caseworker, org_keys):
    from django.test import Client

    from kintrace.intake.models import Report

    pl = start_background(caseworker, 200_000)
    wait_for(pl, lambda r: r.status == JobStatus.RUNNING)
    reporter = Client()
    sent = {"storing": 0, "other": 0}
    slowest = 0.0
    while PersonList.objects.get(pk=pl.pk).status == JobStatus.RUNNING:
        phase = PersonList.objects.get(pk=pl.pk).phase
        t0 = time.monotonic()
        response = reporter.post(
            reverse("intake:report"),
            {
                "subject_name": f"Петров Пётр {sum(sent.values())}",
                "lang": "ru",
                "message": "Пропал после звонка.",
            },
        )
        slowest = max(slowest, time.monotonic() - t0)
        # stored: the form answers with a redirect to the receipt page (post/redirect/get)
        assert response.status_code == 303, response.content.decode()[:500]
        assert response["Location"].startswith(reverse("intake:receipt"))
        sent["storing" if phase == "storing" else "other"] += 1
    join_jobs(pl)
    pl.refresh_from_db()
    assert pl.status == JobStatus.DONE and pl.entry_count == 200_000
    assert sent["storing"] >= 5, sent
    assert slowest < 10, slowest  # far from the 20 s busy timeout: never starved
    assert Report.objects.count() == sum(sent.values())


def test_cancel_stops_a_running_import_and_leaves_nothing(caseworker):
    pl = start_background(caseworker, 30_000)
    wait_for(pl, storing)
    assert list_import_cancel(person_list=pl, actor=caseworker) == "stopping"
    wait_for(pl, lambda r: r is None)
    join_jobs(pl)
    assert not ListEntry.objects.exists()
    assert not list((Path(settings.MEDIA_ROOT) / "lists").glob(f"{pl.pk}-*"))
    assert AuditEntry.objects.filter(action="list.import_cancel").count() == 1
    assert AuditEntry.objects.filter(action="list.discard").count() == 1


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_an_import_whose_process_is_gone_is_failed_and_can_be_retried(caseworker):
    pl, _t = list_upload(data=HOSPITAL_CSV.encode(), kind="hospital", title="t", actor=caseworker)
    me = background.identity()
    # As a `kintrace lists import` killed while storing leaves it: running, rows stored
    PersonList.objects.filter(pk=pl.pk).update(
        status=JobStatus.RUNNING,
        phase="storing",
        heartbeat_at=timezone.now(),
        **{**me, "worker_pid": dead_pid()},
    )
    ListEntry.objects.create(person_list=pl, line=2, raw={}, name="x")
    # the same bytes are not "already imported"
    again, _t = list_upload(
        data=HOSPITAL_CSV.encode(), kind="hospital", title="t2", actor=caseworker
    )
    pl.refresh_from_db()
    assert pl.status == JobStatus.FAILED and "stopped without finishing" in pl.error
    assert not ListEntry.objects.exists()
    done = list_import_retry(person_list=pl, actor=caseworker, background_run=False)
    assert done.status == JobStatus.DONE and done.entry_count == 3
    assert AuditEntry.objects.filter(action="list.import_stale").count() == 1


def test_a_job_of_this_process_that_no_thread_runs_and_an_old_heartbeat_are_stale(caseworker):
    pl, _t = list_upload(data=HOSPITAL_CSV.encode(), kind="hospital", title="t", actor=caseworker)
    PersonList.objects.filter(pk=pl.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now(), **background.identity()
    )
    assert not background.job_alive(PersonList.objects.get(pk=pl.pk))  # pid reused, not ours
    background.claim(PersonList, pl.pk)
    try:
        assert background.job_alive(PersonList.objects.get(pk=pl.pk))
        PersonList.objects.filter(pk=pl.pk).update(
            heartbeat_at=timezone.now() - timedelta(minutes=10)
        )
        assert not background.job_alive(PersonList.objects.get(pk=pl.pk))
    finally:
        background.release(PersonList, pl.pk)
    # another host: only the heartbeat can tell
    PersonList.objects.filter(pk=pl.pk).update(worker_host="elsewhere", heartbeat_at=timezone.now())
    assert background.job_alive(PersonList.objects.get(pk=pl.pk))


def test_a_refused_command_line_import_leaves_no_list_and_no_copy_of_the_file(tmp_path):
    files = Path(settings.MEDIA_ROOT) / "lists"
    before = set(files.glob("*")) if files.exists() else set()
    no_names = tmp_path / "no-names.csv"
    no_names.write_text("Год;Место\n1980;Ростов\n", encoding="utf-8")
    bad_rows = tmp_path / "bad.csv"
    bad_rows.write_text(HOSPITAL_CSV + ";1980;;;;\n", encoding="utf-8")
    assert (
        main(["lists", "import", str(no_names), "--kind", "other", "--source", "x", "--quiet"]) == 2
    )
    assert (
        main(["lists", "import", str(bad_rows), "--kind", "hospital", "--source", "x", "--quiet"])
        == 1
    )
    assert not PersonList.objects.exists()
    assert set(files.glob("*")) == before


def test_drafts_abandoned_for_a_week_are_discarded_and_recent_ones_kept(caseworker):
    old, _t = list_upload(
        data=HOSPITAL_CSV.encode(), kind="hospital", title="old", actor=caseworker
    )
    PersonList.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    recent, _t = list_upload(
        data=b"\xd0\xa4\xd0\x98\xd0\x9e\n\xd0\x98\xd0\xb2\n",
        kind="hospital",
        title="recent",
        actor=caseworker,
    )
    copy = Path(settings.MEDIA_ROOT) / "lists" / f"{old.pk}-{old.sha256}"
    assert copy.exists()
    assert jobs_housekeeping() == {"stale": 0, "discarded": 1}
    assert list(PersonList.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not copy.exists()


@pytest.mark.parametrize("view", ["retry", "cancel"])
def test_retry_and_cancel_are_for_name_staff_only(view, make_staff, login, client, caseworker):
    pl, _t = list_upload(data=HOSPITAL_CSV.encode(), kind="hospital", title="t", actor=caseworker)
    login(make_staff("analyst", username="outsider"))
    response = client.post(reverse(f"lists:{view}", args=[pl.pk]))
    assert response.status_code == 403
    assert PersonList.objects.filter(pk=pl.pk, status=JobStatus.DRAFT).exists()


def test_a_caseworker_retries_a_failed_import_and_discards_a_draft(caseworker, login, client):
    pl, _t = list_upload(data=HOSPITAL_CSV.encode(), kind="hospital", title="t", actor=caseworker)
    PersonList.objects.filter(pk=pl.pk).update(status=JobStatus.FAILED, error="x")
    login(caseworker)
    client.post(reverse("lists:retry", args=[pl.pk]))
    assert PersonList.objects.get(pk=pl.pk).status == JobStatus.DONE
    draft, _t = list_upload(data=rows_csv(2), kind="hospital", title="d", actor=caseworker)
    response = client.post(reverse("lists:cancel", args=[draft.pk]))
    assert response.status_code == 302
    assert not PersonList.objects.filter(pk=draft.pk).exists()
    assert os.path.exists(Path(settings.MEDIA_ROOT) / "lists" / f"{pl.pk}-{pl.sha256}")


def test_the_list_page_shows_a_killed_import_as_failed_with_retry(caseworker, login, client):
    pl, _t = list_upload(data=HOSPITAL_CSV.encode(), kind="hospital", title="t", actor=caseworker)
    PersonList.objects.filter(pk=pl.pk).update(
        status=JobStatus.RUNNING,
        phase="checking",
        heartbeat_at=timezone.now(),
        **{**background.identity(), "worker_pid": dead_pid()},
    )
    login(caseworker)
    html = client.get(
        reverse("lists:detail", args=[pl.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The import did not finish — nothing was imported" in html
    assert "The job stopped without finishing" in html
    assert reverse("lists:retry", args=[pl.pk]) in html


def test_cancel_asks_a_running_match_run_to_stop_at_its_next_phase(caseworker, import_list):
    from kintrace.lists.services import match_run_cancel
    from kintrace.lists.services.matching import _new_run

    pl = import_list()
    run = _new_run(person_list=pl, threshold=0.5)  # as match_start leaves it, running here
    try:
        match_run_cancel(run=run, actor=caseworker)
        with pytest.raises(background.JobCancelled):
            background.Running(MatchRun, run.pk).beat(phase="scoring")
    finally:
        background.release(MatchRun, run.pk)
    assert AuditEntry.objects.filter(action="list.match_cancel").count() == 1
    with pytest.raises(ImportRefused):  # a run that is not running cannot be cancelled
        MatchRun.objects.filter(pk=run.pk).update(status=JobStatus.FAILED)
        match_run_cancel(run=run, actor=caseworker)

"""Jobs that stopped without saying so, and what staff do about jobs: retry, cancel, discard.

A job (an import: PersonList; a match run: MatchRun) is stale when `background.job_alive`
says its process is gone or its heartbeat is old. Stale jobs are marked failed — with the
partial rows of an import deleted in batches — whenever a lists page or command reads jobs
(`jobs_reap_stale`), and at `kintrace serve` start (`jobs_housekeeping`). Every change is
audited, by the acting person or, when found stale, by no one (actor None).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record

from .. import background
from ..models import JobStatus, MatchRun, PersonList
from .imports import ImportRefused, _stored_path, delete_entries, list_import_start

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
# Stored untranslated; pages and the command line translate it when they show it.
STALE_ERROR = gettext_noop(
    "The job stopped without finishing: the process running it ended "
    "(a restart, a crash or a kill). Retry it or cancel it."
)


class JobRefused(ImportRefused):
    """The job cannot be retried or cancelled in its present state; the message says why."""


def _worker(job) -> dict:
    return {
        "host": job.worker_host,
        "pid": job.worker_pid,
        "heartbeat": job.heartbeat_at.isoformat() if job.heartbeat_at else None,
    }


def jobs_reap_stale(*, sha256: str | None = None, person_list: PersonList | None = None) -> int:
    """Mark every stale import and match run failed (only those of `sha256` or `person_list`
    when given) and delete a stale import's stored rows; returns how many were stale.

    Each job is marked in its own short transaction, and only if its row still shows the
    heartbeat read here: a job that beat meanwhile is alive after all."""
    now = timezone.now()
    imports = PersonList.objects.filter(status__in=ACTIVE)
    runs = MatchRun.objects.filter(status__in=ACTIVE)
    if sha256 is not None:
        imports = imports.filter(sha256=sha256)
        runs = runs.none()
    if person_list is not None:
        imports = imports.filter(pk=person_list.pk)
        runs = runs.filter(person_list_id=person_list.pk)
    stale = 0
    jobs: list[PersonList | MatchRun] = [*imports, *runs]
    for job in jobs:
        if background.job_alive(job, now=now):
            continue
        with transaction.atomic():
            marked = (
                type(job)
                .objects.filter(
                    pk=job.pk,
                    status=job.status,
                    heartbeat_at=job.heartbeat_at,
                )
                .update(status=JobStatus.FAILED, phase="", error=STALE_ERROR, finished_at=now)
            )
            if marked:
                action = (
                    Action.LIST_IMPORT_STALE
                    if isinstance(job, PersonList)
                    else Action.LIST_MATCH_STALE
                )
                audit_record(
                    actor=None,
                    action=action,
                    target=job,
                    before={"status": job.status, "phase": job.phase},
                    after={"status": "failed", "worker": _worker(job)},
                )
        if marked:
            stale += 1
            if isinstance(job, PersonList):
                delete_entries(job.pk)
    return stale


def jobs_housekeeping() -> dict[str, int]:
    """At `kintrace serve` start (and from the lists page): stale jobs marked failed, and
    abandoned drafts discarded."""
    return {"stale": jobs_reap_stale(), "discarded": lists_abandoned_discard()}


def list_discard(*, person_list: PersonList, actor, reason: str = "cancelled") -> None:
    """Remove a list that is not (or no longer) being imported and was never completed: its
    rows (in batches), its row and its stored copy of the file. Audited."""
    pk = person_list.pk
    if PersonList.objects.filter(pk=pk, status__in=[*ACTIVE, JobStatus.DONE]).exists():
        raise JobRefused(_("Only a list that was not imported can be discarded."))
    delete_entries(pk)
    path = _stored_path(person_list)
    with transaction.atomic():
        deleted, _by_model = PersonList.objects.filter(
            pk=pk, status__in=[JobStatus.DRAFT, JobStatus.FAILED]
        ).delete()
        if not deleted:
            return
        audit_record(
            actor=actor,
            action=Action.LIST_DISCARD,
            target_type="lists.personlist",
            target_id=str(pk),
            before={
                "title": person_list.title,
                "sha256": person_list.sha256,
                "status": person_list.status,
            },
            after={"reason": reason},
        )
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


def list_delete(*, person_list: PersonList, actor) -> None:
    """Delete a list whose import failed or was left as a draft, on a person's request (after
    a confirmation page): as list_discard, audited as "deleted". An imported list is refused."""
    jobs_reap_stale(person_list=person_list)
    person_list.refresh_from_db()
    if person_list.status not in (JobStatus.DRAFT, JobStatus.FAILED):
        raise JobRefused(_("Only a list whose import failed or never started can be deleted."))
    list_discard(person_list=person_list, actor=actor, reason="deleted")


def lists_abandoned_discard(*, days: int | None = None) -> int:
    """Discard drafts and failed imports untouched for KINTRACE_ABANDONED_DAYS (7) days."""
    days = days if days is not None else settings.KINTRACE_ABANDONED_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    old = [
        pl
        for pl in PersonList.objects.filter(
            status__in=[JobStatus.DRAFT, JobStatus.FAILED], created_at__lt=cutoff
        )
        if (pl.finished_at or pl.created_at) < cutoff
    ]
    for pl in old:
        list_discard(person_list=pl, actor=None, reason="abandoned")
    return len(old)


def list_import_retry(
    *, person_list: PersonList, actor, background_run: bool | None = None
) -> PersonList:
    """Run a failed import again with the mapping it had (its rows from the failed attempt
    are deleted first)."""
    jobs_reap_stale(person_list=person_list)
    person_list.refresh_from_db()
    if person_list.status != JobStatus.FAILED:
        raise JobRefused(_("Only a failed import can be retried."))
    return list_import_start(
        person_list=person_list, mapping=person_list.mapping, actor=actor, background=background_run
    )


def list_import_cancel(*, person_list: PersonList, actor) -> str:
    """Cancel an import: a running one is asked to stop (it deletes what it stored and the
    list, at its next batch) — "stopping"; a draft or failed one is discarded now —
    "discarded". A completed list is refused."""
    jobs_reap_stale(person_list=person_list)
    with transaction.atomic():
        asked = PersonList.objects.filter(pk=person_list.pk, status__in=ACTIVE).update(
            cancel_requested=True
        )
        if asked:
            audit_record(actor=actor, action=Action.LIST_IMPORT_CANCEL, target=person_list)
            return "stopping"
    person_list.refresh_from_db()
    if person_list.status == JobStatus.DONE:
        raise JobRefused(_("This list is imported; it cannot be cancelled."))
    list_discard(person_list=person_list, actor=actor, reason="cancelled")
    return "discarded"


def match_run_cancel(*, run: MatchRun, actor) -> None:
    """Ask a running match run to stop; it is marked failed at its next phase and stores no
    candidates."""
    if run.person_list_id:
        jobs_reap_stale(person_list=PersonList(pk=run.person_list_id))
    else:
        jobs_reap_stale()
    with transaction.atomic():
        if not MatchRun.objects.filter(pk=run.pk, status__in=ACTIVE).update(cancel_requested=True):
            raise JobRefused(_("This match run is not running."))
        audit_record(actor=actor, action=Action.LIST_MATCH_CANCEL, target=run)

"""Importing a list: upload (read, recognise a re-import, guess the mapping), then the import
itself — every row checked, then stored in short batches under a list that nobody sees until
the last batch is in; all rows or none, as a person sees it.

Large lists run in a background thread started by the view; progress lives in the
PersonList row so any page (or the command line) can show it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record, snapshot
from kintrace.names.dates import parse_date_or_none
from kintrace.names.text import strip_bidi
from kintrace.registry.services import source_create

from .. import background as jobs
from ..limits import quote
from ..mapping import guess_mapping, mapping_errors
from ..models import JobStatus, ListEntry, PersonList
from ..parsing import LEGACY_HEADER, ListFileError, Table, read_list, read_text
from ..rows import RowError, map_row, row_width_error

# Lists longer than this import in a background thread when started from the web.
BACKGROUND_ROWS = 2000
PROGRESS_EVERY = 2000
# Rows per transaction while storing, and per transaction while deleting a failed import's
# rows: a fraction of a second of SQLite's write lock each.
INSERT_BATCH = 2000
DELETE_BATCH = 5000
# Seconds between two batches on SQLite (see _store_rows).
BATCH_PAUSE = 0.12

Progress = Callable[[str, int, int], None]


class ImportRefused(Exception):
    """The list cannot be imported as it is; the message says why, for a person."""


class DuplicateListError(ImportRefused):
    def __init__(self, earlier: PersonList):
        self.earlier = earlier
        by = earlier.created_by.get_username() if earlier.created_by else "—"
        super().__init__(
            _("This file was already imported as list #%(id)s “%(title)s” on %(date)s by %(by)s.")
            % {
                "id": earlier.pk,
                "title": earlier.title,
                "by": by,
                "date": date_format(timezone.localtime(earlier.created_at), "DATETIME_FORMAT"),
            }
        )


def _files_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "lists"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored_path(person_list: PersonList) -> Path:
    return _files_dir() / f"{person_list.pk}-{person_list.sha256}"


def _earlier_import(sha256: str, exclude_pk: int | None = None) -> PersonList | None:
    qs = PersonList.objects.filter(
        sha256=sha256, status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE]
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("created_by").order_by("created_at").first()


def _read(data: bytes, filename: str, pasted: bool, header_row: int | None = None) -> Table:
    if pasted:
        return read_text(data.decode("utf-8"), encoding="text", header_row=header_row)
    return read_list(data, filename, header_row=header_row)


def list_upload(
    *,
    data: bytes,
    kind: str,
    title: str,
    actor,
    filename: str = "",
    pasted: bool = False,
    source_kind: str = "official_list",
    source_title: str = "",
    publisher: str = "",
    url: str = "",
    date=None,
    reliability: str = "F",
    credibility: int = 6,
    header_row: int | None = None,
) -> tuple[PersonList, Table]:
    """Keep an uploaded file (or pasted text, as UTF-8) as a draft list with a guessed column
    mapping. `header_row`: the header's line number (0: the list has none), None to find it.
    Refuses a file that is too large, unreadable, or already imported."""
    # The command line passes these as typed (the web form's TextField already did this)
    title, source_title, publisher, filename = (
        strip_bidi(t) for t in (title, source_title, publisher, filename)
    )
    limit = settings.KINTRACE_MAX_LIST_BYTES
    if len(data) > limit:
        raise ImportRefused(
            _(
                "The file is %(size)s MB; lists up to %(limit)s MB can be imported. Split it "
                "into parts."
            )
            % {"size": round(len(data) / 2**20, 1), "limit": round(limit / 2**20, 1)}
        )
    sha = hashlib.sha256(data).hexdigest()
    from .jobs import jobs_reap_stale  # cycle: imports -> jobs -> imports

    jobs_reap_stale(sha256=sha)  # a killed import of these bytes does not block them
    earlier = _earlier_import(sha)
    if earlier:
        raise DuplicateListError(earlier)
    try:
        table = _read(data, filename, pasted, header_row)
    except ListFileError as e:
        raise ImportRefused(str(e)) from None
    source_info = {
        # how the file is read again at import: the header's line as found or chosen
        "header_row": table.header_row,
        "kind": source_kind,
        "title": source_title or title,
        "publisher": publisher,
        "url": url,
        "date": date.iso() if date else "",
        "reliability": reliability,
        "credibility": int(credibility),
    }
    with transaction.atomic():
        person_list = PersonList.objects.create(
            kind=kind,
            title=title,
            filename=filename[:300],
            sha256=sha,
            size=len(data),
            encoding=table.encoding,
            delimiter=table.delimiter,
            header=table.header,
            mapping=guess_mapping(table.header, table.rows),
            source_info=source_info,
            progress_total=len(table.rows),
            created_by=actor if actor and actor.pk else None,
        )
        _stored_path(person_list).write_bytes(data)
        audit_record(
            actor=actor,
            action=Action.LIST_UPLOAD,
            target=person_list,
            after=snapshot(
                person_list, ["kind", "title", "filename", "sha256", "size", "encoding"]
            ),
        )
    return person_list, table


def stored_table(person_list: PersonList) -> Table:
    """The list's stored file read again, with the header where it was found or chosen."""
    data = _stored_path(person_list).read_bytes()
    # a list stored before the header search is read as it was then: its mapping is by column
    return _read(
        data,
        person_list.filename,
        pasted=person_list.encoding == "text",
        header_row=person_list.source_info.get("header_row", LEGACY_HEADER),
    )


def list_set_header_row(*, person_list: PersonList, header_row: int, actor) -> Table:
    """Read a draft (or failed) list again with its header on line `header_row` (0: the list
    has no header, its first line is data); the columns and the guessed mapping follow.
    Raises ImportRefused when the line cannot be the header or the list is past its draft."""
    if person_list.status not in (JobStatus.DRAFT, JobStatus.FAILED):
        raise ImportRefused(_("The header can be chosen only before the import."))
    data = _stored_path(person_list).read_bytes()
    try:
        table = _read(
            data, person_list.filename, pasted=person_list.encoding == "text", header_row=header_row
        )
    except ListFileError as e:
        raise ImportRefused(str(e)) from None
    # no column titles in the audit: a row chosen as the header may hold a man's name
    before = {"header_row": person_list.source_info.get("header_row")}
    with transaction.atomic():
        person_list.source_info = {**person_list.source_info, "header_row": header_row}
        person_list.header = table.header
        person_list.mapping = guess_mapping(table.header, table.rows)
        person_list.progress_total = len(table.rows)
        person_list.save(update_fields=["source_info", "header", "mapping", "progress_total"])
        audit_record(
            actor=actor,
            action=Action.LIST_HEADER_ROW,
            target=person_list,
            before=before,
            after={"header_row": header_row},
        )
    return table


def list_import_start(
    *,
    person_list: PersonList,
    mapping: dict[str, int],
    actor,
    background: bool | None = None,
    progress: Progress | None = None,
) -> PersonList:
    """Fix the mapping and import: here and now, or in a background thread when the list is
    long (background=None decides by size)."""
    from .jobs import jobs_reap_stale  # cycle: imports -> jobs -> imports

    errors = mapping_errors(mapping, len(person_list.header))
    if errors:
        raise ImportRefused(" ".join(errors))
    jobs_reap_stale(sha256=person_list.sha256)
    earlier = _earlier_import(person_list.sha256, exclude_pk=person_list.pk)
    if earlier:
        raise DuplicateListError(earlier)
    jobs.claim(PersonList, person_list.pk)
    try:
        with transaction.atomic():
            # The process queuing the job runs it (inline or in its thread): it is named as
            # the worker from now on, so a crash before the thread starts is found stale.
            updated = PersonList.objects.filter(
                pk=person_list.pk, status__in=[JobStatus.DRAFT, JobStatus.FAILED]
            ).update(
                status=JobStatus.QUEUED,
                mapping=mapping,
                row_errors=[],
                error="",
                progress_done=0,
                phase="",
                cancel_requested=False,
                heartbeat_at=timezone.now(),
                finished_at=None,
                **jobs.identity(),
            )
            if not updated:
                jobs.release(PersonList, person_list.pk)
                raise ImportRefused(_("This list is already being imported."))
            audit_record(
                actor=actor,
                action=Action.LIST_IMPORT_START,
                target=person_list,
                after={"mapping": mapping},
            )
    except IntegrityError:  # the partial unique index on sha256: a racing twin got there
        jobs.release(PersonList, person_list.pk)
        twin = _earlier_import(person_list.sha256, person_list.pk)
        if twin is None:  # gone again (cancelled, deleted) before we could name it
            raise ImportRefused(_("This list is already being imported.")) from None
        raise DuplicateListError(twin) from None
    person_list.refresh_from_db()
    if background is None:
        background = person_list.progress_total > BACKGROUND_ROWS
    if not background:
        return list_import_run(person_list=person_list, actor=actor, progress=progress)
    pk = person_list.pk
    jobs.start(
        f"list-import-{pk}",
        lambda: list_import_run(person_list=PersonList.objects.get(pk=pk), actor=actor),
    )
    return person_list


def list_import_run(
    *,
    person_list: PersonList,
    actor,
    progress: Progress | None = None,
) -> PersonList:
    """Check every row, then store the entries in batches of INSERT_BATCH rows, each its own
    short transaction, while the list stays invisible (running); then, in one short
    transaction, create the source and make the list visible (done). With any bad row nothing
    is stored: the list is marked failed with every line and reason. A failure, a Cancel or a
    SIGTERM mid-way deletes the rows stored so far (in batches) and marks the list failed; a
    kill -9 leaves it for kintrace.lists.services.jobs to find stale and do the same."""
    pk = person_list.pk
    claimed = PersonList.objects.filter(
        pk=pk,
        status=JobStatus.QUEUED,
        cancel_requested=False,
    ).update(
        status=JobStatus.RUNNING, phase="reading", heartbeat_at=timezone.now(), **jobs.identity()
    )
    if not claimed:  # cancelled (or found stale) before it began
        jobs.release(PersonList, pk)
        person_list.refresh_from_db()
        return person_list
    total = person_list.progress_total
    try:
        with jobs.sigterm_exits(), jobs.Running(PersonList, pk) as job:
            delete_entries(pk)  # what an earlier, killed attempt stored
            table = stored_table(person_list)
            mapping = {k: int(v) for k, v in person_list.mapping.items()}
            total = len(table.rows)
            today = timezone.localdate()
            bad = _check_rows(table, mapping, today, job, progress)
            if bad:
                _finish_failed(pk, row_errors=bad, total=total)
                person_list.refresh_from_db()
                return person_list
            _store_rows(pk, table, mapping, today, job, progress)
            _publish(person_list, total, actor)
    except jobs.JobCancelled:
        _stop(pk, error=gettext_noop("The import was cancelled."))
        if PersonList.objects.filter(pk=pk, cancel_requested=True).exists():
            from .jobs import list_discard  # cycle: imports -> jobs -> imports

            list_discard(person_list=PersonList.objects.get(pk=pk), actor=actor, reason="cancelled")
        return person_list
    except BaseException as e:  # SystemExit from SIGTERM and KeyboardInterrupt included
        _stop(pk, error=str(e) or e.__class__.__name__)
        raise
    person_list.refresh_from_db()
    if progress:
        progress("done", total, total)
    return person_list


def _raw(table: Table, row: list[str], width: int) -> dict:
    raw = dict(zip(table.header, row, strict=False))
    if len(row) > width:
        raw.update({f"#{j + 1}": c for j, c in enumerate(row[width:], start=width)})
    return raw


def _check_rows(table: Table, mapping, today, job, progress) -> list:
    """Every bad row as [line, reason]; nothing is kept of the good ones (they are mapped
    again, a batch at a time, while storing), so memory stays flat for long lists."""
    total, width = len(table.rows), len(table.header)
    bad = []
    for i, (line, row) in enumerate(zip(table.lines, table.rows, strict=True)):
        if i % PROGRESS_EVERY == 0:
            job.beat(phase="checking", progress_done=i, progress_total=total)
            if progress:
                progress("checking", i, total)
        problem = row_width_error(row, width)
        if problem:
            bad.append([line, problem])
            continue
        try:
            map_row(row, mapping, today=today)
        except RowError as e:
            bad.append([line, str(e)])
    if not total:
        bad.append([1, _("the list has no rows")])
    return bad


def _store_rows(pk: int, table: Table, mapping, today, job, progress) -> None:
    total, width = len(table.rows), len(table.header)
    job.beat(phase="storing", progress_done=0)
    pause = BATCH_PAUSE if connection.vendor == "sqlite" else 0
    for start in range(0, total, INSERT_BATCH):
        stop = min(start + INSERT_BATCH, total)
        entries = [
            ListEntry(
                person_list_id=pk,
                line=line,
                raw=_raw(table, row, width),
                **map_row(row, mapping, today=today),
            )
            for line, row in zip(table.lines[start:stop], table.rows[start:stop], strict=True)
        ]
        with transaction.atomic():
            ListEntry.objects.bulk_create(entries)
            job.beat(progress_done=stop)  # in the batch's transaction: a cancel undoes it
        if progress:
            progress("storing", stop, total)
        if pause:
            # SQLite has one writer at a time: leave a gap longer than its busy handler's
            # longest sleep (100 ms), so a report waiting for the lock gets it between two
            # batches instead of being starved by the next one.
            time.sleep(pause)


def _publish(person_list: PersonList, total: int, actor) -> None:
    """The import's last, short transaction: the source, and the list made visible."""
    info = person_list.source_info
    with transaction.atomic():
        locked = PersonList.objects.select_for_update().get(pk=person_list.pk)
        if locked.status != JobStatus.RUNNING or locked.cancel_requested:
            raise jobs.JobCancelled
        source = source_create(
            kind=info.get("kind") or "official_list",
            title=info.get("title") or locked.title,
            publisher=info.get("publisher", ""),
            url=info.get("url", ""),
            date=_source_date(info.get("date", "")),
            reliability=info.get("reliability", "F"),
            credibility=info.get("credibility", 6),
            actor=actor,
        )
        locked.source = source
        locked.status = JobStatus.DONE
        locked.phase = ""
        locked.entry_count = total
        locked.progress_done = locked.progress_total = total
        locked.finished_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action=Action.LIST_IMPORT,
            target=locked,
            after={
                "entries": total,
                "source": source.pk,
                "sha256": locked.sha256,
                "mapping": locked.mapping,
            },
        )


def _stop(pk: int, *, error: str) -> None:
    """A job that ended without finishing: failed, and its stored rows deleted."""
    PersonList.objects.filter(pk=pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED, phase="", finished_at=timezone.now(), error=error
    )
    delete_entries(pk)


def delete_entries(pk: int) -> int:
    """Delete a list's entries, DELETE_BATCH at a time, each batch its own short transaction
    (a failed import's rows must not hold the write lock any longer than storing them did)."""
    deleted = 0
    while True:
        ids = list(
            ListEntry.objects.filter(person_list_id=pk)
            .order_by()
            .values_list("id", flat=True)[:DELETE_BATCH]
        )
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += (
                ListEntry.objects.filter(id__in=ids).delete()[1].get(ListEntry._meta.label, 0)
            )


def _finish_failed(pk: int, *, row_errors=None, error: str = "", total: int | None = None):
    fields = {
        "status": JobStatus.FAILED,
        "phase": "",
        "finished_at": timezone.now(),
        "error": error,
    }
    if row_errors is not None:
        fields["row_errors"] = row_errors
    if total is not None:
        fields["progress_done"] = total
    PersonList.objects.filter(pk=pk).update(**fields)


def _source_date(text: str):
    return parse_date_or_none(text) if text else None


def list_import_file(
    *,
    path: Path,
    kind: str,
    title: str,
    actor,
    progress: Progress | None = None,
    mapping: dict[str, int] | None = None,
    **source,
) -> PersonList:
    """The command line's import: read, guess the mapping, import in this process."""
    limit = settings.KINTRACE_MAX_LIST_BYTES
    try:
        if not Path(path).is_file():  # a device or a pipe could be endless (/dev/zero)
            raise ImportRefused(_("%(path)s is not a file.") % {"path": path})
        with Path(path).open("rb") as f:
            data = f.read(limit + 1)  # never more than the limit in memory
    except OSError as e:
        raise ImportRefused(
            _("Cannot read %(path)s: %(err)s") % {"path": path, "err": e.strerror}
        ) from None
    if len(data) > limit:
        raise ImportRefused(
            _("The file is larger than %(limit)s MB, the most a list may be. Split it into parts.")
            % {"limit": round(limit / 2**20, 1)}
        )
    from .jobs import list_discard  # cycle: imports -> jobs -> imports

    person_list, _table = list_upload(
        data=data, kind=kind, title=title, actor=actor, filename=Path(path).name, **source
    )
    mapping = mapping or person_list.mapping
    # No one fixes a mapping on the command line: an import refused here, or failed on bad
    # rows, leaves no draft list and no copy of the file behind.
    try:
        if mapping_errors(mapping, len(person_list.header)):
            raise ImportRefused(
                " ".join(mapping_errors(mapping, len(person_list.header)))
                + " "
                + _("Columns: %s") % ", ".join(quote(h, 40) for h in person_list.header[:30])
            )
        done = list_import_start(
            person_list=person_list,
            mapping=mapping,
            actor=actor,
            background=False,
            progress=progress,
        )
    except ImportRefused:
        list_discard(person_list=person_list, actor=actor, reason="refused")
        raise
    if done.status == JobStatus.FAILED and done.row_errors:
        list_discard(person_list=done, actor=actor, reason="bad rows")
    return done

"""Importing a list: upload (read, recognise a re-import, guess the mapping), then the import
itself — every row checked, and all rows saved in one transaction or none.

Large lists run in a background thread started by the view; progress lives in the
PersonList row so any page (or the command line) can show it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kintrace.audit.services import audit_record, snapshot

from .. import background as jobs
from ..limits import quote
from ..mapping import guess_mapping, mapping_errors
from ..models import JobStatus, ListEntry, PersonList
from ..parsing import ListFileError, Table, read_list, read_text
from ..rows import RowError, map_row, row_width_error

# Lists longer than this import in a background thread when started from the web.
BACKGROUND_ROWS = 2000
PROGRESS_EVERY = 2000
INSERT_BATCH = 5000

Progress = Callable[[str, int, int], None]


class ImportRefused(Exception):
    """The list cannot be imported as it is; the message says why, for a person."""


class DuplicateListError(ImportRefused):
    def __init__(self, earlier: PersonList):
        self.earlier = earlier
        by = earlier.created_by.get_username() if earlier.created_by else "—"
        super().__init__(
            _("This file was already imported as list #%(id)s “%(title)s” on %(date)s by "
              "%(by)s.") % {"id": earlier.pk, "title": earlier.title, "by": by,
                            "date": date_format(timezone.localtime(earlier.created_at),
                                                "DATETIME_FORMAT")})


def _files_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "lists"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored_path(person_list: PersonList) -> Path:
    return _files_dir() / f"{person_list.pk}-{person_list.sha256}"


def _earlier_import(sha256: str, exclude_pk: int | None = None) -> PersonList | None:
    qs = PersonList.objects.filter(
        sha256=sha256, status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE])
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("created_by").order_by("created_at").first()


def _read(data: bytes, filename: str, pasted: bool) -> Table:
    if pasted:
        return read_text(data.decode("utf-8"), encoding="text")
    return read_list(data, filename)


def list_upload(
    *, data: bytes, kind: str, title: str, actor, filename: str = "", pasted: bool = False,
    source_kind: str = "official_list", source_title: str = "", publisher: str = "",
    url: str = "", date=None, reliability: str = "F", credibility: int = 6,
) -> tuple[PersonList, Table]:
    """Keep an uploaded file (or pasted text, as UTF-8) as a draft list with a guessed column
    mapping. Refuses a file that is too large, unreadable, or already imported."""
    limit = settings.KINTRACE_MAX_LIST_BYTES
    if len(data) > limit:
        raise ImportRefused(
            _("The file is %(size)s MB; lists up to %(limit)s MB can be imported. Split it "
              "into parts.") % {"size": round(len(data) / 2**20, 1),
                                "limit": round(limit / 2**20, 1)})
    sha = hashlib.sha256(data).hexdigest()
    earlier = _earlier_import(sha)
    if earlier:
        raise DuplicateListError(earlier)
    try:
        table = _read(data, filename, pasted)
    except ListFileError as e:
        raise ImportRefused(str(e)) from None
    source_info = {
        "kind": source_kind, "title": source_title or title, "publisher": publisher, "url": url,
        "date": date.iso() if date else "", "reliability": reliability,
        "credibility": int(credibility),
    }
    with transaction.atomic():
        person_list = PersonList.objects.create(
            kind=kind, title=title, filename=filename[:300], sha256=sha, size=len(data),
            encoding=table.encoding, delimiter=table.delimiter, header=table.header,
            mapping=guess_mapping(table.header, table.rows), source_info=source_info,
            progress_total=len(table.rows), created_by=actor if actor and actor.pk else None,
        )
        _stored_path(person_list).write_bytes(data)
        audit_record(actor=actor, action="list.upload", target=person_list,
                     after=snapshot(person_list, ["kind", "title", "filename", "sha256",
                                                  "size", "encoding"]))
    return person_list, table


def stored_table(person_list: PersonList) -> Table:
    data = _stored_path(person_list).read_bytes()
    return _read(data, person_list.filename, pasted=person_list.encoding == "text")


def list_import_start(
    *, person_list: PersonList, mapping: dict[str, int], actor, background: bool | None = None,
    progress: Progress | None = None,
) -> PersonList:
    """Fix the mapping and import: here and now, or in a background thread when the list is
    long (background=None decides by size)."""
    errors = mapping_errors(mapping, len(person_list.header))
    if errors:
        raise ImportRefused(" ".join(errors))
    earlier = _earlier_import(person_list.sha256, exclude_pk=person_list.pk)
    if earlier:
        raise DuplicateListError(earlier)
    try:
        with transaction.atomic():
            updated = PersonList.objects.filter(
                pk=person_list.pk, status__in=[JobStatus.DRAFT, JobStatus.FAILED]
            ).update(status=JobStatus.QUEUED, mapping=mapping, row_errors=[], error="",
                     progress_done=0, phase="")
            if not updated:
                raise ImportRefused(_("This list is already being imported."))
            audit_record(actor=actor, action="list.import_start", target=person_list,
                         after={"mapping": mapping})
    except IntegrityError:  # the partial unique index on sha256: a racing twin got there
        raise DuplicateListError(_earlier_import(person_list.sha256, person_list.pk)) from None
    person_list.refresh_from_db()
    if background is None:
        background = person_list.progress_total > BACKGROUND_ROWS
    if not background:
        return list_import_run(person_list=person_list, actor=actor, progress=progress)
    pk = person_list.pk
    jobs.start(f"list-import-{pk}", lambda: list_import_run(
        person_list=PersonList.objects.get(pk=pk), actor=actor))
    return person_list


def _set_progress(pk: int, phase: str, done: int, total: int) -> None:
    PersonList.objects.filter(pk=pk).update(phase=phase, progress_done=done,
                                            progress_total=total)


def list_import_run(
    *, person_list: PersonList, actor, progress: Progress | None = None,
) -> PersonList:
    """Check every row, then save the source, the list and all entries in one transaction.
    With any bad row nothing is saved: the list is marked failed with every line and reason."""
    pk = person_list.pk
    PersonList.objects.filter(pk=pk).update(status=JobStatus.RUNNING, phase="reading")
    try:
        table = stored_table(person_list)
        mapping = {k: int(v) for k, v in person_list.mapping.items()}
        total = len(table.rows)
        today = timezone.localdate()
        width = len(table.header)
        entries, bad = [], []
        for i, (line, row) in enumerate(zip(table.lines, table.rows, strict=True)):
            if i % PROGRESS_EVERY == 0:
                _set_progress(pk, "checking", i, total)
                if progress:
                    progress("checking", i, total)
            raw = dict(zip(table.header, row, strict=False))
            if len(row) > width:
                raw.update({f"#{j + 1}": c for j, c in enumerate(row[width:], start=width)})
            problem = row_width_error(row, width)
            if problem:
                bad.append([line, problem])
                continue
            try:
                fields = map_row(row, mapping, today=today)
            except RowError as e:
                bad.append([line, str(e)])
                continue
            entries.append(ListEntry(person_list_id=pk, line=line, raw=raw, **fields))
        if not entries and not bad:
            bad.append([1, _("the list has no rows")])
        if bad:
            _finish_failed(pk, row_errors=bad, total=total)
            person_list.refresh_from_db()
            return person_list
        _set_progress(pk, "saving", total, total)
        if progress:
            progress("saving", total, total)
        _save(person_list, entries, actor)
    except Exception as e:
        _finish_failed(pk, error=str(e) or e.__class__.__name__)
        raise
    person_list.refresh_from_db()
    if progress:
        progress("done", total, total)
    return person_list


def _finish_failed(pk: int, *, row_errors=None, error: str = "", total: int | None = None):
    fields = {"status": JobStatus.FAILED, "phase": "", "finished_at": timezone.now(),
              "error": error}
    if row_errors is not None:
        fields["row_errors"] = row_errors
    if total is not None:
        fields["progress_done"] = total
    PersonList.objects.filter(pk=pk).update(**fields)


def _source_date(text: str):
    from kintrace.names.dates import parse_date_or_none

    return parse_date_or_none(text) if text else None


def _save(person_list: PersonList, entries: list[ListEntry], actor) -> None:
    from kintrace.registry.services import source_create

    info = person_list.source_info
    with transaction.atomic():
        locked = PersonList.objects.select_for_update().get(pk=person_list.pk)
        source = source_create(
            kind=info.get("kind") or "official_list", title=info.get("title") or locked.title,
            publisher=info.get("publisher", ""), url=info.get("url", ""),
            date=_source_date(info.get("date", "")), reliability=info.get("reliability", "F"),
            credibility=info.get("credibility", 6), actor=actor,
        )
        ListEntry.objects.bulk_create(entries, batch_size=INSERT_BATCH)
        locked.source = source
        locked.status = JobStatus.DONE
        locked.phase = ""
        locked.entry_count = len(entries)
        locked.progress_done = locked.progress_total
        locked.finished_at = timezone.now()
        locked.save()
        audit_record(actor=actor, action="list.import", target=locked,
                     after={"entries": len(entries), "source": source.pk,
                            "sha256": locked.sha256, "mapping": locked.mapping})


def list_import_file(
    *, path: Path, kind: str, title: str, actor, progress: Progress | None = None,
    mapping: dict[str, int] | None = None, **source,
) -> PersonList:
    """The command line's import: read, guess the mapping, import in this process."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ImportRefused(_("Cannot read %(path)s: %(err)s") % {"path": path,
                                                                  "err": e.strerror}) from None
    person_list, _table = list_upload(data=data, kind=kind, title=title, actor=actor,
                                      filename=Path(path).name, **source)
    mapping = mapping or person_list.mapping
    if mapping_errors(mapping, len(person_list.header)):
        raise ImportRefused(
            " ".join(mapping_errors(mapping, len(person_list.header))) + " "
            + _("Columns: %s") % ", ".join(quote(h, 40) for h in person_list.header[:30]))
    return list_import_start(person_list=person_list, mapping=mapping, actor=actor,
                             background=False, progress=progress)

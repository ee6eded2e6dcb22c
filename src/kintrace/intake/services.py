"""Every write of the intake: submitting, the reporter's follow-ups, staff reads and answers,
linking a report to a person. Staff reads of reporter data are audited like writes."""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kintrace.audit.services import audit_record
from kintrace.security.audit import audit_decrypt
from kintrace.security.crypto import (
    CryptoError,
    decrypt,
    encrypt,
    new_receipt,
    new_salt,
    random_key,
    receipt_key,
    receipt_lookup,
    seal,
    unseal,
)
from kintrace.security.keys import org_public_key

from . import storage
from .models import Attachment, Report, ReportMessage, Sender
from .throttle import bucket_pass
from .uploads import CheckedFile
from .validation import CleanReport

# A fixed salt and blob for the wrong-receipt path: it derives a key and tries a decryption
# exactly as the right path does, so a wrong receipt takes as long as a right one.
_DUMMY_SALT = b"\x00" * 16
_DUMMY_BLOB = encrypt(b"\x01" * 32, b"\x00" * 32)


# A write that found the database busy (SQLite's write lock held past its busy timeout, a
# PostgreSQL lock timeout) is tried again after each pause; then ReportBusy. Bounded: a
# reporter waits at most the busy timeout per attempt plus these pauses.
BUSY_PAUSES = (0.5, 1.5)


class ReportBusy(Exception):
    """The database stayed busy through every attempt and nothing was stored; the message
    asks the reporter to send again (the form keeps what they typed)."""

    def __init__(self) -> None:
        super().__init__(_("The system is very busy and could not save your report just now. "
                           "Nothing was sent yet and everything you typed is still here: "
                           "please press Send again."))


def _is_busy(error: OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text or "lock timeout" in text


def _retry_busy[T](write: Callable[[], T]) -> T:
    """write() (one whole transaction), again after each of BUSY_PAUSES while the database is
    busy; raises ReportBusy when it still is."""
    for pause in (*BUSY_PAUSES, None):
        try:
            return write()
        except OperationalError as e:
            if not _is_busy(e):
                raise
            if pause is None:
                raise ReportBusy from e
            time.sleep(pause)
    raise AssertionError("unreachable")


class ReceiptThrottled(Exception):
    """Too many wrong receipts lately, from anyone: every lookup waits."""


@dataclass
class ReporterAccess:
    """A report opened with its receipt: the reporter may read and add to it."""

    report: Report
    key: bytes


def _json_encrypt(key: bytes, value: Any) -> bytes:
    return encrypt(key, json.dumps(value, ensure_ascii=False).encode())


def _json_decrypt(key: bytes, blob: bytes) -> Any:
    return json.loads(decrypt(key, bytes(blob)))


def _store_files(key: bytes, files: list[CheckedFile]) -> list[tuple[CheckedFile, str, str]]:
    stored = []
    try:
        for f in files:
            original = storage.store_encrypted(key, f.data)
            clean = storage.store_encrypted(key, f.clean_data) if f.clean_data else ""
            stored.append((f, original, clean))
    except Exception:
        _remove_files(stored)
        raise
    return stored


def _remove_files(stored) -> None:
    for _f, original, clean in stored:
        storage.remove_stored(original)
        if clean:
            storage.remove_stored(clean)


def _attach(report: Report, key: bytes, stored, sender: str) -> None:
    for f, original, clean in stored:
        Attachment.objects.create(report=report, sender=sender, original_file=original,
                                  clean_file=clean, meta=_json_encrypt(key, f.meta()))


def report_submit(*, clean: CleanReport, files: list[CheckedFile] = (),
                  channel: str = Report.Channel.WEB) -> tuple[Report, str]:
    """Store a new report encrypted; return it and its receipt, which is not kept anywhere.
    Raises ReportBusy if the database stays busy through every retry (nothing stored)."""
    receipt = new_receipt()
    salt = new_salt()
    data_key = random_key()
    # The slow parts (two Argon2id derivations, files) happen before the transaction, so
    # the database's write lock is held only for the inserts.
    sealed = {
        "receipt_lookup": receipt_lookup(receipt),
        "receipt_salt": salt,
        "key_for_org": seal(org_public_key(), data_key),
        "key_for_receipt": encrypt(receipt_key(receipt, salt), data_key),
        "payload": _json_encrypt(data_key, clean.private),
    }
    # Files are removed again if the rows do not commit.
    stored = _store_files(data_key, list(files))

    def write() -> Report:
        with transaction.atomic():
            report = Report.objects.create(
                channel=channel,
                **sealed,
                subject_name=clean.subject["name"],
                subject_birth_date=clean.subject["birth_date"],
                subject_facility=clean.subject["facility"],
                subject_region=clean.subject["region"],
                subject_region_code=clean.region_code,
            )
            _attach(report, data_key, stored, Sender.REPORTER)
            audit_record(actor=None, action="report.submit", target=report,
                         after={"channel": channel, "attachments": len(stored)})
        return report

    try:
        report = _retry_busy(write)
    except BaseException:
        _remove_files(stored)
        raise
    return report, receipt


def report_open(*, receipt: str) -> ReporterAccess | None:
    """The report this receipt opens, or None. Raises ReceiptThrottled while guessing is
    being slowed down. Right and wrong receipts do the same work (two Argon2id derivations,
    one decryption attempt, one write of the shared bucket)."""
    lookup = receipt_lookup(receipt)
    allowed, report = bucket_pass(lambda: Report.objects.filter(receipt_lookup=lookup).first())
    if not allowed:
        raise ReceiptThrottled
    salt, blob = (bytes(report.receipt_salt), bytes(report.key_for_receipt)) if report else (
        _DUMMY_SALT, _DUMMY_BLOB)
    try:
        key = decrypt(receipt_key(receipt, salt), blob)
    except CryptoError:
        key = None
    if report is None or key is None:
        return None
    return ReporterAccess(report=report, key=key)


def reporter_add(*, access: ReporterAccess, text: str, files: list[CheckedFile] = ()) -> None:
    """The reporter adds information or files to their report (ReportBusy as for a report)."""
    report, key = access.report, access.key
    stored = _store_files(key, list(files))

    def write() -> None:
        with transaction.atomic():
            if text:
                ReportMessage.objects.create(report=report, sender=Sender.REPORTER,
                                             body=_json_encrypt(key, {"text": text}))
            _attach(report, key, stored, Sender.REPORTER)
            Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
            audit_record(actor=None, action="report.reporter_add", target=report,
                         after={"message": bool(text), "attachments": len(stored)})

    try:
        _retry_busy(write)
    except BaseException:
        _remove_files(stored)
        raise


# --- reading, for the reporter and for staff ----------------------------------------------


@dataclass
class MessageView:
    sender: str
    author: str
    created_at: Any
    text: str


@dataclass
class AttachmentView:
    pk: int
    sender: str
    created_at: Any
    filename: str
    content_type: str
    size: int
    sha256: str
    has_clean_copy: bool


@dataclass
class ReportView:
    report: Report
    private: dict
    messages: list[MessageView]
    attachments: list[AttachmentView]


def report_decrypt(report: Report, key: bytes) -> ReportView:
    """Everything of a report in clear, with a key already obtained (reporter or staff)."""
    messages = [
        MessageView(sender=m.sender, author=m.author.get_username() if m.author else "",
                    created_at=m.created_at, text=_json_decrypt(key, m.body)["text"])
        for m in report.messages.select_related("author")
    ]
    attachments = []
    for a in report.attachments.all():
        meta = _json_decrypt(key, a.meta)
        attachments.append(AttachmentView(
            pk=a.pk, sender=a.sender, created_at=a.created_at, filename=meta["filename"],
            content_type=meta["content_type"], size=meta["size"], sha256=meta["sha256"],
            has_clean_copy=bool(a.clean_file),
        ))
    return ReportView(report=report, private=_json_decrypt(key, report.payload),
                      messages=messages, attachments=attachments)


def staff_report_key(*, report: Report, org_private: bytes) -> bytes:
    """The report's data key, opened with the organisation key a staff session unlocked
    (`kintrace.security.unlock.org_private_key_for`)."""
    return unseal(org_private, bytes(report.key_for_org))


def report_read(*, report: Report, org_private: bytes, actor) -> ReportView:
    """Decrypt a report for a staff member; every such read is written to the audit log."""
    key = staff_report_key(report=report, org_private=org_private)
    view = report_decrypt(report, key)
    audit_decrypt(actor, report, "triage")
    return view


def attachment_read(*, attachment: Attachment, org_private: bytes, actor, original: bool = False
                    ) -> tuple[bytes, dict]:
    """The viewing copy (or the original kept as evidence) of an attachment, audited."""
    key = staff_report_key(report=attachment.report, org_private=org_private)
    meta = _json_decrypt(key, attachment.meta)
    use_original = original or not attachment.clean_file
    data = storage.read_encrypted(
        key, attachment.original_file if use_original else attachment.clean_file)
    audit_decrypt(actor, attachment, "attachment original" if use_original else "attachment view")
    content_type = meta["content_type"] if use_original else meta["clean_content_type"]
    return data, {**meta, "served_type": content_type}


def report_answer(*, report: Report, text: str, org_private: bytes, actor) -> ReportMessage:
    """Staff answer the reporter; the answer appears in the reporter's inbox."""
    key = staff_report_key(report=report, org_private=org_private)
    with transaction.atomic():
        message = ReportMessage.objects.create(
            report=report, sender=Sender.ORGANISATION, author=actor,
            body=_json_encrypt(key, {"text": text}))
        Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
        audit_record(actor=actor, action="report.answer", target=report,
                     after={"message": message.pk})
    return message


def report_close(*, report: Report, actor) -> Report:
    """Close a report that needs no further work (spam, a duplicate)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        before = report.status
        report.status = Report.Status.CLOSED
        report.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="report.close", target=report,
                     before={"status": before}, after={"status": report.status})
    return report

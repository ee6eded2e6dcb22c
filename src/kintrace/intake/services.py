"""Every write of the intake: submitting, the reporter's follow-ups, staff reads and answers,
linking a report to a person. Staff reads of reporter data are audited like writes."""

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kintrace.audit.actions import Action
from kintrace.audit.services import audit_record
from kintrace.bot.push import send_answer_notice
from kintrace.cases.models import CloseReason
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
from kintrace.security.receipts import ReceiptUnreadable, receipt_normalise

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
        super().__init__(
            _(
                "The system is very busy and could not save your report just now. "
                "Nothing was sent yet and everything you typed is still here: "
                "please press Send again."
            )
        )


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


def _json_decrypt(key: bytes, blob: bytes | memoryview) -> Any:
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
        Attachment.objects.create(
            report=report,
            sender=sender,
            original_file=original,
            clean_file=clean,
            meta=_json_encrypt(key, f.meta()),
        )


def report_submit(
    *, clean: CleanReport, files: Sequence[CheckedFile] = (), channel: str = Report.Channel.WEB
) -> tuple[Report, str]:
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
            audit_record(
                actor=None,
                action=Action.REPORT_SUBMIT,
                target=report,
                after={"channel": channel, "attachments": len(stored)},
            )
        return report

    try:
        report = _retry_busy(write)
    except BaseException:
        _remove_files(stored)
        raise
    return report, receipt


def report_mark_unread(report_id: int) -> None:
    """One more unread message from the relative on the report: counted, dated and the
    report moved up the queue. Call it inside the write's transaction."""
    now = timezone.now()
    Report.objects.filter(pk=report_id).update(updated_at=now, unread_count=F("unread_count") + 1)
    Report.objects.filter(pk=report_id, unread_since__isnull=True).update(unread_since=now)


def report_open(*, receipt: str) -> ReporterAccess | None:
    """The report this receipt opens, or None. Raises ReceiptThrottled while guessing is
    being slowed down, and ReceiptUnreadable (before any lookup, without filling the bucket:
    the format is no secret) for text that cannot be a receipt at all. Right and wrong
    receipts do the same work (two Argon2id derivations, one decryption attempt, one write
    of the shared bucket)."""
    receipt = receipt_normalise(receipt)
    lookup = receipt_lookup(receipt)
    allowed, report = bucket_pass(lambda: Report.objects.filter(receipt_lookup=lookup).first())
    if not allowed:
        raise ReceiptThrottled
    salt, blob = (
        (bytes(report.receipt_salt), bytes(report.key_for_receipt))
        if report
        else (_DUMMY_SALT, _DUMMY_BLOB)
    )
    try:
        key = decrypt(receipt_key(receipt, salt), blob)
    except CryptoError:
        key = None
    if report is None or key is None:
        return None
    return ReporterAccess(report=report, key=key)


def reporter_access(*, report_id: int, key: bytes) -> ReporterAccess | None:
    """The access an inbox token carries, checked again: the key must still open the report."""
    report = Report.objects.filter(pk=report_id).select_related("case").first()
    if report is None:
        return None
    try:
        decrypt(key, bytes(report.payload))
    except CryptoError:
        return None
    return ReporterAccess(report=report, key=key)


def reporter_add(
    *,
    access: ReporterAccess,
    text: str,
    files: Sequence[CheckedFile] = (),
    description: dict[str, str] | None = None,
) -> None:
    """The reporter adds information or files to their report (ReportBusy as for a report);
    `description` (validated "Приметы", possibly empty) replaces the one in the report's
    encrypted payload. The report counts one more unread follow-up until a staff member
    marks it read."""
    report, key = access.report, access.key
    stored = _store_files(key, list(files))

    def write() -> None:
        with transaction.atomic():
            if description is not None:
                # Locked: two tabs saving at once must not lose each other's payload.
                blob = (
                    Report.objects.select_for_update()
                    .values_list("payload", flat=True)
                    .get(pk=report.pk)
                )
                private = _json_decrypt(key, blob)
                private.pop("description", None)
                if description:
                    private["description"] = description
                Report.objects.filter(pk=report.pk).update(payload=_json_encrypt(key, private))
            if text:
                ReportMessage.objects.create(
                    report=report, sender=Sender.REPORTER, body=_json_encrypt(key, {"text": text})
                )
            _attach(report, key, stored, Sender.REPORTER)
            report_mark_unread(report.pk)
            audit_record(
                actor=None,
                action=Action.REPORT_REPORTER_ADD,
                target=report,
                after={
                    "message": bool(text),
                    "attachments": len(stored),
                    "description": description is not None,
                },
            )

    try:
        _retry_busy(write)
    except BaseException:
        _remove_files(stored)
        raise


# --- what a relative is told about a receipt (the public pages and the Telegram bot) ------


def receipt_unreadable_text(exc: ReceiptUnreadable) -> str:
    """One line for text that cannot be a receipt (before any lookup)."""
    if exc.code == "word":
        return _("“%(word)s” is not one of our receipt words. Please check how it is written.") % {
            "word": exc.word[:40]
        }
    if exc.code == "length" and exc.count > 11:
        return ngettext(
            "A receipt has eleven words; we read %(count)d word. Please check that no word "
            "was typed twice or added.",
            "A receipt has eleven words; we read %(count)d words. Please check that no word "
            "was typed twice or added.",
            exc.count,
        ) % {"count": exc.count}
    if exc.code == "length" and exc.count:
        return ngettext(
            "A receipt has eleven words; we read %(count)d word. Please check that none is "
            "missing.",
            "A receipt has eleven words; we read %(count)d words. Please check that none is "
            "missing.",
            exc.count,
        ) % {"count": exc.count}
    if exc.code == "length":
        return _(
            "A receipt has eleven words (older receipts: 40 digits). Please check that none "
            "is missing."
        )
    if exc.code == "spaces":
        return _("Please put a space between the words of your receipt.")
    return _("Please type your receipt.")


def receipt_throttled_text() -> str:
    return _(
        "Too many wrong receipts were tried recently, by someone. "
        "Please try again in a few minutes."
    )


def receipt_wrong_text() -> str:
    return _("We found no report with this receipt. Check the words and try again.")


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
        MessageView(
            sender=m.sender,
            author=m.author.get_username() if m.author else "",
            created_at=m.created_at,
            text=_json_decrypt(key, m.body)["text"],
        )
        for m in report.messages.select_related("author")
    ]
    attachments = []
    for a in report.attachments.all():
        meta = _json_decrypt(key, a.meta)
        attachments.append(
            AttachmentView(
                pk=a.pk,
                sender=a.sender,
                created_at=a.created_at,
                filename=meta["filename"],
                content_type=meta["content_type"],
                size=meta["size"],
                sha256=meta["sha256"],
                has_clean_copy=bool(a.clean_file),
            )
        )
    return ReportView(
        report=report,
        private=_json_decrypt(key, report.payload),
        messages=messages,
        attachments=attachments,
    )


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


def report_conversation_read(*, report: Report, org_private: bytes, actor) -> list[MessageView]:
    """The messages of a report in both directions, for the case page; audited."""
    key = staff_report_key(report=report, org_private=org_private)
    messages = [
        MessageView(
            sender=m.sender,
            author=m.author.get_username() if m.author else "",
            created_at=m.created_at,
            text=_json_decrypt(key, m.body)["text"],
        )
        for m in report.messages.select_related("author")
    ]
    audit_decrypt(actor, report, "case conversation")
    return messages


def attachment_read(
    *, attachment: Attachment, org_private: bytes, actor, original: bool = False
) -> tuple[bytes, dict]:
    """The viewing copy (or the original kept as evidence) of an attachment, audited."""
    key = staff_report_key(report=attachment.report, org_private=org_private)
    meta = _json_decrypt(key, attachment.meta)
    use_original = original or not attachment.clean_file
    data = storage.read_encrypted(
        key, attachment.original_file if use_original else attachment.clean_file
    )
    audit_decrypt(actor, attachment, "attachment original" if use_original else "attachment view")
    content_type = meta["content_type"] if use_original else meta["clean_content_type"]
    return data, {**meta, "served_type": content_type}


def report_answer(*, report: Report, text: str, org_private: bytes, actor) -> ReportMessage:
    """Staff answer the reporter; the answer appears in the reporter's inbox. Answering
    reads the conversation, so its unread follow-ups count as read."""
    key = staff_report_key(report=report, org_private=org_private)
    with transaction.atomic():
        message = ReportMessage.objects.create(
            report=report,
            sender=Sender.ORGANISATION,
            author=actor,
            body=_json_encrypt(key, {"text": text}),
        )
        before = (
            Report.objects.select_for_update()
            .values_list("unread_count", flat=True)
            .get(pk=report.pk)
        )
        Report.objects.filter(pk=report.pk).update(
            updated_at=timezone.now(), unread_count=0, unread_since=None
        )
        audit_record(
            actor=actor,
            action=Action.REPORT_ANSWER,
            target=report,
            before={"unread": before},
            after={"message": message.pk, "unread": 0},
        )
        notify = _notify_target(report, key)
        if notify is not None:
            # After the commit only: no notice for an answer that was not stored.
            transaction.on_commit(lambda: send_answer_notice(**notify))
    return message


def _notify_target(report: Report, key: bytes) -> dict | None:
    blob = Report.objects.filter(pk=report.pk).values_list("notify", flat=True).first()
    if not blob:
        return None
    try:
        value = _json_decrypt(key, blob)
    except CryptoError:
        return None
    return {"chat": int(value["chat"]), "lang": str(value.get("lang", "ru"))}


def report_notify_set(*, access: ReporterAccess, chat: int, lang: str) -> None:
    """The relative asked the Telegram bot to tell this chat when staff answer: the chat id
    is stored encrypted with the report's data key only (no receipt, no staff key: nothing
    else can open it). The audit entry says that a notice was asked for, not where to."""
    blob = _json_encrypt(access.key, {"chat": int(chat), "lang": lang})
    with transaction.atomic():
        Report.objects.filter(pk=access.report.pk).update(notify=blob)
        audit_record(
            actor=None, action=Action.REPORT_NOTIFY_SET, target=access.report, after={"notify": 1}
        )


def report_notify_clear(*, access: ReporterAccess) -> None:
    """No more notices for this report (the relative said stop)."""
    with transaction.atomic():
        Report.objects.filter(pk=access.report.pk).update(notify=b"")
        audit_record(
            actor=None,
            action=Action.REPORT_NOTIFY_CLEAR,
            target=access.report,
            after={"notify": 0},
        )


def report_notify_on(*, access: ReporterAccess) -> bool:
    """Whether a notice is asked for on this report."""
    blob = Report.objects.filter(pk=access.report.pk).values_list("notify", flat=True).first()
    return bool(blob)


def report_mark_read(*, report: Report, actor) -> Report:
    """A staff member has read the reporter's follow-ups."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        before = report.unread_count
        report.unread_count, report.unread_since = 0, None
        report.save(update_fields=["unread_count", "unread_since"])
        audit_record(
            actor=actor,
            action=Action.REPORT_MARK_READ,
            target=report,
            before={"unread": before},
            after={"unread": 0},
        )
    return report


def report_close(*, report: Report, reason: str, shared: bool, actor) -> Report:
    """Close a report that needs no further work, saying why; with `shared` the relative's
    inbox names the reason."""
    if reason not in CloseReason.values:
        raise ValidationError(_("Choose why the report is closed."), code="reason")
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        before = {"status": report.status, "reason": report.close_reason}
        report.status = Report.Status.CLOSED
        report.close_reason, report.close_reason_shared = reason, bool(shared)
        report.closed_at = timezone.now()
        report.save(
            update_fields=[
                "status",
                "close_reason",
                "close_reason_shared",
                "closed_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=Action.REPORT_CLOSE,
            target=report,
            before=before,
            after={"status": report.status, "reason": reason, "shared": report.close_reason_shared},
        )
    return report


@dataclass
class ReporterState:
    """What the relative's inbox says about where their report stands."""

    code: str  # "received", "working", "closed"
    reason: str  # the shared reason's label, or ""


def reporter_state(report: Report) -> ReporterState:
    """The truth for the relative: a closed report or a closed case says closed (with the
    reason when staff shared it), never "a caseworker is working on it"."""
    if report.status == Report.Status.CLOSED:
        label = (
            CloseReason(report.close_reason).label
            if report.close_reason_shared and report.close_reason
            else ""
        )
        return ReporterState("closed", str(label))
    case = report.case if report.case_id else None
    if case is not None and not case.is_open:
        label = (
            CloseReason(case.close_reason).label
            if case.close_reason_shared and case.close_reason
            else ""
        )
        return ReporterState("closed", str(label))
    if report.status == Report.Status.LINKED:
        return ReporterState("working", "")
    return ReporterState("received", "")

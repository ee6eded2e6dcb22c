"""Public intake endpoints: submit a report, read the inbox with a receipt. No auth, no CSRF
(nothing here acts on a session); the same validation as the web form."""

from datetime import datetime

from django.utils import translation
from ninja import Header, Router, Schema, Status

from kintrace.intake.models import Report, Sender
from kintrace.intake.services import (
    ReceiptThrottled,
    report_decrypt,
    report_open,
    report_submit,
)
from kintrace.intake.validation import ReportInvalid, clean_report
from kintrace.security.keys import OrgKeysMissing

router = Router(tags=["reports"])


class SubjectIn(Schema):
    name: str
    birth_date: str | None = None
    facility: str | None = None
    region: str | None = None


class ReporterIn(Schema):
    name: str | None = None
    relationship: str | None = None
    contact: str | None = None


class ReportIn(Schema):
    subject: SubjectIn
    reporter: ReporterIn | None = None
    message: str


class ReceiptOut(Schema):
    receipt: str


class ErrorsOut(Schema):
    errors: dict[str, str]


class AnswerOut(Schema):
    sent_at: datetime
    text: str


class SubjectOut(Schema):
    name: str
    birth_date: str
    facility: str
    region: str


class InboxOut(Schema):
    status: str
    submitted_at: datetime
    subject: SubjectOut
    message: str
    answers: list[AnswerOut]


@router.post("", response={201: ReceiptOut, 400: ErrorsOut, 422: ErrorsOut, 503: ErrorsOut},
             url_name="report_submit", summary="Submit a report")
def submit(request, payload: ReportIn):
    """Store a report encrypted; the receipt in the answer is the only way back to it."""
    # Messages in the API are English; the web form speaks Russian.
    with translation.override("en"):
        try:
            clean = clean_report(payload.dict())
        except ReportInvalid as e:
            return Status(400, {"errors": e.errors})
        try:
            _report, receipt = report_submit(clean=clean, channel=Report.Channel.API)
        except OrgKeysMissing:
            return Status(503, {"errors": {"": "The organisation keys are not set up yet."}})
    return Status(201, {"receipt": receipt})


@router.get("/inbox", response={200: InboxOut, 404: ErrorsOut, 429: ErrorsOut},
            url_name="report_inbox", summary="Read the organisation's answers")
def inbox(request, x_receipt: str = Header(..., alias="X-Receipt")):
    """The report's status and the organisation's answers. A wrong receipt is a 404 that
    takes as long as a right one."""
    try:
        access = report_open(receipt=x_receipt)
    except ReceiptThrottled:
        return Status(429, {"errors": {"X-Receipt": "Too many wrong receipts lately; try later."}})
    if access is None:
        return Status(404, {"errors": {"X-Receipt": "No report with this receipt."}})
    view = report_decrypt(access.report, access.key)
    return Status(200, {
        "status": access.report.status,
        "submitted_at": access.report.created_at,
        "subject": {"name": access.report.subject_name,
                    "birth_date": access.report.subject_birth_date,
                    "facility": access.report.subject_facility,
                    "region": access.report.subject_region},
        "message": view.private["message"],
        "answers": [{"sent_at": m.created_at, "text": m.text} for m in view.messages
                    if m.sender == Sender.ORGANISATION],
    })

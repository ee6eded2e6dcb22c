"""Public intake endpoints: submit a report, read the inbox with a receipt. No auth, no CSRF
(nothing here acts on a session); the same validation as the web form."""

from datetime import datetime

from django.utils import translation
from ninja import Header, Router, Schema, Status
from pydantic import field_validator

from kintrace.intake.models import Report, Sender
from kintrace.intake.services import (
    ReceiptThrottled,
    ReceiptUnreadable,
    ReportBusy,
    report_decrypt,
    report_open,
    report_submit,
    reporter_state,
)
from kintrace.intake.validation import LIMITS, ReportInvalid, clean_report
from kintrace.security.keys import OrgKeysMissing
from kintrace.security.receipts import header_text

from .core import BODY_ERROR_RESPONSES, ERROR_RESPONSES, NO_NUL, SOME_TEXT, ErrorsOut, text

router = Router(tags=["reports"])


def _text(path: str, pattern: str = NO_NUL):
    # The limits are the intake validation's own, so the schema states what it enforces.
    return text(LIMITS[path], pattern)


# The fields' types are constrained strings built from the intake limits at import time:
# pydantic reads them, mypy cannot evaluate a call in an annotation (hence the ignores).


class SubjectIn(Schema):
    name: _text("subject.name", SOME_TEXT)  # type: ignore[valid-type]
    birth_date: _text("subject.birth_date") | None = None  # type: ignore[valid-type]
    facility: _text("subject.facility") | None = None  # type: ignore[valid-type]
    region: _text("subject.region") | None = None  # type: ignore[valid-type]


class ReporterIn(Schema):
    name: _text("reporter.name") | None = None  # type: ignore[valid-type]
    relationship: _text("reporter.relationship") | None = None  # type: ignore[valid-type]
    contact: _text("reporter.contact") | None = None  # type: ignore[valid-type]


class ReportIn(Schema):
    subject: SubjectIn
    reporter: ReporterIn | None = None
    message: _text("message")  # type: ignore[valid-type]

    @field_validator("subject", "reporter", mode="before")
    @classmethod
    def _an_object(cls, value):
        # ninja reads a schema's fields as attributes, so "reporter": "Мама, тел. 123" became
        # a reporter with no fields and what was sent was dropped in silence.
        if value is not None and not isinstance(value, dict):
            raise ValueError("must be an object")
        return value


class ReceiptOut(Schema):
    receipt: str


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
    state: str  # received | working | closed: what the inbox page tells the relative
    closed_reason: str  # the reason staff chose to share when closing, or ""
    submitted_at: datetime
    subject: SubjectOut
    message: str
    answers: list[AnswerOut]


@router.post(
    "",
    response={201: ReceiptOut, **BODY_ERROR_RESPONSES, 503: ErrorsOut},
    url_name="report_submit",
    summary="Submit a report",
)
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
        except ReportBusy:  # nothing was stored: the client sends the same body again
            return Status(
                503,
                {
                    "errors": {
                        "": "The database is busy; nothing was stored. Send the report again."
                    }
                },
            )
    return Status(201, {"receipt": receipt})


@router.get(
    "/inbox",
    response={200: InboxOut, **ERROR_RESPONSES, 404: ErrorsOut, 429: ErrorsOut},
    url_name="report_inbox",
    summary="Read the organisation's answers",
)
def inbox(
    request,
    x_receipt: str = Header(
        ...,
        alias="X-Receipt",
        description="The receipt: eleven words (or 40 digits for older receipts), as UTF-8, "
        "raw or percent-encoded; case, ё/е and spacing do not matter.",
    ),
):
    """The report's status and the organisation's answers. A wrong receipt is a 404 that
    takes as long as a right one."""
    try:
        # Headers arrive decoded as Latin-1: a receipt typed in Cyrillic words or
        # Arabic-Indic digits is read back as sent, then normalised as the web form does.
        with translation.override("en"):
            access = report_open(receipt=header_text(x_receipt))
    except ReceiptUnreadable:
        return Status(
            404,
            {
                "errors": {
                    "X-Receipt": "This is not a receipt: eleven words "
                    "from the receipt list, or 40 digits."
                }
            },
        )
    except ReceiptThrottled:
        return Status(429, {"errors": {"X-Receipt": "Too many wrong receipts lately; try later."}})
    if access is None:
        return Status(404, {"errors": {"X-Receipt": "No report with this receipt."}})
    view = report_decrypt(access.report, access.key)
    with translation.override("en"):
        state = reporter_state(access.report)
    return Status(
        200,
        {
            "status": access.report.status,
            "state": state.code,
            "closed_reason": state.reason,
            "submitted_at": access.report.created_at,
            "subject": {
                "name": access.report.subject_name,
                "birth_date": access.report.subject_birth_date,
                "facility": access.report.subject_facility,
                "region": access.report.subject_region,
            },
            "message": view.private["message"],
            "answers": [
                {"sent_at": m.created_at, "text": m.text}
                for m in view.messages
                if m.sender == Sender.ORGANISATION
            ],
        },
    )

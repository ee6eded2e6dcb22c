"""The one message the web process sends through Telegram: the opt-in notice that staff
answered a report. It carries no content (the relative reads the answer with the receipt),
and the chat it goes to is known only for the moment of sending: it is stored encrypted
under the report's data key (`intake.services.report_notify_set`)."""

import logging

import httpx
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger("kintrace.bot")

SEND_TIMEOUT = 5.0  # seconds; a staff member's answer waits at most this for Telegram


def answer_notice_text() -> str:
    return _(
        "There is a new answer about your report. Send /start and open your report with "
        "your receipt to read it."
    )


def send_answer_notice(*, chat: int, lang: str) -> bool:
    """Tell a chat that there is an answer; True when Telegram took the message. Never
    raises and never logs the chat: a failure is one line without it."""
    token = settings.KINTRACE_TELEGRAM_TOKEN
    if not token:
        log.warning("telegram notice not sent: KINTRACE_TELEGRAM_TOKEN is not set")
        return False
    with translation.override(lang if lang in ("ru", "en") else "ru"):
        text = answer_notice_text()
    try:
        response = httpx.post(
            f"{settings.KINTRACE_TELEGRAM_API_URL}/bot{token}/sendMessage",
            data={"chat_id": str(chat), "text": text},
            timeout=SEND_TIMEOUT,
        )
        ok = response.status_code == 200 and response.json().get("ok") is True
    except (httpx.HTTPError, ValueError):
        ok = False
    if not ok:
        log.warning("telegram notice not delivered")
    return ok

"""Whole conversations with the relatives' bot through a fake Telegram Bot API server: a
report with a photo, the inbox with a wrong and a right receipt, a timeout, a restart; and
afterwards a byte search of the database, the data directory and the logs for who wrote."""

import re
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.apps import apps
from django.conf import settings

from kintrace.audit.actions import Action
from kintrace.audit.models import AuditEntry
from kintrace.intake.models import Attachment, Report, ReportMessage
from kintrace.intake.services import report_answer, report_read
from kintrace.security.crypto import new_receipt
from kintrace.security.testing import org_keys_for_tests
from tests.intake.helpers import image_bytes, make_report

from .conftest import FIRST_NAME, TOKEN, USER_ID, USERNAME, drive

STORY = "Последний раз звонил с чужого номера, голос был испуганный, Zebrafinch-4711."
RELATIONSHIP = "мать"


def _values(value) -> bytes:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value)
    return str(value).encode()


def assert_kept_nowhere(needles: list[str], logs) -> None:
    """None of `needles` (as UTF-8 bytes) in any row of any table, any file of the data
    directory (the SQLite database and its WAL included) or any captured log line."""
    found = where(needles, logs)
    assert not found, found


def where(needles: list[str], logs) -> list[str]:
    """Where each of `needles` is found (see assert_kept_nowhere)."""
    found = []
    for model in apps.get_models():
        for row in model.objects.all().values_list():
            blob = b"\x00".join(_values(v) for v in row)
            found += [f"{model.__name__}: {n}" for n in needles if n.encode() in blob]
    for path in Path(settings.DATA_DIR).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {n}" for n in needles if n.encode() in data]
    text = "\n".join(logs.lines)
    found += [f"log: {n}" for n in needles if n in text]
    return found


def who(relative) -> list[str]:
    return [str(USER_ID), USERNAME, FIRST_NAME, TOKEN]


def test_a_relative_files_a_full_report_with_a_photo_and_keeps_the_receipt_only(
    db, telegram, relative, logs
):
    org = org_keys_for_tests()
    got = {}

    async def scenario():
        relative.send("/start")
        start = await relative.expect("Choose your language")
        assert list(start.buttons()) == ["Русский", "English"]  # Russian first
        relative.press("English")
        await relative.expect("Telegram itself keeps messages")
        relative.press("Report a missing man")
        await relative.expect("His full name")
        relative.send("Иванов Пётр Сергеевич")
        await relative.expect("Date of birth")
        relative.send("31.02.1987")  # the shared validation's word comes back
        await relative.expect("We could not read this date")
        relative.send("около 1987")
        await relative.expect("Colony or prison")
        relative.press("Skip")
        await relative.expect("Region")
        relative.send("Пермский край")
        question = await relative.expect("What happened?")
        relative.press("He was sent to the front")
        await relative.until(lambda: "✓ He was sent to the front" in question.buttons())
        relative.press("Done")
        await relative.expect("What happened, in your words")
        relative.send(STORY)
        await relative.expect("Can you tell us more")
        relative.press("Skip")
        await relative.expect("Who are you to him?")
        relative.send(RELATIONSHIP)
        await relative.expect("Your name")
        relative.press("Skip")
        await relative.expect("How can we reach you?")
        relative.press("Skip")
        await relative.expect("Photos, screenshots, documents")
        relative.send_photo(b"this is not a picture at all")
        await relative.expect("We accept photos and screenshots")
        relative.send_photo(image_bytes(gps=True))
        await relative.expect("Received: photo.jpg (1 of 5)")
        relative.press("Done")
        summary = await relative.expect("Please check your report")
        assert "Иванов Пётр Сергеевич" in summary.text and "photo.jpg" in summary.text
        relative.press("Send the report")
        shown = await relative.expect("Your receipt")
        got["receipt"] = shown.text.split("\n\n")[1]
        relative.press("I have written it down")
        await relative.expect("I have deleted our conversation")
        before_notice = relative.messages()[:-1]
        await relative.until(lambda: all(m.deleted for m in before_notice))

    drive(telegram, scenario)

    report = Report.objects.get()
    assert report.channel == Report.Channel.TELEGRAM
    assert report.subject_name == "Иванов Пётр Сергеевич"
    assert report.subject_birth_date == "около 1987"
    assert report.subject_region_code == "RU-PER"
    entry = AuditEntry.objects.get(action=Action.REPORT_SUBMIT)
    assert entry.actor is None and entry.after == {"channel": "telegram", "attachments": 1}
    staff = _staff()
    view = report_read(report=report, org_private=org, actor=staff)
    assert view.private["message"] == STORY
    assert view.private["what_happened"] == ["deployed"]
    assert view.private["reporter"]["relationship"] == RELATIONSHIP
    assert [a.filename for a in view.attachments] == ["photo.jpg"]
    assert Attachment.objects.get().clean_file  # the pixels-only viewing copy was made
    assert len(got["receipt"].split()) == 11
    assert_kept_nowhere([*who(relative), STORY, RELATIONSHIP, got["receipt"]], logs)
    # The search reads the stored rows: the missing man's name, kept in clear on purpose.
    assert "Report: Иванов Пётр Сергеевич" in where(["Иванов Пётр Сергеевич"], logs)


def _staff():
    from kintrace.security.testing import staff_with_key

    return staff_with_key("caseworker")


@pytest.mark.audits(Action.REPORT_NOTIFY_SET, Action.REPORT_NOTIFY_CLEAR)
def test_the_inbox_refuses_a_wrong_receipt_shows_answers_takes_additions_and_notifies_on_request(
    db, telegram, relative, logs, django_capture_on_commit_callbacks
):
    org = org_keys_for_tests()
    report, receipt = make_report()
    staff = _staff()
    report_answer(
        report=report, text="Мы нашли его в списке госпиталя.", org_private=org, actor=staff
    )
    addition = "Он прислал фото из госпиталя, Kingfisher-0815."

    async def scenario():
        await relative.begin()
        relative.press("Open my report with the receipt")
        await relative.expect("Type your receipt")
        typed = relative.send("кошкаа собака")
        await relative.expect("“кошкаа” is not one of our receipt words")
        relative.send(new_receipt())
        await relative.expect("We found no report with this receipt")
        relative.send(receipt)
        inbox = await relative.expect("Your report")
        assert "Мы нашли его в списке госпиталя." in inbox.text
        assert "received, waiting for a caseworker" in inbox.text  # not linked yet
        receipts = [m for m in relative.messages() if not m.from_bot and m.message_id >= typed]
        assert receipts and all(m.deleted for m in receipts)  # typed receipts go at once
        relative.press("Add information")
        await relative.expect("Anything new?")
        relative.send(addition)
        await relative.expect("Noted")
        relative.send_photo(image_bytes(color=(10, 200, 10)))
        await relative.expect("Received: photo.jpg (1 of 5)")
        relative.press("Add to my report")
        await relative.expect("Thank you, we added it to your report.")
        await relative.expect("Your report")
        relative.press("Tell me here when you answer")
        await relative.expect("one message to this chat")
        await relative.expect("Your report")
        got["notify"] = await sync_to_async(
            lambda: bytes(Report.objects.values_list("notify", flat=True).get())
        )()
        relative.press("Stop the notices")
        await relative.expect("No more notices")
        await relative.expect("Your report")
        relative.press("Tell me here when you answer")
        await relative.expect("one message to this chat")
        await relative.expect("Your report")
        relative.press("Finish and delete this chat")
        await relative.expect("I have deleted our conversation")

    got = {}
    drive(telegram, scenario)

    message = ReportMessage.objects.filter(sender="reporter").get()
    assert message.report_id == report.pk
    assert report.attachments.count() == 1
    assert AuditEntry.objects.filter(action=Action.REPORT_REPORTER_ADD).count() == 1
    set_entries = AuditEntry.objects.filter(
        action=Action.REPORT_NOTIFY_SET, target_id=str(report.pk)
    )
    assert set_entries.count() == 2 and set_entries.first().actor is None
    clear = AuditEntry.objects.get(action=Action.REPORT_NOTIFY_CLEAR)
    assert clear.actor is None and clear.target_id == str(report.pk)
    assert got["notify"] and str(USER_ID).encode() not in got["notify"]

    # Staff answer: the one notice, with no content, goes to the chat that asked for it.
    with django_capture_on_commit_callbacks(execute=True):
        report_answer(report=report, text="Ответ второй.", org_private=org, actor=staff)
    notice = relative.bot_messages()[-1]
    assert "There is a new answer about your report" in notice.text
    assert "Ответ второй" not in notice.text
    assert_kept_nowhere([*who(relative), addition], logs)


def test_an_idle_conversation_is_deleted_and_forgotten(db, telegram, relative, logs):
    async def scenario():
        await relative.begin(report="Сидоров Иван")
        notice = await relative.expect("closed after 1 minutes without activity", timeout=10)
        assert "Nothing was sent." in notice.text
        earlier = [m for m in relative.messages() if m.message_id < notice.message_id]
        await relative.until(lambda: all(m.deleted for m in earlier))
        relative.send("14.03.1987")
        await relative.expect("I do not remember our conversation")

    drive(telegram, scenario, idle_seconds=1)
    assert not Report.objects.exists()
    assert_kept_nowhere([*who(relative), "Сидоров Иван"], logs)


def test_a_restart_mid_conversation_deletes_it_and_the_new_bot_starts_afresh(
    db, telegram, relative, logs
):
    async def before_restart():
        await relative.begin(report="Петров Олег")

    drive(telegram, before_restart)  # stops as on SIGTERM
    notice = relative.bot_messages()[-1]
    assert "The bot is being restarted" in notice.text and "Nothing was sent." in notice.text
    assert all(m.deleted for m in relative.messages() if m is not notice)

    async def after_restart():
        relative.send("12.05.1990")
        answer = await relative.expect("I do not remember our conversation")
        assert "Я не помню" in answer.text  # said in Russian too: the language was forgotten
        relative.send("/start")
        await relative.expect("Choose your language")
        relative.press("Русский")
        await relative.expect("Telegram")

    drive(telegram, after_restart)
    assert not Report.objects.exists()
    assert_kept_nowhere([*who(relative), "Петров Олег"], logs)


def test_a_contact_card_is_deleted_at_once_and_never_asked_for(db, telegram, relative, logs):
    async def scenario():
        await relative.begin()
        card = relative.send_contact("+79991234567")
        await relative.expect("we do not need your phone number")
        sent = next(m for m in relative.messages() if m.message_id == card)
        assert sent.deleted

    drive(telegram, scenario)
    asked = [m for m in relative.bot_messages() if m.markup]
    assert not any("request_contact" in str(m.markup) for m in asked)
    assert_kept_nowhere([*who(relative), "79991234567"], logs)


def test_the_bot_logs_neither_its_token_nor_updates(db, telegram, relative, logs):
    async def scenario():
        relative.send("/start")
        await relative.expect("Choose your language")

    drive(telegram, scenario)
    assert not any(re.search("getUpdates|sendMessage", line) for line in logs.lines)
    assert_kept_nowhere(who(relative), logs)

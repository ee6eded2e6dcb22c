"""The opt-in answer notice the web process sends: delivered with no content, and a failure
is one log line that names no chat."""

from kintrace.bot.push import send_answer_notice

from .conftest import TOKEN, USER_ID
from .fake_telegram import FakeTelegram


def test_the_notice_reaches_the_chat_in_its_language_and_carries_no_content(telegram, relative):
    assert send_answer_notice(chat=USER_ID, lang="ru") is True
    (notice,) = relative.bot_messages()
    assert notice.text.startswith("Есть новый ответ по вашему сообщению.")


def test_an_undelivered_notice_is_logged_without_the_chat(settings, logs):
    with FakeTelegram(TOKEN) as fake:
        url = fake.url  # nothing listens there once the block ends
    settings.KINTRACE_TELEGRAM_TOKEN = TOKEN
    settings.KINTRACE_TELEGRAM_API_URL = url
    assert send_answer_notice(chat=USER_ID, lang="en") is False
    assert logs.lines == ["telegram notice not delivered"]
    settings.KINTRACE_TELEGRAM_TOKEN = ""
    assert send_answer_notice(chat=USER_ID, lang="en") is False
    assert logs.lines[-1] == "telegram notice not sent: KINTRACE_TELEGRAM_TOKEN is not set"
    assert not any(str(USER_ID) in line or TOKEN in line for line in logs.lines)

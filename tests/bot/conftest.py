import asyncio
import logging

import pytest
from asgiref.sync import async_to_sync

from kintrace.bot.app import build_application, serve

from .fake_telegram import FakeTelegram, Relative

TOKEN = "123456:TEST-token-that-must-never-be-logged"
USER_ID = 5550001234
USERNAME = "maria_searching_4711"
FIRST_NAME = "Мариягрин"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.lines: list[str] = []

    def emit(self, record) -> None:
        text = self.format(record)
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


@pytest.fixture
def logs():
    """Everything the configured loggers write (at their configured levels) while a test
    runs: kintrace's, the Telegram libraries', httpx's and the root."""
    capture = Capture()
    names = ["", "kintrace", "telegram", "httpx", "httpcore", "django"]
    for name in names:
        logging.getLogger(name).addHandler(capture)
    yield capture
    for name in names:
        logging.getLogger(name).removeHandler(capture)


@pytest.fixture
def telegram(settings):
    with FakeTelegram(TOKEN) as fake:
        settings.KINTRACE_TELEGRAM_TOKEN = TOKEN
        settings.KINTRACE_TELEGRAM_API_URL = fake.url
        yield fake


@pytest.fixture
def relative(telegram):
    return Relative(telegram, user_id=USER_ID, username=USERNAME, first_name=FIRST_NAME)


def drive(fake: FakeTelegram, scenario, *, idle_seconds: int = 900) -> None:
    """Run the bot (the same `serve` as `kintrace bot`) against the fake while `scenario`
    plays the relative; stop it as `kintrace bot` stops on SIGTERM. Database calls of the
    bot run in this test's thread (async_to_sync), inside the test's transaction."""

    async def main() -> None:
        app = build_application(token=TOKEN, api_url=fake.url, idle_seconds=idle_seconds)
        stop = asyncio.Event()
        running = asyncio.create_task(serve(app, stop, poll_timeout=1))
        try:
            await scenario()
        finally:
            stop.set()
            await running
        assert not fake.unknown, f"the bot called methods the fake lacks: {fake.unknown}"

    async_to_sync(main)()

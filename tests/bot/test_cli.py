"""`kintrace bot` as an operator runs it: a child process against the fake Bot API server,
stopped with SIGTERM; its output and data directory are searched for who wrote."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from kintrace.cli import main

from .conftest import FIRST_NAME, TOKEN, USER_ID, USERNAME
from .fake_telegram import FakeTelegram, Relative

KINTRACE = str(Path(sys.executable).with_name("kintrace"))


def test_kintrace_bot_talks_through_the_configured_server_and_stops_cleanly_on_sigterm(tmp_path):
    with FakeTelegram(TOKEN) as fake:
        relative = Relative(fake, user_id=USER_ID, username=USERNAME, first_name=FIRST_NAME)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KINTRACE_", "DATABASE"))}
        env.update(
            KINTRACE_DATA_DIR=str(tmp_path / "data"),
            KINTRACE_TELEGRAM_TOKEN=TOKEN,
            KINTRACE_TELEGRAM_API_URL=fake.url,
        )
        bot = subprocess.Popen(
            [KINTRACE, "bot", "--poll-seconds", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:

            async def scenario():
                relative.send("/start")
                await relative.expect("Выберите язык.", timeout=60)
                relative.press("English")
                await relative.expect("Before you start")
                relative.send("Сидоров Пётр")
                await relative.expect("Please use the buttons above.")

            asyncio.run(scenario())
            bot.send_signal(signal.SIGTERM)
            out, err = bot.communicate(timeout=30)
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.wait()
    assert bot.returncode == 0, err
    notice = relative.bot_messages()[-1]
    assert "The bot is being restarted" in notice.text
    assert all(m.deleted for m in relative.messages() if m is not notice)
    assert "the Telegram bot is running" in err
    for needle in (TOKEN, str(USER_ID), USERNAME, FIRST_NAME, "Сидоров Пётр"):
        assert needle not in out + err
        for path in (tmp_path / "data").rglob("*"):
            if path.is_file():
                assert needle.encode() not in path.read_bytes(), path.name


def test_kintrace_bot_without_a_token_says_so_in_one_line(settings, capsys):
    settings.KINTRACE_TELEGRAM_TOKEN = ""
    assert main(["bot"]) == 2
    err = capsys.readouterr().err
    assert err == "kintrace bot: set KINTRACE_TELEGRAM_TOKEN to the bot's token\n"


def test_kintrace_bot_with_a_token_telegram_refuses_says_so_in_one_line(settings, capsys):
    with FakeTelegram(TOKEN) as fake:
        settings.KINTRACE_TELEGRAM_TOKEN = "999:not-the-token"
        settings.KINTRACE_TELEGRAM_API_URL = fake.url
        assert main(["bot"]) == 1
    err = capsys.readouterr().err
    assert err == "kintrace bot: Telegram refused KINTRACE_TELEGRAM_TOKEN\n"
    assert "not-the-token" not in err


def test_kintrace_bot_that_cannot_reach_the_server_says_so_in_one_line(settings, capsys):
    with FakeTelegram(TOKEN) as fake:
        url = fake.url  # closed when the block ends: nothing listens there any more
    settings.KINTRACE_TELEGRAM_TOKEN = TOKEN
    settings.KINTRACE_TELEGRAM_API_URL = url
    assert main(["bot"]) == 1
    assert capsys.readouterr().err == (
        f"kintrace bot: the Bot API server could not be reached ({url})\n"
    )

"""`kintrace bot`: run the relatives' Telegram bot by long polling (no public address needed).

Needs KINTRACE_TELEGRAM_TOKEN; KINTRACE_TELEGRAM_API_URL points it at another Bot API server.
Stops on SIGINT/SIGTERM, ending every open conversation first (its messages deleted).
Exit status: 0 stopped; 1 Telegram refused the token or could not be reached at the start;
2 no token.
"""

import sys


def register(sub) -> None:
    p = sub.add_parser("bot", help="run the relatives' Telegram bot (long polling)")
    p.add_argument(
        "--poll-seconds",
        type=int,
        default=30,
        help="how long one long poll waits for news from Telegram (default 30)",
    )
    p.set_defaults(func=_bot)


def _bot(args) -> int:
    from kintrace.cli import setup_django

    setup_django()
    import asyncio
    import logging.config
    import signal

    from django.conf import settings
    from telegram.error import InvalidToken, NetworkError

    from .app import build_application, serve

    token = settings.KINTRACE_TELEGRAM_TOKEN
    if not token:
        print("kintrace bot: set KINTRACE_TELEGRAM_TOKEN to the bot's token", file=sys.stderr)
        return 2
    logging.config.dictConfig(settings.LOGGING)  # the Telegram libraries at WARNING
    app = build_application(
        token=token,
        api_url=settings.KINTRACE_TELEGRAM_API_URL,
        idle_seconds=settings.KINTRACE_TELEGRAM_IDLE_SECONDS,
    )

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(app, stop, poll_timeout=max(0, args.poll_seconds))

    try:
        asyncio.run(run())
    except InvalidToken:
        print("kintrace bot: Telegram refused KINTRACE_TELEGRAM_TOKEN", file=sys.stderr)
        return 1
    except NetworkError:
        print(
            "kintrace bot: the Bot API server could not be reached "
            f"({settings.KINTRACE_TELEGRAM_API_URL})",
            file=sys.stderr,
        )
        return 1
    return 0

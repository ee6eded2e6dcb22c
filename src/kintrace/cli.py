"""The `kintrace` command.

Each part of the system registers its own subcommands: a module listed in SUBCOMMAND_MODULES
has `register(subparsers)` that adds parsers whose `func(args) -> int` does the work.
Modules import their heavy dependencies inside `func`, so `kintrace --help` stays fast and
`kintrace dedupe` never loads Django.
"""

import argparse
import importlib
import os
import sys

from kintrace.config import ConfigError

SUBCOMMAND_MODULES = [
    "kintrace.web.cli",  # serve, manage
    "kintrace.registry.cli",  # demo, registry dedupe
    "kintrace.accounts.cli",  # createstaff
    "kintrace.audit.cli",  # audit verify
    "kintrace.linkage.cli",  # dedupe, link
    "kintrace.lists.cli",  # lists import, lists match
    "kintrace.bot.cli",  # bot (the relatives' Telegram bot)
    "kintrace.extract.cli",  # extract
    "kintrace.ops.cli",  # backup, restore, keys rotate, doctor
    "kintrace.releases.cli",  # estimate, publish
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kintrace", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def setup_django() -> None:
    """Configure Django for commands that use the database."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kintrace.settings")
    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:  # a KINTRACE_ variable that does not parse: one line, no traceback
        print(f"kintrace: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("kintrace: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`kintrace extract FILE | head`): stop quietly, as Unix tools
        # do. Standard output is pointed at /dev/null so the flush at exit cannot fail again
        # (the recipe in Python's documentation of SIGPIPE).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())

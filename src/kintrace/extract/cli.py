"""`kintrace extract FILE [--lang ru|en|auto] [--date YYYY-MM-DD] [--all]`: the facts of a
text as one JSON object on standard output.

The contract is fixed (other checks rely on it, docs/extract.md): keys persons, dates,
facilities, regions, places, money, counts, phones, organisations, events, each a list of
objects with text, start, end (Python str indices) and the kind's fields, unknown ones
null. `--all` adds call_signs, tokens and handles and every field with its confidence.
`-` reads standard input. Bad input (not UTF-8, empty, over MAX_BYTES, a missing file) is
one line on stderr and exit 2, with nothing on standard output.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

EXIT_BAD_INPUT = 2
MAX_BYTES = 1024 * 1024  # 1 MiB: a long news article is 30 KB; larger is not one text


class InputError(Exception):
    """One line a person can act on: which file, what is wrong."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text[:40]!r}") from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("extract", help="facts of a Russian or English text as JSON")
    p.add_argument("input", metavar="FILE", help="UTF-8 text file, or - for standard input")
    p.add_argument("--lang", choices=["ru", "en", "auto"], default="auto")
    p.add_argument(
        "--date",
        type=_date,
        default=None,
        help="the text's own date, for relative dates (default: today)",
    )
    p.add_argument(
        "--all", action="store_true", help="also call signs, tokens, handles, every field"
    )
    p.set_defaults(func=_extract)


def read_text(name: str) -> str:
    """The text of a file (or standard input for "-"), or InputError."""
    if name == "-":
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        label = "<stdin>"
    else:
        path = Path(name)
        label = name
        try:
            if not path.is_file():
                raise InputError(f"{label}: not a readable file")
            with path.open("rb") as f:
                raw = f.read(MAX_BYTES + 1)
        except OSError as error:
            raise InputError(f"{label}: cannot read file: {error.strerror or error}") from error
    if len(raw) > MAX_BYTES:
        raise InputError(f"{label}: longer than {MAX_BYTES} bytes (1 MiB); split the text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"{label}:{line}: not UTF-8 text (byte 0x{raw[error.start]:02x})"
        ) from error
    if not text.strip():
        raise InputError(f"{label}: empty text")
    return text


def _extract(args: argparse.Namespace) -> int:
    import json

    from kintrace.extract import KINDS, extract
    from kintrace.extract.facts import CONTRACT_KINDS

    try:
        text = read_text(args.input)
    except InputError as error:
        print(f"kintrace extract: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = extract(text, lang=args.lang, today=args.date)
    kinds = KINDS if args.all else CONTRACT_KINDS
    json.dump(result.as_json(kinds, full=args.all), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0

"""Codename receipts: made of words, read back as a frightened person types them.

A receipt is eleven words from a list of 4,096 common Russian nouns (log2(4096**11) = 132
bits), e.g. "липа вокзал самовар …". The list is built by `scripts/make_receipt_words.py`
(the most common names of things in natasha's news vocabulary, checked with pymorphy3, no
"ё", nothing about death, war, prison, illness or religion, read through by a person) and
shipped in `data/receipt_words_ru.txt`.

Older receipts are 40 digits in groups of four (132 bits); they keep working.

`receipt_normalise` is the one reading of what someone typed, for the web form and the API:
case, "ё"/"е", Latin letters that look like Cyrillic ones ("KOT" typed on a Latin keyboard),
any separators and extra spaces, and any Unicode decimal digits (Arabic-Indic, full-width)
do not matter. Pure Python, no Django.
"""

import math
import secrets
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

WORDS_FILE = Path(__file__).with_name("data") / "receipt_words_ru.txt"
# Words taken out of the list later: never given again, still read in receipts given before.
RETIRED_FILE = Path(__file__).with_name("data") / "receipt_words_retired.txt"
RECEIPT_WORDS = 11
LEGACY_DIGITS = 40
LEGACY_GROUP = 4

# Latin letters a phone keyboard set to English produces for Cyrillic ones that look alike
# (after casefold: "B", "H", "M", "T" are "в", "н", "м", "т" in capitals).
_LOOKALIKES = str.maketrans("aeopcxykmthbu", "аеорсхукмтнви")


@lru_cache(maxsize=1)
def words() -> tuple[str, ...]:
    listed = tuple(WORDS_FILE.read_text(encoding="utf-8").split())
    if len(listed) != len(set(listed)) or len(listed) < 4096:
        raise RuntimeError(f"{WORDS_FILE} is damaged")
    return listed


@lru_cache(maxsize=1)
def _word_set() -> frozenset[str]:
    # One word a line; lines starting with "#" are comments (their words are not receipt words)
    lines = RETIRED_FILE.read_text(encoding="utf-8").splitlines() if RETIRED_FILE.exists() else []
    retired = (line.strip() for line in lines if not line.lstrip().startswith("#"))
    return frozenset(words()) | frozenset(w for w in retired if w)


def entropy_bits() -> float:
    return RECEIPT_WORDS * math.log2(len(words()))


def new_receipt() -> str:
    """Eleven random words from the list, separated by spaces."""
    listed = words()
    return " ".join(listed[secrets.randbelow(len(listed))] for _ in range(RECEIPT_WORDS))


class ReceiptUnreadable(ValueError):
    """What was typed cannot be a receipt. `code`: "empty"; "length" (with `count`, the
    number of words read); "word" (with `word`, the first one not in the list, so the page
    can say which word to check); "spaces" (words typed together can be read as list words
    in more than one way: the page asks for spaces between them)."""

    def __init__(self, code: str, word: str = "", count: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.word = word
        self.count = count


def _fold_word(word: str) -> str:
    return word.translate(_LOOKALIKES).replace("ё", "е")


def receipt_normalise(text: str) -> str:
    """The canonical form of a receipt as typed: the 40 ASCII digits of an old receipt, or
    the eleven list words in lower case separated by single spaces. Raises ReceiptUnreadable."""
    text = unicodedata.normalize("NFKC", text or "")
    letters = [c for c in text if c.isalpha()]
    if not letters:
        digits = "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())
        if not digits:
            raise ReceiptUnreadable("empty")
        if len(digits) != LEGACY_DIGITS:
            raise ReceiptUnreadable("length")
        return digits
    # Anything that is not a letter separates words: spaces, dashes, dots, commas, new lines.
    cleaned = "".join(c if c.isalpha() else " " for c in text.casefold())
    typed = [_fold_word(w) for w in cleaned.split()]
    known = _word_set()
    if all(word in known for word in typed):
        if len(typed) != RECEIPT_WORDS:
            raise ReceiptUnreadable("length", count=len(typed))
        return " ".join(typed)
    # Words typed without a space between them ("липавокзал"): a run of letters that is not
    # a list word is read as list words written together, when exactly one reading gives
    # eleven words in all.
    readings: list[list[tuple[str, ...]]] = []
    for word in typed:
        if word in known:
            readings.append([(word,)])
            continue
        split = _splits(word, known)
        if not split:
            raise ReceiptUnreadable("word", word)
        readings.append(split)
    whole = _eleven(readings)
    if whole is None:
        shortest = sum(min(len(r) for r in options) for options in readings)
        raise ReceiptUnreadable("length", count=shortest)
    if whole == "ambiguous":
        raise ReceiptUnreadable("spaces")
    return " ".join(whole)


_MAX_READINGS = 64


def _splits(run: str, known: frozenset[str]) -> list[tuple[str, ...]]:
    """Every way of cutting `run` into list words (at most _MAX_READINGS), shortest first."""
    found: list[tuple[str, ...]] = []

    def walk(start: int, acc: tuple[str, ...]) -> None:
        if len(found) >= _MAX_READINGS or len(acc) > RECEIPT_WORDS:
            return
        if start == len(run):
            found.append(acc)
            return
        for end in range(start + 2, len(run) + 1):
            if run[start:end] in known:
                walk(end, (*acc, run[start:end]))

    walk(0, ())
    return sorted(found, key=len)


def _eleven(readings: list[list[tuple[str, ...]]]) -> list[str] | str | None:
    """The one choice of a reading per run that gives RECEIPT_WORDS words in all; None when
    no choice does, "ambiguous" when more than one does."""
    # words so far -> the one way to get there, or None where there are several
    ways: dict[int, list[tuple[str, ...]] | None] = {0: []}
    for options in readings:
        nxt: dict[int, list[tuple[str, ...]] | None] = {}
        for n, way in ways.items():
            for r in options:
                m = n + len(r)
                if m > RECEIPT_WORDS:
                    continue
                if m in nxt or way is None:
                    nxt[m] = None
                else:
                    nxt[m] = [*way, r]
        ways = nxt
    if RECEIPT_WORDS not in ways:
        return None
    way = ways[RECEIPT_WORDS]
    if way is None:
        return "ambiguous"
    return [w for r in way for w in r]


def receipt_normalise_or_none(text: str) -> str | None:
    try:
        return receipt_normalise(text)
    except ReceiptUnreadable:
        return None


def header_text(value: str) -> str:
    """An HTTP header value as its sender wrote it: percent-encoded UTF-8 ("%D0%BB…", what a
    client that sends only ASCII headers does) is decoded; raw UTF-8 ("١٢٣…", Cyrillic
    words), which WSGI hands over decoded as Latin-1, is turned back from that mojibake.
    Anything else is returned as it is."""
    if "%" in value:
        try:
            value = unquote(value, errors="strict")
        except UnicodeDecodeError:
            pass
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value

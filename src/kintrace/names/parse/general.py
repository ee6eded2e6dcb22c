""":func:`parse_name`, and the general path: every shape of name, the reference the fast
path is tested against.
"""

from __future__ import annotations

from functools import lru_cache

from kintrace.names.parse.assembly import _build
from kintrace.names.parse.fast import _parse_fast
from kintrace.names.parse.order import _choose_order
from kintrace.names.parse.placeholders import is_placeholder
from kintrace.names.parse.result import ParsedName
from kintrace.names.parse.tokens import _prefer, _segments, _split_tokens, _strip_notes
from kintrace.names.parse.words import _analyse
from kintrace.names.text import clean


@lru_cache(maxsize=262144)
def parse_name(text: str) -> ParsedName:
    """Parse a free-form full name (any script, any order, any grammatical case). Ranks
    before the name and notes in brackets are dropped; a redaction mark or an unfilled
    template ("ФИО1", "<ФИО>") gives a result with ``placeholder`` set and no parts."""
    if is_placeholder(text):
        return _placeholder(text)
    parsed = _parse_fast(text)
    return parsed if parsed is not None else _parse_general(text)


def _placeholder(original: str) -> ParsedName:
    return ParsedName(
        original, None, None, None, None, None, None, "", None, None, None, (), placeholder=True
    )


def _parse_general(text: str) -> ParsedName:
    """The reference path: every shape of name; :func:`_parse_fast` must agree with it."""
    original = text
    text = _strip_notes(clean(text or ""))
    segment, comma = _segments(text)
    prefer = _prefer(segment)
    word_texts, initials = _split_tokens(segment, prefer)
    if len(word_texts) > 3:
        word_texts = word_texts[:3]
    words = [_analyse(t) for t in word_texts]
    order = _choose_order(words, comma, bool(initials)) if words else ""
    roles = {role: w for w, role in zip(words, order, strict=False)}
    return _build(original, roles, initials)

""":func:`parse_name_parts`: a name given as separate surname, given-name and patronymic
columns.
"""

from __future__ import annotations

from functools import lru_cache

from kintrace.names.parse.assembly import _assemble, _build, _plan
from kintrace.names.parse.fast import _DECISIONS, _sig
from kintrace.names.parse.general import _parse_general, _placeholder, parse_name
from kintrace.names.parse.placeholders import is_placeholder
from kintrace.names.parse.result import ParsedName
from kintrace.names.parse.tokens import (
    _classify,
    _initial_letter,
    _initial_script,
    _prefer,
    _split_tokens,
    _strip_notes,
)
from kintrace.names.parse.words import _analyse, _Word
from kintrace.names.text import Preference, clean, detect_script


def _column_words(
    surname: str | None, given: str | None, patronymic: str | None
) -> tuple[str | None, str | None, str | None]:
    """Several words in one name column, when another column is filled too: the column says
    which name they are, so none is dropped. A surname column's words are one surname
    ("de la Cruz", "van der Klaauw", "Петров Водкин", or "pai nter" with a stray space); a
    given-name column's two words are one name ("micha el") unless the second is a
    patronymic the patronymic column lacks ("Иван Иванович"). Initials are left to the
    parser."""

    def words(value: str | None) -> list[str]:
        # a rank before the name is no part of it ("рядовой Петров")
        found = [w for w in value.split() if _classify(w, "cyrl")[0] != "skip"] if value else []
        return (
            found
            if len(found) >= 2 and all(len(w) > 1 and not w.endswith(".") for w in found)
            else []
        )

    sur = words(surname)
    if sur and (given or patronymic):
        # Two Russian surnames ("Петров Водкин") are a double surname; anything else (a
        # particle, a split word) is one word
        double = all(len(w) >= 4 and detect_script(w) == "cyrl" for w in sur)
        surname = ("-" if double else "").join(sur)
    giv = words(given)
    if len(giv) == 2:
        # the word analysis that reads any name (either script) says whether it is one
        if not patronymic and _analyse(giv[1]).p_score >= 2.0:
            given, patronymic = giv[0], giv[1]
        else:
            given = "".join(giv)
    return surname, given, patronymic


def _column_roles(
    surname: str | None, given: str | None, patronymic: str | None
) -> tuple[str, dict[str, _Word], list[str], str | None]:
    """(original text, the word of each filled column by role, the initials), and the text
    to parse as a whole name instead when it was all typed into the surname column. Shared
    by parse_name_parts and its reference, which differ only in how they assemble."""
    surname, given, patronymic = _column_words(surname, given, patronymic)
    original = " ".join(p for p in (surname, given, patronymic) if p)
    roles: dict[str, _Word] = {}
    initials: list[str] = []
    prefer = _prefer(clean(original))
    if surname and not given and not patronymic:
        ws, _ = _column_tokens(surname, prefer)
        if len(ws) >= 2:  # the whole name typed into the surname column
            return original, roles, initials, surname
    for role, value in (("S", surname), ("G", given), ("P", patronymic)):
        ws, ins = _column_tokens(value or "", prefer)
        if ws:  # extra words in a column are ignored; оглы/кызы stay with the patronymic
            roles[role] = _analyse(ws[0])
        initials.extend(ins)
    return original, roles, initials, None


@lru_cache(maxsize=262144)
def parse_name_parts(surname: str | None, given: str | None, patronymic: str | None) -> ParsedName:
    """Parse a name given as separate columns; a column may hold initials ("А.С.", "A.").
    A column holding a redaction mark ("ФИО1") makes the whole result a placeholder."""
    if any(is_placeholder(v) for v in (surname, given, patronymic)):
        return _placeholder(" ".join(v for v in (surname, given, patronymic) if v))
    original, roles, initials, whole = _column_roles(surname, given, patronymic)
    if whole:
        return parse_name(whole)
    if not roles:
        return _build(original, roles, initials)
    # The fast path's assembly: the roles are the columns, only the hypothesis is decided.
    words = list(roles.values())
    key = ("parts", *[(role, w.sig or _sig(w)) for role, w in roles.items()])
    decision = _DECISIONS.get(key)
    if decision is None:
        decision = _DECISIONS[key] = _plan(roles)
    plan, hi, evidenced = decision
    letters = [x for x in map(_initial_letter, initials) if x]
    scripts = frozenset(_initial_script(i) for i in initials) - {""}
    return _assemble(original, words, plan, hi, evidenced, letters, scripts)


@lru_cache(maxsize=262144)
def _column_tokens(value: str, prefer: Preference) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words and initials of one name column (as _split_tokens), cached: the given-name and
    patronymic columns repeat a few thousand values across a whole list."""
    words, initials = _split_tokens(_strip_notes(clean(value)), prefer)
    return tuple(words), tuple(initials)


def _parse_parts_general(
    surname: str | None, given: str | None, patronymic: str | None
) -> ParsedName:
    """parse_name_parts through _build (the reference its fast assembly must agree with)."""
    if any(is_placeholder(v) for v in (surname, given, patronymic)):
        return _placeholder(" ".join(v for v in (surname, given, patronymic) if v))
    original, roles, initials, whole = _column_roles(surname, given, patronymic)
    if whole:
        return _parse_general(whole)
    return _build(original, roles, initials)

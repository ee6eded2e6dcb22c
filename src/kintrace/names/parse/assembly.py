"""The one assembly of a :class:`ParsedName` from decided roles and hypothesis, used by the
free-text fast path, the general path and the column parser alike.
"""

from __future__ import annotations

from typing import Any, cast

from kintrace.names.given import canonical_given, given_sex
from kintrace.names.parse.inflection import _nominative
from kintrace.names.parse.keys import _patronymic_key, _surname_key, _title
from kintrace.names.parse.order import _ROLE_CODE, _hypothesis
from kintrace.names.parse.result import ParsedName, _Twin
from kintrace.names.parse.tokens import _initial_letter, _initial_script
from kintrace.names.parse.words import _HYPOTHESES, _HYPOTHESIS_INDEX, _Word
from kintrace.names.text import ScriptCode
from kintrace.names.translit import cyrillic_key

# (role, memo key) per word, in the roles' order
_Plan = tuple[tuple[str, int], ...]


def _plan(roles: dict[str, _Word]) -> tuple[_Plan, int, bool]:
    """(((role, memo key) per word, in the roles' order), hypothesis index, evidenced): the
    (sex, case) decision for words whose roles are known. A memo key is an int: role,
    hypothesis index and evidence in one."""
    if roles:
        sex, case, evidenced = _hypothesis(roles)
    else:
        sex, case, evidenced = "m", "nomn", False
    hi = _HYPOTHESIS_INDEX[(sex, case)]
    plan = tuple((role, _ROLE_CODE[role] * 32 + hi * 2 + evidenced) for role in roles)
    return plan, hi, evidenced


def _build(
    original: str, roles: dict[str, _Word], initials: list[str] | tuple[str, ...]
) -> ParsedName:
    """The result for words whose roles are decided, plus the initials as written: what the
    general path and the column reference give (the fast paths call _assemble directly)."""
    plan, hi, evidenced = _plan(roles)
    letters = [x for x in map(_initial_letter, initials) if x]
    scripts = frozenset(_initial_script(i) for i in initials) - {""}
    return _assemble(original, list(roles.values()), plan, hi, evidenced, letters, scripts)


def _part(w: _Word, role: str, memo_key: int, hi: int, evidenced: bool) -> tuple[Any, ...]:
    """This word's part in a role under a hypothesis, memoised on the word:
    S, P: (text, key, initial); G: (text, key, initial, alternatives, sex the names imply)."""
    sex, case = _HYPOTHESES[hi]
    nom = _nominative(w, role, sex, case)
    if role == "G":
        found = canonical_given(nom, sex if evidenced else None) or canonical_given(w.cyr)
        given, alternatives = found if found else (_title(nom), ())
        implied = None
        if given:
            sexes = {given_sex(name) for name in (given, *alternatives)}
            if len(sexes) == 1 and None not in sexes:
                implied = sexes.pop()
        part: tuple[Any, ...] = (
            given,
            cyrillic_key(given) if given else None,
            given[0].replace("Ё", "Е") if given else None,
            alternatives,
            implied,
        )
    else:
        text = _title(nom)
        if not text:
            key = None
        elif role == "S":
            key = _surname_key(text, sex if evidenced else None)
        else:
            key = _patronymic_key(text)
        part = (text, key, text[0].replace("Ё", "Е") if text else None)
    w.memo[memo_key] = part
    return part


def _assemble(
    original: str,
    words: list[_Word],
    plan: _Plan,
    hi: int,
    evidenced: bool,
    letters: list[str],
    initial_scripts: frozenset[ScriptCode],
) -> ParsedName:
    """The one assembly of a ParsedName from the decided roles and hypothesis, out of the
    words' memos (initials fill the slots no word took)."""
    surname = given = patronymic = None
    skey = gkey = pkey = gi = pi = implied = None
    alternatives: tuple[str, ...] = ()
    for w, (role, memo_key) in zip(words, plan, strict=False):
        part = w.memo.get(memo_key) or _part(w, role, memo_key, hi, evidenced)
        if role == "S":
            surname, skey = part[0], part[1]
        elif role == "G":
            given, gkey, gi, alternatives, implied = part
        else:
            patronymic, pkey, pi = part
    if gi is None and letters:
        gi = letters.pop(0)
    if pi is None and letters:
        pi = letters[0]
    sex: str | None
    if evidenced:
        sex = _HYPOTHESES[hi][0]
    else:
        sex = implied if given else None
    script: ScriptCode = words[0].script if words else ""
    if len(words) > 1 or initial_scripts:
        scripts = {w.script for w in words} | initial_scripts
        scripts.discard("")
        script = (scripts.pop() if len(scripts) == 1 else "mixed") if scripts else ""
    parsed = _Twin(
        original,
        surname,
        given,
        patronymic,
        gi,
        pi,
        sex,
        script,
        skey,
        gkey,
        pkey,
        alternatives,
        False,
    )
    parsed.__class__ = ParsedName
    return cast("ParsedName", parsed)

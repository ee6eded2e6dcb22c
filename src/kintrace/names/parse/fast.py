"""The fast path of :func:`parse_name` (one to three words, initials, "SURNAME, Given"):
the same decisions as the general path, cached per word and per tuple of word signatures.

- each raw token maps, through a plain dict per look-alike preference, straight to its
  analysed word, its initials' letters, or "skip";
- the order and the (sex, case) hypothesis depend only on what _choose_order and
  _hypothesis read from the words (scores, caps, script, fit vectors); that is interned
  per word as an integer ``sig``, and the decision is cached per tuple of sigs;
- each word keeps its part (nominative, title case, key) per role and hypothesis.

Anything else (four or more words, оглы/кызы, no word) returns None: the general path.
"""

from __future__ import annotations

import itertools
from typing import Any

from kintrace.names.parse.assembly import _assemble, _Plan, _plan
from kintrace.names.parse.order import _choose_order
from kintrace.names.parse.result import ParsedName
from kintrace.names.parse.tokens import (
    _LAT_RE,
    _WORD_RE,
    _classify,
    _initial_letter,
    _initial_script,
    _prefer,
    _segments,
    _strip_notes,
)
from kintrace.names.parse.words import _analyse, _Word
from kintrace.names.text import Preference, ScriptCode, clean

_SKIP = ("skip",)
_NUMBER = ("number",)
_FALLBACK = ("fallback",)
_CACHE_LIMIT = 1 << 19
# look-alike preference -> space-free chunk of cleaned text -> a _Word, _SKIP, _FALLBACK,
# ("I", letters, scripts) for initials, or ("M", entries) for a chunk of several tokens.
# The entries are checked by identity and by their first item, hence Any.
_CHUNKS: dict[str, dict[str, Any]] = {"cyrl": {}, "latn": {}}
_SIGS: dict[tuple[Any, ...], int] = {}
_SIG_IDS = itertools.count(1)
# (comma, has initials, sig…) -> (((role, memo key) per word), hypothesis index, evidenced);
# a memo key is an int: role, hypothesis index and evidence in one.
_DECISIONS: dict[tuple[Any, ...], tuple[_Plan, int, bool]] = {}


def _token(raw: str, prefer: Preference) -> object:
    kind, values = _classify(raw, prefer)
    if kind == "word":
        return _analyse(values[0])
    if kind in ("initials", "initial_or_noise"):
        letters = tuple(x for x in map(_initial_letter, values) if x)
        scripts = frozenset(_initial_script(v) for v in values) - {""}
        return ("I" if kind == "initials" else "N", letters, scripts)
    return _SKIP if kind == "skip" else _NUMBER if kind == "number" else _FALLBACK


def _chunk(chunk: str, prefer: Preference) -> object:
    # _WORD_RE never matches across a space, so the tokens of the text are those of its chunks.
    entries = [_token(raw, prefer) for raw in _WORD_RE.findall(chunk)]
    entries = [e for e in entries if e is not _SKIP]
    if _FALLBACK in entries:
        entry: object = _FALLBACK
    elif not entries:
        entry = _SKIP
    elif len(entries) == 1:
        entry = entries[0]
    else:
        entry = ("M", tuple(entries))
    cache = _CHUNKS[prefer]
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[chunk] = entry
    return entry


def _sig(w: _Word) -> int:
    key = (w.latin, w.caps, w.s_score, w.g_score, w.p_score, w.fit["S"], w.fit["G"], w.fit["P"])
    sig = _SIGS.get(key)
    if sig is None:  # a fresh id from the counter: two threads can never share one
        sig = _SIGS.setdefault(key, next(_SIG_IDS))
    w.sig = sig
    return sig


def _decide(
    words: list[_Word], key: tuple[Any, ...], comma: bool, has_initials: bool
) -> tuple[_Plan, int, bool]:
    order = _choose_order(words, comma, has_initials)
    decision = _plan({role: w for w, role in zip(words, order, strict=False)})
    if len(_DECISIONS) >= _CACHE_LIMIT:
        _DECISIONS.clear()
    _DECISIONS[key] = decision
    return decision


def _parse_fast(original: str) -> ParsedName | None:
    text = clean(original) if original else ""
    if "(" in text or "[" in text or "{" in text:
        text = _strip_notes(text)
    if "," in text or ";" in text:
        text, comma = _segments(text)
    else:
        comma = False
    prefer: Preference
    if text.isascii():
        prefer = "cyrl" if _LAT_RE.search(text) is None else "latn"
    elif _LAT_RE.search(text) is None:
        prefer = "cyrl"
    else:
        prefer = _prefer(text)
    chunks = _CHUNKS[prefer]
    words: list[_Word] = []
    letters: list[str] = []
    initial_scripts: frozenset[ScriptCode] = frozenset()
    has_initials = after_number = False
    for chunk in text.split(" "):
        entry: Any = chunks.get(chunk)
        if entry is None:
            entry = _chunk(chunk, prefer)
        if type(entry) is _Word:
            words.append(entry)
            continue
        if entry is _SKIP:
            continue
        if entry is _FALLBACK:
            return None
        for e in entry[1] if entry[0] == "M" else (entry,):
            if type(e) is _Word:
                words.append(e)
            elif e is _NUMBER:
                after_number = True
            elif e[0] == "I" or (e[0] == "N" and not after_number):
                has_initials = True
                letters.extend(e[1])
                initial_scripts = initial_scripts | e[2]
    n = len(words)
    if n == 0 or n > 3:
        return None
    if n == 1:
        key: tuple[Any, ...] = (comma, has_initials, words[0].sig or _sig(words[0]))
    else:
        key = (comma, has_initials, *[w.sig or _sig(w) for w in words])
    plan, hi, evidenced = _DECISIONS.get(key) or _decide(words, key, comma, has_initials)
    return _assemble(original, words, plan, hi, evidenced, letters, initial_scripts)

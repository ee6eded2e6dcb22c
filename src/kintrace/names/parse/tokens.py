"""Cutting a name into words and initials: noise words, numbers, the "SURNAME, Given"
comma, initials in any script, and which script look-alike letters follow.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kintrace.names.given import is_given_form
from kintrace.names.lookalikes import fix_lookalikes
from kintrace.names.morph import is_known_name_word
from kintrace.names.text import Preference, ScriptCode, detect_script, fold
from kintrace.names.translit import to_cyrillic

_WORD_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*\.?|[^\W\d_]*\d[\w.]*")
_INITIALS_RUN_RE = re.compile(r"^(?:[^\W\d_]{1,2}\.){2,3}$")
_LATIN_DIGRAPH_INITIALS = {"yu", "ya", "ye", "yo", "zh", "kh", "ch", "sh", "ts", "ju", "ja"}
_NOISE = {
    "г",
    "гр",
    "р",
    "род",
    "рожд",
    "года",
    "год",
    "рождения",
    "уроженец",
    "уроженка",
    "гражданин",
    "гражданка",
    "тов",
    "mr",
    "mrs",
    "ms",
    "dr",
    "born",
    "b",
}
_TURKIC_PATRONYMIC = {"оглы", "оглу", "кызы", "улы", "ogly", "oglu", "kyzy", "uly"}
# Military ranks and their abbreviations before a name, in any case ("рядовой Петров П.П.",
# "ст. сержант Иванов", "мл. лейтенанта Сидорова", "к-н Смирнов"). A surname that is also a
# rank (Майор, Капитан) is rare beside the ranks written in front of names in military lists.
_RANK_RE = re.compile(
    r"^(?:(?:рядов|старш|младш)(?:ой|ий|ого|его|ому|ему|ым|им|ом|ем)|"
    r"(?:ефрейтор|сержант|прапорщик|лейтенант|капитан|майор|подполковник|полковник|"
    r"генерал|матрос|мичман|курсант|солдат|командир|старшин|красноарме[еий]ц|бо[еий]ц)"
    r"(?:а|у|ом|ем|е|ы|ой|ою)?|"
    r"ст|мл|ряд|рядов|ефр|серж|мл-серж|ст-серж|с-т|мл-с-т|ст-с-т|л-т|мл-л-т|ст-л-т|к-н|"
    r"ст-на|пр-к|ст-пр-к|гв|гвардии|кр-ц|красноарм|мл-л|ст-л|п-к|п-п-к|подп-к|м-р|г-л|"
    r"pvt|private|sgt|sergeant|lt|lieutenant|capt|captain|maj|major|col|colonel|cpl|corporal)$"
)
# Text in brackets is a note, not a name: "(погиб)", "(ИК-17)", "[ред.]", a former surname
# "(Петрова)".
_NOTES_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")


@lru_cache(maxsize=4096)
def _initial_letter(token: str) -> str | None:
    """One upper-case Cyrillic letter for an initial written in any script."""
    t = fold(token.strip(".")).replace("'", "")
    if not t:
        return None
    if detect_script(t) == "cyrl":
        return t[0].replace("ё", "е").upper()
    special = {"y": "Е", "j": "Ю", "c": "К", "h": "Х", "x": "Х", "w": "В", "q": "К"}
    if len(t) == 1 and t in special:
        return special[t]
    cyr = to_cyrillic(t)
    return cyr[0].replace("ё", "е").upper() if cyr else None


@lru_cache(maxsize=262144)
def _classify(raw: str, prefer: Preference) -> tuple[str, tuple[str, ...]]:
    """What one raw token of a name is: ("word", (text,)), ("initials", letters),
    ("turkic", (text,)) for оглы/кызы, ("number", ()), ("skip", ()) for noise words, or
    ("initial_or_noise", (letter,)) for an upper-case Г, Р, B: an initial ("МИХЕЕВ Г.В.")
    unless a number came before it ("1984 Г.Р.")."""
    if not raw.isalpha() and any(map(str.isdigit, raw)):
        return "number", ()
    if _INITIALS_RUN_RE.match(raw):
        return "initials", tuple(fix_lookalikes(p, prefer) for p in raw.split(".") if p)
    bare = raw.rstrip(".")
    low = fold(bare)
    if low in _NOISE:
        if len(bare) == 1 and bare.isupper():
            return "initial_or_noise", (bare,)
        return "skip", ()
    if low in _TURKIC_PATRONYMIC:
        return "turkic", (bare,)
    if _RANK_RE.match(low):
        return "skip", ()
    if len(bare) == 1 or (raw.endswith(".") and len(bare) == 2 and low in _LATIN_DIGRAPH_INITIALS):
        # a Latin C typed among Cyrillic letters is С, as inside a word
        return "initials", (fix_lookalikes(bare, prefer),)
    if (
        len(bare) == 2
        and bare.isupper()
        and not raw.endswith(".")
        and detect_script(bare) == "latn"
    ):
        # the same in Latin capitals: "IVANOV II", "KUZNETSOV PI"; LI, YAN stay names
        cyr = to_cyrillic(low)
        if not is_known_name_word(cyr) and not is_given_form(cyr, exact=True):
            return "initials", ((bare,) if low in _LATIN_DIGRAPH_INITIALS else (bare[0], bare[1]))
    if len(bare) == 2 and detect_script(fix_lookalikes(bare, "cyrl")) == "cyrl":
        fixed = fix_lookalikes(bare, "cyrl")
        if raw.endswith(".") and bare[0].isupper():
            # a two-letter abbreviation of a given name: "Кузнецов Ан.В." (Анатолий,
            # Андрей, Анна …) gives the initial А, not the name Анна
            return "initials", (fixed[0],)
        if bare.isupper() and not is_known_name_word(low) and not is_given_form(low, exact=True):
            # two initials without dots: "Кузнецов ПИ", "Иванов ИИ"; a name of two letters
            # (Ли, Ян, Ия) stays a name
            return "initials", (fixed[0], fixed[1])
    return "word", (fix_lookalikes(bare, prefer),)


def _split_tokens(segment: str, prefer: Preference) -> tuple[list[str], list[str]]:
    """Words and initials of one comma segment, in order; noise words dropped."""
    words: list[str] = []
    initials: list[str] = []
    after_number = False
    for raw in _WORD_RE.findall(segment):
        kind, values = _classify(raw, prefer)
        if kind == "word":
            words.append(values[0])
        elif kind == "initials" or (kind == "initial_or_noise" and not after_number):
            initials.extend(values)
        elif kind == "number":
            after_number = True
        elif kind == "turkic":
            if words:
                words[-1] = words[-1] + " " + values[0]
    return words, initials


def _strip_notes(text: str) -> str:
    """The text without notes in brackets ("Иванов И.И. (погиб)" → "Иванов И.И.")."""
    if "(" not in text and "[" not in text and "{" not in text:
        return text
    return " ".join(_NOTES_RE.sub(" ", text).split())


def _segments(text: str) -> tuple[str, bool]:
    """The name part of the text, and whether it was written "SURNAME, Given"."""
    if "," not in text and ";" not in text:
        return text, False
    parts = [p.strip() for p in re.split(r"[,;]", text)]
    parts = [p for p in parts if any(ch.isalpha() for ch in p)]
    if not parts:
        return "", False
    if len(parts) >= 2:
        first, second = parts[0], parts[1]
        first_words = _WORD_RE.findall(first)
        if (
            len(first_words) == 1
            and not any(ch.isdigit() for ch in second)
            and 1 <= len(_WORD_RE.findall(second)) <= 3
        ):
            return first + " " + second, True
    return parts[0], False


_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LAT_RE = re.compile(r"[A-Za-z]")


def _prefer(text: str) -> Preference:
    """The script most letters of the text are in (look-alikes follow it)."""
    has_lat = _LAT_RE.search(text) is not None
    if not has_lat:
        return "cyrl"
    if _CYR_RE.search(text) is None:
        return "latn"
    return "cyrl" if len(_CYR_RE.findall(text)) >= len(_LAT_RE.findall(text)) else "latn"


@lru_cache(maxsize=4096)
def _initial_script(initial: str) -> ScriptCode:
    return detect_script(initial)

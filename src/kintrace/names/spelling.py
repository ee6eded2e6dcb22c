"""Letter-level spelling of names: the Cyrillic comparison key and the Latin → Cyrillic readings.

Nothing here knows any name: :mod:`kintrace.names.translit` chooses among these readings with
the name tables and the dictionary, and :mod:`kintrace.names.given` keys its table with
:func:`cyrillic_key`. Both import this module; it imports neither (tests/names/test_imports.py).

The comparison key
------------------
Every name token, in any script, is first brought to Cyrillic (Latin tokens through
:func:`to_cyrillic`, which knows the letters and digraphs of all iuliia schemes and of
informal phone typing, and asks the morphological dictionary where a letter is truly
ambiguous: ``j`` = й or ж, ``x`` = кс or х, ``ch`` = ч or ш, ``c`` = ц or к; when no such
reading is a known name, other languages' spellings are tried: :mod:`kintrace.names.foreign`).
The Cyrillic form is then written in a deliberately *coarse* ASCII alphabet (:func:`cyrillic_key`)
that merges exactly the distinctions transliteration schemes and people do not keep:

* ё, э → e; й, ы, и → i (so -ий/-ый/-ой endings and y/i/j spellings meet); ь, ъ dropped;
* я → ia, ю → iu, е after a vowel or ь/ъ stays e (Yevgeny = Evgeny = Евгений);
* щ → sh (same as ш: shch/sch/shh/ŝ/sc all meet), х → h (kh/h/x), ц → ts
  (ts/tc/cz/c), ж → zh, ч → ch;
* "ie" → "e" (Vasilievna = Vasilyevna = Васильевна), "ii" → "i" (Iurii = Yuri);
* doubled letters → one (Filipp = Filip, Alla = Ala); final consonant+"er" → consonant+"r"
  (Alexander = Aleksandr, Peter = Пётр).

Distinctions that are kept: all consonants that no scheme confuses, so Иванов (ivanov)
and Ивашов (ivashov) stay apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import product
from typing import Protocol

from kintrace.names.text import fold


class _Profile(Protocol):
    """What :func:`_tokenize` reads of a language's spelling (kintrace.names.foreign's)."""

    unit_re: re.Pattern[str]
    table: dict[str, tuple[str, ...]]
    units: dict[str, tuple[str, ...]]


__all__ = ["cyrillic_key", "to_cyrillic_candidates"]

_CYR_KEY = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    # Ukrainian and Belarusian letters seen in names from the occupied regions.
    "і": "i",
    "ї": "i",
    "є": "e",
    "ґ": "g",
    "ў": "v",
}
# Applied in order to the letter-by-letter form. Besides the merges described above, they
# fold letter pairs that the Latin reader takes as one letter (тч = ч, сч = щ, кх = х, тх = т,
# ух after г before е/и: French "gue"), which keeps the key a fixed point: the key of a key
# is the key itself.
_KEY_RULES = [
    (re.compile(r"shtsh|chtch|shch|sch"), "sh"),
    (re.compile(r"tch"), "ch"),
    (re.compile(r"tz"), "ts"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"th"), "t"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"gu(?=[ei])"), "g"),
    (re.compile(r"eh(?![aeiou])"), "e"),
    (re.compile(r"ie"), "e"),
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"([bdfgkpstvz])er$"), r"\1r"),
    (re.compile(r"ine$"), "in"),
]

# Matches where some rule above would change the text (the same patterns; the two with a
# group are written without one, as the alternation numbers groups differently).
_ANY_KEY_RULE = re.compile(
    "|".join(rx.pattern for rx, _ in _KEY_RULES if "(" not in rx.pattern.replace("(?", ""))
    + r"|([a-z])\1|[bdfgkpstvz]er$"
)


class _KeyLetters(dict[int, str | None]):
    """str.translate table of the key's letters: Cyrillic letters as in _CYR_KEY, a-z as
    they are, anything else dropped (filled in as characters are first met)."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        value = _CYR_KEY.get(ch, ch if "a" <= ch <= "z" else None)
        self[code] = value
        return value


_KEY_LETTERS = _KeyLetters()


@lru_cache(maxsize=524288)
def cyrillic_key(word: str) -> str:
    """Coarse ASCII key of a Cyrillic word (see the module docstring). Non-letters dropped,
    hyphens kept between parts."""
    parts = []
    for part in fold(word).split("-"):
        out = part.translate(_KEY_LETTERS)
        previous = None
        # Rules can expose one another (шхч → shhch → shch → sh): apply until nothing
        # changes, or not at all when no rule matches (most words).
        while out != previous and _ANY_KEY_RULE.search(out):
            previous = out
            for rx, rep in _KEY_RULES:
                out = rx.sub(rep, out)
        if out:
            parts.append(out)
    return "-".join(parts)


# --- Latin → Cyrillic -------------------------------------------------------------------

# Letters with diacritics that carry a Cyrillic letter of their own in some scheme; they are
# replaced before the rest of the diacritics are stripped.
_DIACRITICS = {
    "š": "sh",
    "č": "ch",
    "ž": "zh",
    "ŝ": "shh",
    "ĉ": "ch",
    "ẑ": "zh",
    "ĭ": "j",
    "ȳ": "y",
    "û": "ju",
    "â": "ja",
    "ë": "jo",
    "ё": "jo",
    "è": "eh",
    "é": "eh",
    "ė": "eh",
    "ê": "e",
    "ʹ": "'",
    "ʺ": '"',
    "’": "'",
    "”": '"',
    "`": "'",
    "ǐ": "i",
    "ì": "i",
    "í": "i",
    "ü": "ju",
    "ö": "jo",
    "ä": "ja",
    "ï": "i",
    "ş": "sh",
    "ç": "ch",
    "ć": "ch",
    "ś": "s",
    "ł": "l",
    "ń": "n",
    "ż": "zh",
    "ź": "z",
    # Cyrillic letters left inside Latin words by some schemes (uz keeps ь).
    "ь": "'",
    "ъ": '"',
}

# Units of a Latin spelling, longest first. Each maps to the Cyrillic readings it may have,
# the most usual first. Context rules (word start, after a vowel) are applied in _tokenize.
_UNITS: list[tuple[str, tuple[str, ...]]] = [
    ("schtsch", ("щ",)),
    ("shtsh", ("щ",)),
    ("chtch", ("щ",)),
    ("shch", ("щ",)),
    ("tch", ("ч",)),
    ("sh4", ("щ",)),
    ("jou", ("жу", "йоу")),
    ("you", ("ю",)),
    ("jj", ("й",)),
    ("sch", ("щ", "ш")),
    ("shh", ("щ",)),
    ("zh", ("ж",)),
    ("kh", ("х",)),
    ("ch", ("ч",)),
    ("sh", ("ш",)),
    ("ts", ("ц",)),
    ("tz", ("ц",)),
    ("tc", ("ц",)),
    ("cz", ("ц",)),
    ("ck", ("к",)),
    ("ph", ("ф",)),
    ("th", ("т",)),
    ("eh", ("э",)),
    ("ieia", ("ъя",)),
    ("ieiu", ("ъю",)),
    ("ieie", ("ъе",)),  # ICAO writes ъ as ie
    ("''", ("ъ",)),
    ("'", ("ь",)),
    ('"', ("ъ",)),
    ("jo", ("ё", "жо")),
    ("yo", ("ё",)),
    ("ju", ("ю", "жу")),
    ("yu", ("ю",)),
    ("iu", ("ю",)),
    ("ja", ("я", "жа")),
    ("ya", ("я",)),
    ("ia", ("я",)),
    ("je", ("е", "же")),
    ("ye", ("е",)),
    ("ie", ("ие", "ье")),
    ("ou", ("у",)),
    ("oo", ("у",)),
    ("sc", ("щ",)),
    ("gu", ("г",)),
    ("a", ("а",)),
    ("b", ("б",)),
    ("c", ("ц", "к")),
    ("d", ("д",)),
    ("e", ("е",)),
    ("f", ("ф",)),
    ("g", ("г",)),
    ("h", ("х",)),
    ("i", ("и",)),
    ("j", ("й", "ж")),
    ("k", ("к",)),
    ("l", ("л",)),
    ("m", ("м",)),
    ("n", ("н",)),
    ("o", ("о",)),
    ("p", ("п",)),
    ("q", ("к",)),
    ("r", ("р",)),
    ("s", ("с",)),
    ("t", ("т",)),
    ("u", ("у",)),
    ("v", ("в",)),
    ("w", ("в",)),
    ("x", ("кс", "х")),
    ("y", ("ы", "й")),
    ("z", ("з",)),
    # Informal phone typing: digits for letters that look alike.
    ("4", ("ч",)),
    ("6", ("ш",)),
    ("3", ("з",)),
    ("0", ("о",)),
]
_UNITS_BY_FIRST: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _unit in _UNITS:  # longest first within each first letter, as in _UNITS
    _UNITS_BY_FIRST.setdefault(_unit[0][0], []).append(_unit)


def unit_matcher(
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]],
) -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """(a regex of the units in their order, {unit: readings}): the regex's alternatives are
    tried in order, so at each position it finds the unit the ordered lists would, in one
    call instead of one ``startswith`` per candidate unit."""
    ordered = [unit for units in by_first.values() for unit in units]
    pattern = re.compile("|".join(re.escape(lat) for lat, _ in ordered))
    return pattern, dict(ordered)


_UNIT_RE, _UNIT_TABLE = unit_matcher(_UNITS_BY_FIRST)
_VOWELS = set("aeiouy")
_MAX_CANDIDATES = 16


# Letters of scientific transliteration, ISO 9, GOST 7.79 and the Central European
# alphabets (Czech, Polish, Slovak, Croatian). A word with one of them writes х as "ch"
# (Chruščëv, Chodorkowski with ż elsewhere), never ч (that is č, cz).
_CENTRAL_MARKS_RE = re.compile("[čšžěřůŝĉẑłżśćńźňťď]")
# Czech and Slovak feminine forms: -ová added to the man's surname (Achmatovová is the
# Czech for Ахматова), -ská/-cká/-ná for adjectival ones (Politkovská, Navalná).
_CZECH_FEMININE = (
    (re.compile(r"(?<=[oeё]v|[iy]n)ová$"), "a"),
    (re.compile(r"ová$"), "a"),
    (re.compile(r"(?<=[sc]k)á$|(?<=n)á$"), "aja"),
)


def _prepare_latin(word: str) -> str:
    word = word.lower()
    if word.isascii():  # most words: no ё, Cyrillic or diacritics to read, only the endings
        return _latin_endings(word.replace("`", "'"))
    if word.endswith("á"):
        for rx, ending in _CZECH_FEMININE:
            new = rx.sub(ending, word)
            if new != word:
                word = new
                break
    if "ch" in word and _CENTRAL_MARKS_RE.search(word):
        word = word.replace("ch", "kh")
    # é is э at the start of a word (BS 2979 Éduard); inside one it is the French or
    # Spanish accent on е (Andréi, Alexéi, Léonid, Medvédev).
    if "é" in word[1:]:
        word = word[0] + word[1:].replace("é", "e")
    # Several schemes leave ё as it is (Ёlkin, Yёlkin, Khrushchёv); other Cyrillic letters
    # left in a Latin word are read with the key alphabet.
    word = re.sub(r"[yj]?ё", "yo", word)
    if any("\u0400" <= ch <= "\u04ff" for ch in word):
        word = "".join(_CYR_KEY.get(ch, ch) if ch not in "ьъ" else ch for ch in word)
    out = []
    for ch in word:
        rep = _DIACRITICS.get(ch)
        if rep is None:
            decomposed = unicodedata.normalize("NFD", ch)
            rep = "".join(c for c in decomposed if not unicodedata.combining(c))
        out.append(rep)
    return _latin_endings("".join(out))


def _latin_endings(word: str) -> str:
    # French spellings in MVD passports: a mute final e after n (Elkine, Kouzmine).
    word = re.sub(r"ine$", "in", word)
    # Old French/German-style -off/-eff (Ivanoff, Sergeeff) is -ов/-ев.
    word = re.sub(r"(?<=[oe])ff$", "v", word)
    return word


def _is_frenchlike(word: str) -> bool:
    """French-style spelling (MVD passports for French): ou for у, tch for ч, ch for ш."""
    return "ou" in word or "tch" in word or word.endswith("ine")


def _tokenize(
    word: str, french: bool = False, profile: _Profile | None = None
) -> list[tuple[str, ...]]:
    """Split a prepared Latin word into units, each a tuple of Cyrillic readings.

    With a ``profile`` (another language's spelling: :mod:`kintrace.names.foreign`) its
    units are matched too and read as its table says; the context rules here apply only to
    the scheme units."""
    units: list[tuple[str, ...]] = []
    if profile is None:
        match, table, own = _UNIT_RE.match, _UNIT_TABLE, {}
    else:
        match, table, own = profile.unit_re.match, profile.table, profile.units
    i, n = 0, len(word)
    while i < n:
        found = match(word, i)
        if found is None:
            ch = word[i]
            units.append((ch,) if ch == "-" else ("",))
            i += 1
            continue
        lat = found.group()
        cyr = table[lat]
        prev = word[i - 1] if i else ""
        after_vowel = prev in _VOWELS or prev in "'\""
        nxt = word[i + len(lat)] if i + len(lat) < n else ""
        if lat in own:
            if lat == "io" and after_vowel:
                cyr = ("йо", "ио")  # Maiorov: Майоров
            # otherwise the language's own reading, as its table says
        elif lat == "gu" and nxt not in ("e", "i", "y"):
            lat, cyr = "g", ("г",)
        elif lat == "eh" and nxt in _VOWELS:
            lat, cyr = "e", ("е",)  # Ehduard is Эдуард, but Zakhar-like eha is е + х
        elif lat in ("ja", "ju") and i == 0:
            # English j = дж at the start (Jamal, Jabrail), between я and ж (Jukov: Жуков)
            cyr = (cyr[0], "дж" + cyr[1][-1], *cyr[1:])
        elif lat == "jo" and i == 0:
            cyr = ("йо", *cyr, "джо")  # Josef: Йосеф, Jora: Жора, Johar: Джохар
        elif lat in ("yo", "jo") and after_vowel:
            cyr = ("йо",) + cyr  # Mayorov = Майоров, not Маёров
        elif lat == "yo" and i:
            cyr = ("ё", "ьё")  # Semyonov = Семёнов, Solovyov = Соловьёв
        elif lat == "y":
            if (nxt == "" or nxt in "-") and not after_vowel:
                cyr = ("ий", "ы", "й")  # Dmitry, Zhukovsky, Vasily
            elif nxt == "" or nxt in "-":
                cyr = ("й", "ы")  # Sergey, Yuriy
            elif after_vowel:
                cyr = ("й",)
            elif nxt in _VOWELS:
                cyr = ("ь", "ы", "й")  # Ilyich, Ilyin
            else:
                cyr = ("ы", "и")
        elif lat == "j" and (nxt == "" or nxt not in _VOWELS):
            cyr = ("й",)
        elif lat == "c" and nxt not in ("e", "i", "y") and nxt != "":
            cyr = ("к", "ц")  # Nicolai, Victor; Cygankov before y stays ц
        elif lat == "c" and nxt:
            cyr = ("ц",)  # before e, i, y: Elcin, Jelcyn are Ельцин, never Елькин
        elif lat == "x" and i == 0:
            # Xrushhyov, Xabarov (scientific, GOST 7.79) but Xenia
            cyr = ("кс", "х") if nxt == "e" else ("х",) if nxt not in _VOWELS else ("х", "кс")
        elif lat == "ch" and french:
            cyr = ("ш", "ч")
        elif lat == "e" and i == 0:
            cyr = ("е", "э")
        elif lat == "ie" and i == 0:
            cyr = ("ие", "е")  # Иероним, but French and ICAO Iegor, Ievgueni: Егор, Евгений
        elif lat == "h" and prev in ("s", "z", "c", "k"):
            cyr = ("х",)
        elif lat == "i" and i > 1 and (nxt == "" or nxt == "-") and prev not in _VOWELS:
            cyr = ("и", "ий")  # Dmitri, Anatoli, Gennadi: -ий written -i
        if (
            profile is not None
            and units
            and lat in ("o", "io", "yo", "jo")
            and (units[-1] and units[-1][0][-1:] in ("ж", "ч", "ш", "щ"))
        ):
            cyr = ("о", "ё")  # ё after ж ч ш щ written o or io: Gorbachov, Pugachov
        units.append(cyr)
        i += len(lat)
    return units


@lru_cache(maxsize=262144)
def to_cyrillic_candidates(word: str, french: bool | None = None) -> tuple[str, ...]:
    """Cyrillic readings of one Latin (or mixed) word, the most usual first, lower case.

    Ambiguous units multiply the readings; the first reading of every unit comes first.
    At most 16 readings are returned. ``french`` forces (or forbids) the French reading of
    "ch" as ш; by default it is used when the word looks French.
    """
    if french is None:
        french = _is_frenchlike(word.lower())
    return _spell(_tokenize(_prepare_latin(word), french), _MAX_CANDIDATES)


def _spell(choices: list[tuple[str, ...]], limit: int) -> tuple[str, ...]:
    """Up to ``limit`` distinct words from units of readings, fewest non-first readings first."""
    return tuple(_spell_costed(choices, limit))


def _spell_costed(choices: list[tuple[str, ...]], limit: int) -> dict[str, int]:
    """As :func:`_spell`, each word with its number of non-first readings."""
    # Order the product so that readings using fewer non-default choices come first.
    ambiguous = sum(1 for u in choices if len(u) > 1)
    if ambiguous > 6:  # keep it bounded: only the first readings of very long words
        choices = [u[:1] if k > 6 else u for k, u in _ambiguity_index(choices)]
    # The product runs over the ambiguous units only (the others have one reading: same
    # order), and a reading is spelled out only when its turn comes: the first ``limit``
    # distinct ones are kept, out of up to 513.
    where = [i for i, u in enumerate(choices) if len(u) > 1]
    combos: list[tuple[int, tuple[int, ...]]] = []
    for combo in product(*[range(len(choices[i])) for i in where]):
        combos.append((len(combo) - combo.count(0), combo))  # cost: non-default choices
        if len(combos) > 512:
            break
    combos.sort(key=lambda t: t[0])
    first = [u[0] for u in choices]
    seen: dict[str, int] = {}
    for cost, combo in combos:
        letters = first
        if cost:
            letters = first.copy()
            for i, c in zip(where, combo, strict=False):
                letters[i] = choices[i][c]
        word = "".join(letters)
        fixed = _fix_short_i(word)
        seen.setdefault(fixed, cost)
        if fixed != word and len(seen) < limit:
            seen.setdefault(word, cost)  # Джабраил, Исмаил: the dictionary has и there
        if len(seen) >= limit:
            break
    return seen


_SHORT_I_RE = re.compile(r"(?<=[аеёиоуыэюя])и(?=[бвгджзклмнпрстфхцчшщ]|$)")


def _fix_short_i(word: str) -> str:
    """и after a vowel before a consonant or at the end is й (Sergei, Aidar, Tsoi, -skii)."""
    return _SHORT_I_RE.sub("й", word)


def _ambiguity_index(
    choices: list[tuple[str, ...]],
) -> Iterator[tuple[int, tuple[str, ...]]]:
    k = 0
    for u in choices:
        if len(u) > 1:
            k += 1
        yield k, u

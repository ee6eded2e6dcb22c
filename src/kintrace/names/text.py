"""Low-level text clean-up for names: Unicode, whitespace, punctuation, scripts, look-alikes.

Plain Python, no Django. Everything here is deterministic and cheap; the token-level
helpers are cached because a million records hold few distinct tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["clean", "detect_script", "fix_lookalikes", "fold", "is_cyrillic_char", "is_latin_char"]

# Quotes, apostrophes and dashes people type or paste. Apostrophes stay (they can be a
# transliterated soft sign: Il'ich); dashes become a plain hyphen (hyphenated surnames).
_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63"), "-"
)
_QUOTES = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b`\u02bc\u02bb\u00b4\u2032"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"), '"'),
}
# Invisible characters: every format character (Unicode category Cf, as of Unicode 15:
# zero-width space and joiners, word joiner, BOM, soft hyphen, left-to-right and
# right-to-left marks, bidi embeddings and isolates, the Mongolian vowel separator, invisible
# operators, Arabic number signs, tag characters) and the combining grapheme joiner. Tie
# marks joining two letters (ALA-LC writes ц as t͡s) would split the word: dropped too.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD),
    (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    (0x034F, 0x034F), (0x0360, 0x0361), (0xFE20, 0xFE23),  # grapheme joiner, tie marks
)
_INVISIBLE = [c for lo, hi in _INVISIBLE_RANGES for c in range(lo, hi + 1)]
# Compatibility forms that are plain letters, digits or punctuation in disguise: fullwidth
# forms (typed with an East Asian input method), the "mathematical" bold/italic/script
# letters of styled-text generators, Latin ligatures. Only these go through NFKC: applied
# to the whole text, NFKC would also turn № into "No", ´ into a space and a combining accent.
_COMPAT = {
    c: unicodedata.normalize("NFKC", chr(c))
    for c in (*range(0xFF01, 0xFF5F), *range(0x1D400, 0x1D800), *range(0xFB00, 0xFB07))
    if unicodedata.normalize("NFKC", chr(c)) != chr(c)
}
_TABLE = {
    **_DASHES, **_QUOTES, **dict.fromkeys(_INVISIBLE, None), **_COMPAT,
    # Cyrillic е, и with a grave accent (a stress mark NFC composes into one letter).
    ord("\u0450"): "е", ord("\u045d"): "и", ord("\u0400"): "Е", ord("\u040d"): "И",
}


def _char_class(codes) -> str:
    """A regex character class of these code points, consecutive runs as ranges."""
    runs: list[list[int]] = []
    for c in sorted(codes):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "[" + "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in runs
    ) + "]"


_SPECIAL_RE = re.compile(_char_class(_TABLE))
# Text with nothing for the table, NFC or the combining-mark rule to do (nearly every name):
# Russian and Ukrainian letters, Latin letters, digits, common punctuation. Checked first
# because the full character class above costs a few µs on Cyrillic text.
_PLAIN_RE = re.compile("[A-Za-z0-9 .,;:()/'\"\\-№ЁА-яёІіЇїЄєҐґ]*")
# Combining marks left after NFC composed what it could (е + ̈ = ё, и + ̆ = й): stress
# marks (Ива́н) and other accents with no letter of their own. Inside a word they would cut
# it in two ("Ива" + "н"), so they are dropped.
_COMBINING_RE = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
# A hard sign typed as a quote inside a word: Под"ячев, Pod"iachev, Pod''jachev (GOST
# 7.79's ъ is two apostrophes or backticks). In a Cyrillic word it becomes ъ, in a Latin
# one the letter ʺ that the transliteration tables read as ъ (a quote would split the word).
_HARD_SIGN_QUOTE_RE = re.compile(r"(?<=[^\W\d_])(?:\"|'')(?=[^\W\d_])")
# Phone typing writes ч as 4 and ш as 6 inside a Latin word (4ernov, Sh4ukin, 6i6kin); a
# digit there would cut the word, so it becomes the Latin letters it stands for.
_PHONE_DIGIT_RE = re.compile(r"(?:(?<=[A-Za-z])|(?<![\w]))[46](?=[A-Za-z][A-Za-z46])")
_PHONE_DIGITS = {"4": "ch", "6": "sh"}


def _hard_sign(match: re.Match) -> str:
    before = match.string[match.start() - 1]
    after = match.string[match.end()]
    return "ъ" if is_cyrillic_char(before) or is_cyrillic_char(after) else "\u02ba"


def clean(text: str) -> str:
    """Clean-up of name text: NFC, invisible characters and stress marks dropped,
    compatibility letters made plain, dashes and quotes unified, whitespace collapsed.

    Letters are left as they are (case, ё, look-alikes are the caller's business:
    see :func:`fold` and :func:`fix_lookalikes`). Non-breaking and other Unicode spaces
    become one ASCII space; format characters (zero-width, joiners, BOM, soft hyphen, bidi
    marks), combining marks NFC cannot attach to a letter (stress: Петро́в) and
    letter-tie marks (ALA-LC's t͡s) are dropped; fullwidth, mathematical-styled and
    ligature letters become plain ones (NFKC for those only: й, ё and № stay); typographic
    apostrophes, primes and the backtick (GOST 7.79's soft sign) become "'", typographic
    double quotes '"'; a double quote or two apostrophes inside a word is a hard sign (ъ in
    a Cyrillic word, ʺ in a Latin one); 4 and 6 inside a Latin word are ch and sh (phone
    typing: 4ernov, Sh4ukin). Only for name text: a quote or digit glued to letters is
    read as a letter.
    """
    if not text:
        return ""
    if text.isascii() or _PLAIN_RE.fullmatch(text):
        if ("4" in text or "6" in text) and _PHONE_DIGIT_RE.search(text):
            text = _PHONE_DIGIT_RE.sub(lambda m: _PHONE_DIGITS[m.group()], text)
        if "`" in text:
            text = text.replace("`", "'")
        if '"' in text or "''" in text:
            text = _HARD_SIGN_QUOTE_RE.sub(_hard_sign, text)
        return " ".join(text.split())
    if _SPECIAL_RE.search(text):  # str.translate is slow on non-ASCII text: only when needed
        text = text.translate(_TABLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        if _SPECIAL_RE.search(text):  # NFC made ѐ or ѝ of a stressed е, и
            text = text.translate(_TABLE)
    if _COMBINING_RE.search(text):
        text = _COMBINING_RE.sub("", text)
    if ("4" in text or "6" in text) and _PHONE_DIGIT_RE.search(text):
        text = _PHONE_DIGIT_RE.sub(lambda m: _PHONE_DIGITS[m.group()], text)
    if '"' in text or "''" in text:
        text = _HARD_SIGN_QUOTE_RE.sub(_hard_sign, text)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Case- and ё-insensitive form of a string: casefold and ё→е (for comparisons only)."""
    return text.casefold().replace("ё", "е")


def is_cyrillic_char(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff" or "\u0500" <= ch <= "\u052f"


def is_latin_char(ch: str) -> bool:
    if ("a" <= ch <= "z") or ("A" <= ch <= "Z"):
        return True
    return "\u00c0" <= ch <= "\u024f" and ch not in "\u00d7\u00f7"


def detect_script(text: str) -> str:
    """"cyrillic", "latin", "mixed" (letters of both), or "" when there are no letters."""
    cyr = lat = False
    for ch in text:
        if is_cyrillic_char(ch):
            cyr = True
        elif is_latin_char(ch):
            lat = True
        if cyr and lat:
            return "mixed"
    return "cyrillic" if cyr else "latin" if lat else ""


# Latin letters that look like Cyrillic ones (and back). Lower-case "y" is taken as у
# (they are drawn alike); upper-case Y is not (it looks like У only in some fonts, but a
# Latin word with Y is far more often a real Y).
_LAT_TO_CYR = {
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
    "P": "Р", "T": "Т", "X": "Х", "Y": "У",
    "a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "k": "к",
    "\u00eb": "ё", "\u00cb": "Ё",
}
_CYR_TO_LAT = {
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
    "Р": "P", "Т": "T", "Х": "X", "У": "Y",
    "а": "a", "с": "c", "е": "e", "о": "o", "р": "p", "х": "x", "у": "y", "к": "k",
    "і": "i", "І": "I", "ј": "j", "Ј": "J",
}
# Digits typed for letters inside a Cyrillic word ("Иван0в", "3айцев").
_DIGIT_TO_CYR = {"0": "о", "3": "з"}
_LATIN_ONLY_ASCII_RE = re.compile(
    "[" + "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  if c not in _LAT_TO_CYR) + "]"
)
# Weaker look-alikes, used only when the dictionary says the Cyrillic reading is a name and
# the Latin one is not: Latin I for И (the Ukrainian І key; "IBAHOB"), and the lower-case
# forms of the capitals above (b h m t: "Пetpob" typed by the capitals' shapes).
_WEAK_TO_CYR = {"I": "И", "i": "и", "b": "в", "h": "н", "m": "м", "t": "т"}
_ANY_TO_CYR = {**_LAT_TO_CYR, **_WEAK_TO_CYR}
_NOT_LOOKALIKE_ASCII_RE = re.compile(
    "[" + "".join(c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  if c not in _ANY_TO_CYR) + "]"
)
_LATIN_LETTER_RE = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")
_CYRILLIC_ONLY_RE = re.compile(
    "(?![" + "".join(c for c in _CYR_TO_LAT if is_cyrillic_char(c)) + "])[\u0400-\u052f]"
)


@lru_cache(maxsize=262144)
def fix_lookalikes(word: str, prefer: str = "") -> str:
    """Replace look-alike letters of the other script inside one word.

    A word whose letters that exist in only one script are all Cyrillic ("Иванoв" with a
    Latin o) gets its Latin look-alikes turned into Cyrillic, and the other way round
    ("Ivаnov" with a Cyrillic а). A word made only of letters that exist in both scripts
    ("ОРЕХ", "PETROV" is not one: R, V are Latin-only) follows ``prefer`` ("cyrillic" or
    "latin", the script of the surrounding text); without it, the dictionary decides (below),
    else it is left alone. A word with letters unique to both scripts is converted toward
    the side that has more of them.

    The dictionary decides a word typed in Latin look-alikes, weak ones included (Latin I
    for И, lower-case b h m t for в н м т): "IBAHOB" is ИВАНОВ and "Пetpob" is Петров when
    the Cyrillic reading is a known name (pymorphy3, surname counts, given-name table) and
    the Latin reading is not ("NIKITA", "TOM", "MAX" stay Latin). A Cyrillic word of
    shared letters with ``prefer`` "latin" keeps following it.
    """
    if not word:
        return word
    fixed = _fix_by_letters(word, prefer)
    if fixed.isascii() and _NOT_LOOKALIKE_ASCII_RE.search(fixed):
        return fixed  # a Latin-only letter with no look-alike: a Latin word (most words)
    script = detect_script(fixed)
    if script == "cyrillic" or (prefer == "latin" and detect_script(word) == "cyrillic"):
        return fixed  # a Cyrillic word of shared letters in Latin text follows the text
    # A word with a Cyrillic letter may have any look-alike; a Latin one is read as
    # look-alikes only in capitals (how such text is typed), weak I included.
    table = _ANY_TO_CYR if script == "mixed" else _CAPITALS_TO_CYR
    if script == "latin" and not fixed.isupper():
        return fixed
    if any(is_latin_char(ch) and ch not in table for ch in fixed):
        return fixed  # a Latin letter with no Cyrillic look-alike (é, R, V, N)
    cyrillic = "".join(table.get(ch, ch) for ch in fixed)
    if _is_name(cyrillic.lower()) and not _is_latin_name(fixed):
        if "0" in cyrillic or "3" in cyrillic:
            cyrillic = "".join(_DIGIT_TO_CYR.get(ch, ch) for ch in cyrillic)
        return cyrillic
    return fixed


_CAPITALS_TO_CYR = {k: v for k, v in _ANY_TO_CYR.items() if k.isupper()}


def _is_name(cyrillic_lower: str) -> bool:
    # Imported here: translit and given import this module.
    from kintrace.names.given import is_given_form
    from kintrace.names.translit import is_known_name_word, surname_count

    word = cyrillic_lower.replace("і", "и")
    return bool(
        surname_count(word) or is_given_form(word, exact=True) or is_known_name_word(word)
    )


def _is_latin_name(latin: str) -> bool:
    from kintrace.names.translit import to_cyrillic_candidates

    return any(_is_name(c) for c in to_cyrillic_candidates(latin.lower())[:4])


def _fix_by_letters(word: str, prefer: str) -> str:
    # Fast answers for the usual words (same result as the count below): plain ASCII with a
    # Latin-only letter is Latin already; a word with no Latin letter and a Cyrillic-only one
    # only needs its digits read.
    if word.isascii():
        if _LATIN_ONLY_ASCII_RE.search(word):
            return word
    elif _LATIN_LETTER_RE.search(word) is None and _CYRILLIC_ONLY_RE.search(word):
        if "0" in word or "3" in word:
            return "".join(_DIGIT_TO_CYR.get(ch, ch) for ch in word)
        return word
    cyr_only = lat_only = 0
    for ch in word:
        if is_cyrillic_char(ch):
            if ch not in _CYR_TO_LAT:
                cyr_only += 1
        elif is_latin_char(ch):
            if ch not in _LAT_TO_CYR:
                lat_only += 1
    if cyr_only and cyr_only >= lat_only:
        target = "cyrillic"
    elif lat_only and lat_only > cyr_only:
        target = "latin"
    else:
        target = prefer
    if target == "cyrillic":
        out = "".join(_LAT_TO_CYR.get(ch, ch) for ch in word)
        if any(d in out for d in _DIGIT_TO_CYR) and any(is_cyrillic_char(c) for c in out):
            out = "".join(_DIGIT_TO_CYR.get(ch, ch) for ch in out)
        return out
    if target == "latin":
        return "".join(_CYR_TO_LAT.get(ch, ch) for ch in word)
    return word

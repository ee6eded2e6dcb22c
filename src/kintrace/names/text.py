"""Low-level text clean-up for names: Unicode, whitespace, punctuation, scripts.

Look-alike letters of the other script are :mod:`kintrace.names.lookalikes` (it asks the name
tables, which sit above this module).

Plain Python, no Django. Everything here is deterministic and cheap; the token-level
helpers are cached because a million records hold few distinct tokens.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

__all__ = [
    "BIDI_CONTROLS",
    "clean",
    "detect_script",
    "fold",
    "is_cyrillic_char",
    "is_latin_char",
    "strip_bidi",
]

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
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    (0x034F, 0x034F),
    (0x0360, 0x0361),
    (0xFE20, 0xFE23),  # grapheme joiner, tie marks
)
_INVISIBLE = [c for lo, hi in _INVISIBLE_RANGES for c in range(lo, hi + 1)]
# The characters that reorder what follows them on screen: the Arabic letter mark, the
# left-to-right and right-to-left marks, embeddings and overrides (U+202E turns "Иванов" into
# what reads as another name), isolates. `clean` drops them with every other format character
# before a name is parsed; `strip_bidi` drops only them from text kept as written (a list's
# title, its cells, a note, a report), so what a person reads is what was stored.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi(text: str) -> str:
    """`text` without the bidirectional controls (BIDI_CONTROLS); nothing else changes."""
    return text.translate(_NO_BIDI) if not text.isascii() else text


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
    **_DASHES,
    **_QUOTES,
    **dict.fromkeys(_INVISIBLE, None),
    **_COMPAT,
    # Cyrillic е, и with a grave accent (a stress mark NFC composes into one letter).
    ord("\u0450"): "е",
    ord("\u045d"): "и",
    ord("\u0400"): "Е",
    ord("\u040d"): "И",
}


def _char_class(codes: Iterable[int]) -> str:
    """A regex character class of these code points, consecutive runs as ranges."""
    runs: list[list[int]] = []
    for c in sorted(codes):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return (
        "["
        + "".join(
            re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
            for lo, hi in runs
        )
        + "]"
    )


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


def _hard_sign(match: re.Match[str]) -> str:
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


# A person's sex as the names give it (a man's, a woman's form); None where they do not say
SexCode = Literal["m", "f"]

# Which script a word of letters both alphabets share (look-alikes) should be read in
Preference = Literal["cyrl", "latn", ""]

# A text's script: ISO 15924's codes (as the registry stores them), "mixed" for letters of
# both, "" for no letters.
ScriptCode = Literal["cyrl", "latn", "mixed", ""]


def detect_script(text: str) -> ScriptCode:
    """ "cyrl" (Cyrillic), "latn" (Latin), "mixed" (letters of both), or "" when there are
    no letters."""
    cyr = lat = False
    for ch in text:
        if is_cyrillic_char(ch):
            cyr = True
        elif is_latin_char(ch):
            lat = True
        if cyr and lat:
            return "mixed"
    return "cyrl" if cyr else "latn" if lat else ""

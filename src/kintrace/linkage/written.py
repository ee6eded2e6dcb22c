"""Keys of the names as written, beside the parsed keys.

The parsed keys (kintrace.names) read a Latin name as a transliteration of a Russian one, so a
typo can change the reading ("racehl": c as ц; "mcigrr": c as ц, "mcgirr": c as к) and with
it more letters of the key than the typo did. For names that are not Russian (FEBRL's
Australians, a Georgian or Kazakh surname in a Latin list) the letters as written are the
better thing to compare with an edit distance. Only the split columns (surname, given_name)
say which word is which; a free-form name gets no written key.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

# Cyrillic letters to Latin, one simple scheme: written keys only ever meet keys made here
_CYR = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "iu",
            "ia",
            "i",
            "i",
            "e",
            "g",
        ],
        strict=True,
    )
)
_NOT_LETTER = re.compile(r"[^a-z]")


def written_key(text: str) -> str | None:
    """ "Pai nter" -> "painter", "O'Brien" -> "obrien", "Пётр" -> "petr"; None when empty."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    out = "".join(_CYR.get(ch, ch) for ch in folded)
    key = _NOT_LETTER.sub("", out)
    return key or None


def written_keys(frame: pd.DataFrame, free_form: np.ndarray | None = None) -> pd.DataFrame:
    """surname_written and given_written for every row of a contract-shaped frame.
    `free_form`: which rows hold a free-form name (prepare knows it already); worked out
    from the `name` column when not given."""
    if free_form is None:
        names = frame["name"].fillna("").astype(str).str.strip() if "name" in frame else None
        free_form = (names != "").to_numpy() if names is not None else np.zeros(len(frame), bool)
    out = {}
    for col, target in (("surname", "surname_written"), ("given_name", "given_written")):
        column = np.full(len(frame), None, dtype=object)
        if col in frame.columns:
            codes, uniques = pd.factorize(frame[col].fillna("").astype(str))
            column = np.array([written_key(u) for u in uniques] + [None], dtype=object)[codes]
            column[free_form] = None  # a free-form name takes precedence over the columns
        out[target] = column
    return pd.DataFrame(out, index=frame.index)

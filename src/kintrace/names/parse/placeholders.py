"""Text that stands in for a name without being one: what courts and registries write where a
name was removed ("ФИО1", "ФИО 2", "<ФИО>", "Ф.И.О.", "[данные изъяты]", "***") or where a
form's template was never filled in ("Фамилия Имя Отчество", "ДД.ММ.ГГГГ г.р.").

Such a text is no person: the parser returns a :class:`ParsedName` with ``placeholder`` set
and no parts, instead of reading "Фио" as a surname.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kintrace.names.text import clean, fold

__all__ = ["is_placeholder"]

# Something a placeholder must contain; most names contain none of it, so most texts are
# answered by this one search.
_HINT_RE = re.compile(
    r"ф\.?\s*и\.?\s*о|фамил|отчеств|изъят|скрыт|обезлич|удал[её]н|засекреч|дд|мм|гггг|хх|xx|"
    r"\*|_{2,}|\.{3,}|…",
    re.IGNORECASE,
)
# Words allowed in a placeholder: the stand-ins themselves and the words around them
_PLACEHOLDER_WORDS = frozenset(
    """
    фио ф и о фамилия имя отчество фамилии имени отчества данные изъяты изъято скрыты скрыто
    обезличено обезличены удалено удалены засекречено персональные сведения лица лицо дд мм гг
    гггг хх хххх xx xxxx г р гр года рождения род дата
""".split()
)
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")


@lru_cache(maxsize=65536)
def is_placeholder(text: str | None) -> bool:
    """True when the text holds no name, only a redaction mark or an unfilled template:
    every word is one of the stand-in words (ФИО, данные изъяты, ДД.ММ.ГГГГ, г.р. …),
    numbers, or punctuation such as ``<…>``, ``***``, ``___``. Empty text is not a
    placeholder (it is simply no name)."""
    if not text:
        return False
    folded = fold(clean(text))
    # The first word settles nearly every name (Иванов is no stand-in word) and costs one
    # short match; the hint's case-blind scan of the whole text costs more.
    first = _TOKEN_RE.search(folded)
    if first is not None and not (first.group().isdigit() or first.group() in _PLACEHOLDER_WORDS):
        return False
    if not _HINT_RE.search(text):
        return False
    words = _TOKEN_RE.findall(folded)
    if not words:
        return True  # only marks: "***", "___", "…"
    return all(w.isdigit() or w in _PLACEHOLDER_WORDS for w in words)

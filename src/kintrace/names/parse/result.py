"""The result of a parse: :class:`ParsedName`, and the cheap way to make one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kintrace.names.text import ScriptCode, SexCode


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A parsed name. Parts are canonical Cyrillic nominatives in Title case or None; keys
    are ASCII comparison keys. ``placeholder`` is True when the text stands for a name
    without being one (a court's "ФИО1", "<ФИО>", "Ф.И.О.", "ДД.ММ.ГГГГ г.р.", "данные
    изъяты"): then every part is None, and the caller should say so rather than store a
    person."""

    original: str
    surname: str | None
    given: str | None
    patronymic: str | None
    given_initial: str | None
    patronymic_initial: str | None
    sex: SexCode | None
    script: ScriptCode
    surname_key: str | None
    given_key: str | None
    patronymic_key: str | None
    given_alternatives: tuple[str, ...] = ()
    placeholder: bool = False


def _twin_class() -> type:
    """A plain class with ParsedName's slot layout. Filling one and then setting its
    ``__class__`` to ParsedName is 4–5× cheaper than the frozen dataclass's ``__init__``
    (which calls ``object.__setattr__`` once per field); the result is a true, frozen
    ParsedName (same type, equality, hash)."""
    slots = ParsedName.__slots__
    src = "def __init__(self, " + ", ".join(slots) + "):\n"
    src += "".join(f"    self.{name} = {name}\n" for name in slots)
    namespace: dict[str, Any] = {}
    exec(src, namespace)  # noqa: S102 - fixed source built from our own field names
    return type("_ParsedNameTwin", (), {"__slots__": slots, "__init__": namespace["__init__"]})


_Twin = _twin_class()

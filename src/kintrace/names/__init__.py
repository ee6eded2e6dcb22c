"""Names: parse, normalise and key Russian personal names across scripts (plain Python).

See :mod:`kintrace.names.parse` and docs/names.md.

The public names below are loaded on first use, so importing one low module
(``kintrace.names.spelling``, ``kintrace.names.text``) does not load the whole package.
"""

from importlib import import_module

__all__ = ["ParsedName", "canonical_given", "name_key", "parse_name", "parse_name_parts"]

_HOME = {
    "ParsedName": "kintrace.names.parse",
    "canonical_given": "kintrace.names.given",
    "name_key": "kintrace.names.parse",
    "parse_name": "kintrace.names.parse",
    "parse_name_parts": "kintrace.names.parse",
}


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module 'kintrace.names' has no attribute {name!r}")
    value = getattr(import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""Names: parse, normalise and key Russian personal names across scripts (plain Python).

See :mod:`kintrace.names.parse` and docs/names.md.
"""

from kintrace.names.given import canonical_given
from kintrace.names.parse import ParsedName, name_key, parse_name, parse_name_parts

__all__ = ["ParsedName", "canonical_given", "name_key", "parse_name", "parse_name_parts"]

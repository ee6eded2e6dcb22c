"""The nominative of a word in its role under the decided (sex, case) hypothesis."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kintrace.names.parse.words import _Word


@lru_cache(maxsize=262144)
def _inflect_nominative(p: Any) -> str:
    """``p``: a pymorphy3 reading (the library has no type hints)."""
    inflected = p.inflect({"nomn", "sing"})
    return str(inflected.word if inflected else p.normal_form)


def _nominative(w: _Word, role: str, sex: str, case: str) -> str:
    forms = w.forms[role]
    # the better of the readings of this sex and of either sex in this case (Шульге, a man:
    # Шульга of either sex, not a man's "Шульг")
    found = forms.get((sex, case))
    either = forms.get((None, case))
    if either is not None and (found is None or either[0] > found[0]):
        found = either
    if found is None:
        found = forms.get((sex, "nomn")) or forms.get((None, "nomn"))
    if found is not None:
        nom = found[1]
    else:
        if not forms:
            return w.cyr
        nom = max(forms.values(), key=lambda f: f[0])[1]
    return nom if isinstance(nom, str) else _inflect_nominative(nom)

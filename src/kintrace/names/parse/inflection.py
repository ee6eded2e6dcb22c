"""The nominative of a word in its role under the decided (sex, case) hypothesis."""

from __future__ import annotations

from functools import lru_cache

from kintrace.names.parse.words import _Word


@lru_cache(maxsize=262144)
def _inflect_nominative(p) -> str:
    inflected = p.inflect({"nomn", "sing"})
    return inflected.word if inflected else p.normal_form



def _nominative(w: _Word, role: str, sex: str, case: str) -> str:
    forms = w.forms[role]
    for key in ((sex, case), (None, case), (sex, "nomn"), (None, "nomn")):
        if key in forms:
            nom = forms[key][1]
            break
    else:
        if not forms:
            return w.cyr
        nom = max(forms.values(), key=lambda f: f[0])[1]
    return nom if isinstance(nom, str) else _inflect_nominative(nom)

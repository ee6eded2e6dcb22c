"""Other languages' spellings of Russian names: tables of letter correspondences.

:mod:`kintrace.names.translit` reads a Latin word with the units of the Russian
romanisation schemes and of English. A European newspaper, a foreign passport or a relative
abroad writes a Russian name with the letters of their own language: German sch, tsch, ch,
z, w (Gorbatschow, Chodorkowski, Jelzin); French ou, ch, j, gu (Choïgou, Brejnev,
Guennadi); Spanish j = х (Jruschov, Mijaíl); Italian ci, ce, sc, z (Gorbaciov, Kruscev,
Breznev); Polish sz, cz, szcz, ch, w, ie (Szojgu, Miedwiediew); Czech ch, c (č š ž are read
by translit); Dutch oe, sj, zj, tsj and Swedish tj, sj (Poetin, Gorbatsjov, Gorbatjov);
English j = дж (Jamal, Djabrail).

Each language is a table of letter correspondences (``_PRESS_SPELLINGS``, data): its units
are matched alongside the scheme units, longest first, and read as the table says. Every
such reading also reads o and io after ж ч ш щ as о or ё (Gorbachov, Pugachov, Koroliov).
:func:`kintrace.names.translit.to_cyrillic` asks for these readings only when none of the
scheme readings is a known name, so every word that resolved before resolves the same; a
table is used only for words that carry its letters (``trigger``) and none that rule it out
(``veto``), with at most ``_PROFILE_CANDIDATES`` readings a table. Pure Python, no Django.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kintrace.names.spelling import (
    _UNITS,
    _prepare_latin,
    _spell_costed,
    _tokenize,
    to_cyrillic_candidates,
    unit_matcher,
)

__all__ = ["foreign_readings"]

# name: (letters that mark the language, letters that rule it out, scheme units it
# replaces, its units → Cyrillic readings, Latin rewrites of the word's end)
_PRESS_SPELLINGS: dict[str, tuple[Any, ...]] = {
    # Every language: ё written io (Fiodor, Piotr, Koroliov), дж as dj, dzh, dsh.
    "any": (
        "",
        "",
        (),
        (
            ("io", ("ё", "ьо", "ио")),
            ("dj", ("дж",)),
            ("dzh", ("дж",)),
            ("dsh", ("дж",)),
        ),
        (),
    ),
    # English j before a, o, u (Jamal, Jafar, Johar, Juma); je, ji are left to the schemes:
    # Jessica read as Джессика and its typo Jessoca as Есока would part two records.
    "en": (
        "j[aou]",
        "",
        (),
        (
            ("ja", ("джа",)),
            ("jo", ("джо",)),
            ("ju", ("джу",)),
            ("dj", ("дж",)),
        ),
        (),
    ),
    # German s is с or з anywhere (Sacharow is both Сахаров and Захаров): only sj is read з.
    "de": (
        "sch|w|j|y|tz|sj",
        "ou|sz|cz|oe",
        (),
        (
            ("schtsch", ("щ",)),
            ("tsch", ("ч",)),
            ("dsch", ("дж",)),
            ("sch", ("ш", "ж")),
            ("ch", ("х",)),
            ("tz", ("ц",)),
            ("z", ("ц",)),
            ("ss", ("с",)),
            ("sja", ("зя", "ся")),
            ("sju", ("зю", "сю")),
            ("sje", ("зе", "се")),
            ("sjo", ("зё", "сё")),
            ("w", ("в",)),
            ("ie", ("и", "ие")),
        ),
        (),
    ),
    "fr": (
        "ou|j|gu[eiy]|tch|[éèëêïîôç]",
        "w|sz|cz",
        ("ja", "je", "jo", "ju", "jou"),
        (
            ("chtch", ("щ",)),
            ("tch", ("ч",)),
            ("dj", ("дж",)),
            ("ch", ("ш",)),
            ("j", ("ж",)),
            ("iou", ("ю",)),
            ("ou", ("у",)),
            ("gue", ("ге",)),
            ("gui", ("ги",)),
            ("ss", ("с",)),
            ("kh", ("х",)),
            ("ie", ("ье", "е", "ие")),
            ("ille", ("иль",)),
        ),
        ((r"(?<=[^aeiouy])e$", ""),),
    ),  # mute final e: Alexandre, Soljenitsyne (see below)
    "es": (
        "j|y|ie",
        "w|sz|cz|ou|zj|tz|x|'",
        ("ja", "je", "jo", "ju", "jou", "jj"),
        (
            ("j", ("х",)),
            ("ya", ("я",)),
            ("ye", ("е",)),
            ("yo", ("ё", "йо")),
            ("yu", ("ю",)),
            ("ch", ("ч",)),
            ("gue", ("ге",)),
            ("gui", ("ги",)),
            ("ie", ("е", "ье", "ие")),
        ),
        (),
    ),
    "it": (
        "c[ei]|sc|z|ch",
        "w|sz|cz|ou",
        (),
        (
            ("cia", ("ча",)),
            ("cio", ("чё", "чо")),
            ("ciu", ("чу",)),
            ("ce", ("че",)),
            ("ci", ("чи",)),
            ("scia", ("ща", "ша")),
            ("scio", ("щё", "шо")),
            ("sce", ("ще", "ше")),
            ("sci", ("щи", "ши")),
            ("gh", ("г",)),
            ("ch", ("х",)),
            ("z", ("з", "ж")),
        ),
        (),
    ),
    # (Polish letters are looked for in the word as written: ł, ż, ś, ć, ń, ź.)
    "pl": (
        "sz|cz|rz|w|ie|[łżśćńź]",
        "sch|ou|oe",
        (),
        (
            ("szcz", ("щ",)),
            ("sz", ("ш",)),
            ("cz", ("ч",)),
            ("rz", ("ж",)),
            ("ch", ("х",)),
            ("h", ("х", "г")),
            ("w", ("в",)),
            ("c", ("ц",)),
            ("ie", ("е", "ье")),
            ("ia", ("я", "ья")),
            ("iu", ("ю", "ью")),
            ("l", ("л", "ль")),
            ("y", ("ы",)),
        ),
        ((r"na$", "naja"), (r"(?:(?<=[^h]s)|(?<=c))ka$", "kaja")),
    ),  # Nawalna, Politkowska
    "cs": (
        "ch|c|ie",
        "w|sz|cz|ou|oe",
        (),
        (
            ("ch", ("х",)),
            ("c", ("ц",)),
            ("ie", ("ье", "е")),
        ),
        (),
    ),
    "nl": (
        "oe|sj|zj|tj|ch",
        "w|sch|ou",
        (),
        (
            ("sjtsj", ("щ",)),
            ("sjtj", ("щ",)),
            ("tsj", ("ч",)),
            ("tj", ("ч",)),
            ("sj", ("ш",)),
            ("zjoe", ("жу", "зю")),
            ("zj", ("ж",)),
            ("joe", ("ю",)),
            ("oe", ("у",)),
            ("ch", ("х",)),
        ),
        (),
    ),
}
_PROFILE_CANDIDATES = 8


class _Profile:
    """One language's units merged with the scheme units, longest first."""

    __slots__ = ("name", "trigger", "veto", "units", "by_first", "unit_re", "table", "endings")

    def __init__(
        self,
        name: str,
        trigger: str,
        veto: str,
        drop: tuple[str, ...],
        units: tuple[tuple[str, tuple[str, ...]], ...],
        endings: tuple[tuple[str, str], ...],
    ) -> None:
        self.name = name
        self.trigger = re.compile(trigger) if trigger else None
        self.veto = re.compile(veto) if veto else None
        general = dict(_PRESS_SPELLINGS["any"][3]) if name != "any" else {}
        self.units = {**general, **dict(units)}
        merged = {lat: cyr for lat, cyr in _UNITS if lat not in drop}
        merged.update(self.units)
        self.by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for lat, cyr in sorted(merged.items(), key=lambda t: -len(t[0])):
            self.by_first.setdefault(lat[0], []).append((lat, cyr))
        self.unit_re, self.table = unit_matcher(self.by_first)
        self.endings = tuple((re.compile(rx), rep) for rx, rep in endings)


_FRENCH_MARKS_RE = re.compile(r"ou|gu[eiy]|tch|[éèëêïîôç]|.j.*e$|x")
_PROFILES = tuple(_Profile(name, *spec) for name, spec in _PRESS_SPELLINGS.items())


@lru_cache(maxsize=65536)
def foreign_readings(word: str) -> tuple[tuple[str, ...], ...]:
    """Cyrillic readings of a Latin word as other languages spell Russian names (see above),
    lower case, without those :func:`to_cyrillic_candidates` gives, grouped by how many
    non-first readings of a unit each takes (the likelier group first); at most
    ``_PROFILE_CANDIDATES`` per language whose letters the word has."""
    written = word.lower()
    prepared = _prepare_latin(word)
    base = set(to_cyrillic_candidates(word))
    costs: dict[str, int] = {}
    for profile in _PROFILES:
        if profile.trigger is not None and not (
            profile.trigger.search(prepared) or profile.trigger.search(written)
        ):
            continue
        if profile.veto is not None and profile.veto.search(prepared):
            continue
        text = prepared
        if profile.name != "fr" or _FRENCH_MARKS_RE.search(written):
            # (a French word needs a mark besides j before its final e is mute: Jake is
            # no Жак, Soljenitsyne and Alexandre are Солженицын, Александр)
            for rx, rep in profile.endings:
                text = rx.sub(rep, text)
        spelled = _spell_costed(_tokenize(text, profile=profile), _PROFILE_CANDIDATES)
        for cand, cost in spelled.items():
            if cand not in base and costs.get(cand, 99) > cost:
                costs[cand] = cost
    tiers: dict[int, list[str]] = {}
    for cand, cost in costs.items():
        tiers.setdefault(cost, []).append(cand)
    return tuple(tuple(tiers[c]) for c in sorted(tiers))

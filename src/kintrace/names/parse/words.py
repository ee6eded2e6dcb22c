"""One word of a name: its readings (pymorphy3 and the given-name table), its role scores
(surname, given name, patronymic) and how its readings fit each (sex, case) hypothesis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kintrace.names.given import canonical_given, given_sex, is_given_form
from kintrace.names.morph import (
    from_dictionary,
    grammemes,
    in_dictionary,
    is_known_name_word,
    parses,
    tag_facts,
)
from kintrace.names.parse.surnames import given_readings, surname_readings
from kintrace.names.text import ScriptCode, detect_script, fold
from kintrace.names.translit import to_cyrillic

_PATR_STRONG_RE = re.compile(
    r"(?:ович|евич|ёвич|ьич|овн|евн|ёвн|ичн|иничн)(?:а|у|ем|ом|е|ой|ою|ы|и|ну|не|ною)?$"
)
_PATR_WEAK_RE = re.compile(r"ич(?:а|у|ем|е)?$")
_SURNAME_SUFFIX_RE = re.compile(
    r"(?:ов|ев|ёв|ин|ын|ский|цкий|ской|цкой|ская|цкая|ова|ева|ёва|ина|ына|енко|ко|ук|юк|"
    r"чук|як|их|ых|ий|ой|ей|дзе|швили|ян|янц|ац|иди|ди|ман|ер|ич)$"
)

# (sex or None, case) -> (score, nominative lower-case)
_Forms = dict[tuple[str | None, str], tuple[float, str]]


@dataclass(slots=True)
class _Word:
    text: str  # as written (look-alikes fixed)
    cyr: str  # lower-case Cyrillic reading
    latin: bool
    script: ScriptCode
    caps: bool
    s_score: float
    g_score: float
    p_score: float
    # role -> {(gender or None, case): (score, nominative lower-case)}
    forms: dict[str, _Forms]
    # role -> fit score of each (sex, case) hypothesis in _HYPOTHESES order (-1: no reading)
    fit: dict[str, tuple[float, ...]]
    scores: dict[str, float]  # role -> role score (the three above)
    # Filled by the fast path (see _parse_fast): an id of everything the order and the
    # (sex, case) choice read from this word, and this word's parts per role and hypothesis.
    sig: int = 0
    memo: dict[Any, Any] = field(default_factory=dict)


_GENDERS = {"masc": "m", "femn": "f"}
_ROLE_TAG = {"S": "Surn", "G": "Name", "P": "Patr"}
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_HYPOTHESES = tuple((sex, case) for sex in ("m", "f") for case in _CASES)
_HYPOTHESIS_PRIOR = tuple(0.3 if case == "nomn" else 0.0 for _, case in _HYPOTHESES)


_HYPOTHESIS_INDEX = {h: i for i, h in enumerate(_HYPOTHESES)}


# (gender or None, case) of a reading -> the hypotheses it fits (no gender: either sex)
_FIT_SLOTS = {
    (gender, case): tuple(
        _HYPOTHESIS_INDEX[(sex, case)] for sex in ((gender,) if gender else ("m", "f"))
    )
    for gender in ("m", "f", None)
    for case in _CASES
}
_NO_FIT = (-1.0,) * len(_HYPOTHESES)
_M_GENT, _M_ACCS = _HYPOTHESIS_INDEX[("m", "gent")], _HYPOTHESIS_INDEX[("m", "accs")]


def _fit(forms: _Forms) -> tuple[float, ...]:
    if not forms:
        return _NO_FIT
    fit = [-1.0] * len(_HYPOTHESES)
    for key, (score, _) in forms.items():
        for i in _FIT_SLOTS.get(key, ()):
            if score > fit[i]:
                fit[i] = score
    # A word that is both a man's genitive and accusative (Ивана, Петровича: animate, the
    # two forms are one) fits both alike, whatever the corpus counts of the two readings
    # say; the other words choose between them (Голову Ивана Петровича: accusative).
    if ("m", "gent") in forms and ("m", "accs") in forms:
        fit[_M_GENT] = fit[_M_ACCS] = max(fit[_M_GENT], fit[_M_ACCS])
    return tuple(fit)


def _dictionary_forms(cyr: str, latin: bool) -> tuple[dict[str, _Forms], bool]:
    """({role: {(sex, case): (score, nominative or reading)}}, whether the dictionary
    declines the word as a given name itself: Ивана, Марии; not only as an indeclinable
    foreign name: Элле, Кристине)."""
    forms: dict[str, _Forms] = {"S": {}, "G": {}, "P": {}}
    totals = {"S": 0.0, "G": 0.0, "P": 0.0}
    readings = []
    for p in parses(cyr):
        names, case, gender, number = tag_facts(p.tag)
        # A name in a name is singular: the plural readings are where the guesser invents
        # a surname (Шульгой → "Шульгойя", Толстых → the Толстые)
        if not names or not case or number == "plur":
            continue
        for role, tag in _ROLE_TAG.items():
            if tag in names:
                readings.append((role, p, case, gender, number))
                totals[role] += p.score
    known_surname = declinable_name = False
    known_patronymic = any(role == "P" and from_dictionary(p) for role, p, *_ in readings)
    for role, p, case, gender, _number in readings:
        if latin and case != "nomn":
            continue
        if case in ("gen2", "acc2", "loc2", "voct"):
            continue
        # The nominative of an oblique reading is worked out only if that reading wins.
        nom = p.word if case == "nomn" else p
        score = p.score / totals[role] if totals[role] else 0.0
        if role == "S":
            if from_dictionary(p):
                known_surname = True
            else:
                score *= 0.5  # a guessed surname reading yields to the declension rules
        elif role == "G":
            if "Fixd" not in grammemes(p.tag):
                declinable_name = declinable_name or from_dictionary(p)
            elif case != "nomn":
                score *= 0.5  # "Элле" as an indeclinable name yields to Элла's dative
        key = (_GENDERS.get(gender or ""), case)
        if key not in forms[role] or forms[role][key][0] < score:
            forms[role][key] = (score, nom)
    # Latin words are read as written, in the nominative. The declension rules cost time, and
    # add nothing to a surname of the -ов/-ин type the dictionary knows in a form no other
    # type shares (Иванов, Ивановым; not Иванову/Голову, Иванове/Голове, Иванова/Голова, Ивановой/
    # Кошевой), nor to a patronymic the dictionary knows.
    if (
        not latin
        and not (known_surname and _PLAIN_POSSESSIVE_RE.search(cyr))
        and not known_patronymic
    ):
        surnames = forms["S"]
        for key, reading in surname_readings(cyr).items():
            if key not in surnames or surnames[key][0] < reading[0]:
                surnames[key] = reading
    return forms, declinable_name


@lru_cache(maxsize=262144)
def _analyse(text: str) -> _Word:
    """Role scores and readings of one word as written (its case matters only for ``caps``)."""
    word = _analyse_lower(text.lower())
    caps = text.isupper() and len(text.strip(".")) > 1
    if caps == word.caps:
        return word
    # The parts in the memo are made from the readings alone (not the text or its case):
    # "ИВАНОВ" shares them with "иванов" instead of working them out again. (Built field
    # by field: dataclasses.replace introspects the class on every call, ten times slower.)
    w = word
    return _Word(
        text,
        w.cyr,
        w.latin,
        w.script,
        caps,
        w.s_score,
        w.g_score,
        w.p_score,
        w.forms,
        w.fit,
        w.scores,
        0,
        w.memo,
    )


@lru_cache(maxsize=262144)
def _analyse_lower(text: str) -> _Word:
    script = detect_script(text)
    latin = script != "cyrl"
    if latin:
        cyr = to_cyrillic(text)
    else:  # Ukrainian letters as their Russian counterparts
        cyr = fold(text).replace("і", "и").replace("ї", "и").replace("є", "е")
    forms, declinable_name = _dictionary_forms(cyr, latin)
    # Given names the dictionary does not tag (Андрюха, Sanya): nominative from the table.
    known_given = is_given_form(cyr)
    if known_given and not forms["G"]:
        found = canonical_given(cyr)
        sex = given_sex(found[0]) if found else None
        forms["G"][(sex, "nomn")] = (1.0, cyr)
    elif not forms["G"] and not latin:
        # nor the table (Ляля, Гульчачак, Ирек): declined as a noun of its ending, below
        # any dictionary reading
        forms["G"] = dict(given_readings(cyr))
    # (not for a word the dictionary declines as a name itself: Ивана, Марии)
    declined = {} if latin or declinable_name else _declined_given(cyr)
    for key, reading in declined.items():
        # a case form of a known name (Кристине, Элле, Асие: the dictionary has them only as
        # indeclinable foreign names; Марьяна as a man's genitive)
        if key not in forms["G"] or forms["G"][key][0] < reading[0]:
            forms["G"][key] = reading
    # Surnames the dictionary does not know: taken as written, nominative, either sex.
    if not forms["S"]:
        forms["S"][(None, "nomn")] = (0.5, cyr)
    if not forms["P"] and _PATR_STRONG_RE.search(cyr):
        sex = "f" if re.search(r"(?:вн|ичн)[а-я]*$", cyr) else "m"
        forms["P"][(sex, "nomn")] = (0.5, cyr)

    tags = _dictionary_tags(cyr)
    if _PATR_STRONG_RE.search(cyr) or "Patr" in tags:
        p_score = 3.0
    elif _PATR_WEAK_RE.search(cyr) or forms["P"]:  # -ич alone is also a surname ending
        p_score = 1.0
    else:
        p_score = 0.0
    g_score = 2.5 if known_given else (2.0 if "Name" in tags or declined else 0.0)
    if "Surn" in tags:
        s_score = 2.0
    elif _SURNAME_SUFFIX_RE.search(cyr):
        s_score = 1.5
    elif not is_known_name_word(cyr) and not known_given:
        s_score = 1.0
    else:
        s_score = 0.3
    if p_score >= 3.0:
        g_score = min(g_score, 0.5)
        if "Surn" in tags:  # Абрамович, Шостакович: "Роман Абрамович" is Имя Фамилия
            p_score = 2.0
    if known_given and "Surn" not in tags:
        s_score = min(s_score, 0.5)
    if p_score >= 3.0 and not tags and _surname_like_patronymic(cyr):
        # Рабинович, Мицкевич: -ович from no given name. The dictionary knows the
        # patronymics of the usual names, so an unknown -ович whose stem is no given name is
        # as likely a surname ("Михаил Абрамович Рабинович"); the order decides
        p_score, s_score = 2.0, 2.0
    fit = {role: _fit(f) for role, f in forms.items()}
    # A patronymic's ending says case and sex without doubt (-овича, -евной); a given name or
    # surname may be a word of another sex or case (Венера, Рима, Шульгой): the patronymic
    # counts twice when the (sex, case) hypothesis is chosen ("P2"; the order is chosen on
    # the plain fit, where a doubled patronymic would outweigh the surname of Роман Абрамович).
    fit["P2"] = tuple(2.0 * x for x in fit["P"])
    scores = {"S": s_score, "G": g_score, "P": p_score}
    return _Word(text, cyr, latin, script, False, s_score, g_score, p_score, forms, fit, scores)


_PLAIN_POSSESSIVE_RE = re.compile(r"(?:[оеё]в|[иы]н)(?:|ым)$")
_MALE_PATRONYMIC_STEM_RE = re.compile(r"^(.{2,}?)(?:ович|евич|ёвич)(?:а|у|ем|ом|е)?$")


def _surname_like_patronymic(cyr: str) -> bool:
    """An -ович/-евич word whose stem is no given name (Рабин-ович; but Рустам-ович,
    Серге-евич are patronymics)."""
    m = _MALE_PATRONYMIC_STEM_RE.match(cyr)
    if not m:
        return False
    stem = m.group(1)
    candidates = (stem, stem + "й", stem.rstrip("ь") + "ий", stem + "а", stem + "я")
    return not any(is_given_form(c) for c in candidates)


def _declined_given(cyr: str) -> _Forms:
    """The readings of a word as a case form of a given name the table or the dictionary
    knows in the nominative (Кристине → Кристина, Асие → Асия, Марьяна → Марьян)."""
    out: _Forms = {}
    for key, (_score, nom) in given_readings(cyr).items():
        if nom != cyr and (
            is_given_form(nom, exact=True)
            or (in_dictionary(nom) and "Name" in _dictionary_tags(nom))
        ):
            out[key] = (0.6, nom)
    return out


@lru_cache(maxsize=262144)
def _dictionary_tags(cyr: str) -> frozenset[str]:
    """Which of Surn/Name/Patr the dictionary (not the guesser) gives a singular reading."""
    found: set[str] = set()
    for p in parses(cyr):
        names, _case, _gender, number = tag_facts(p.tag)
        if names and number != "plur" and not names <= found and from_dictionary(p):
            found |= names
    return frozenset(found)

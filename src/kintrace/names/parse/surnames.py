"""How Russian surnames decline: every (sex, case) a surname written in some case may be in,
with its nominative in that reading.

The declension types are Zaliznyak's, as the petrovich rules also describe them as data:

* adjectival (Белый/Белая, Кошевой, Задорожний/Задорожняя, Трубецкой, Осадчий):
  -ого/-ому/-ым/-ом for a man, -ой/-ую for a woman;
* possessive -ов/-ев/-ин/-ын (Иванов/Иванова): -а/-у/-ым/-е for a man, -ой/-у for a woman;
* first declension, -а/-я, both sexes alike (Шульга, Зима, Кочерга, Голова, Берия):
  -ы/-и, -е, -у/-ю, -ой/-ей;
* second declension, a consonant, -ь or -й (Мельник, Коваль, Соловей, Заяц, Лев): a man's
  declines (-а/-я, -у/-ю, -ом/-ем, -е; the fleeting vowel of Соловей/Соловья, Заяц/Зайца,
  Кравец/Кравца drops), a woman's is the same in every case;
* indeclinable: -ых/-их (Толстых, Черных), -о/-ко/-енко, and the other vowels.

Where the dictionary knows the word as a common noun (мельник, соловей, заяц, кот, зима),
its lemma settles the fleeting vowel; otherwise the rules below do. Which reading is the
right one is not decided here: the words around the surname (given name, patronymic) decide
the (sex, case) hypothesis, and the surname's reading in it gives the nominative.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kintrace.names.morph import from_dictionary, grammemes, in_dictionary, parses, tag_facts

__all__ = ["given_readings", "surname_readings"]

_VOWELS = frozenset("аеёиоуыэюя")
_VELAR_HUSHING = frozenset("гкхжшчщ")
_HUSHING_C = frozenset("жшчщц")
_OBLIQUE = ("gent", "datv", "accs", "ablt", "loct")
_ALL_CASES = ("nomn", *_OBLIQUE)
_INDECLINABLE_RE = re.compile(r"(?:[ыи]х|[оеиуюэы])$")
_POSSESSIVE_RE = re.compile(r"(?:[оеё]в|[иы]н)$")
_ADJECTIVAL_M_RE = re.compile(r"(?:[иыо]й)$")
_ADJECTIVAL_F_RE = re.compile(r"(?:а|я)я$")
_ADJECTIVAL_OBLIQUE_EI_RE = re.compile(r"(?<=.{3})[жшчщн]ей$")

# The last two letters of the words each group of endings below can apply to: most words
# skip most groups on one set lookup
_ADJ_M_TAILS = frozenset(("го", "му", "ым", "им", "ом", "ем"))
_ADJ_F_TAILS = frozenset(("ой", "ей", "ую", "юю"))
_POSS_TAILS = frozenset(("ым", "ой"))
_NOUN2_TAILS = frozenset(("ом", "ем", "ём"))

# Endings of each declension type, with the cases they mark
_OBL_F = ("gent", "datv", "ablt", "loct")
_ADJ_M_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (  # a man's adjectival surname
    ("ого", ("gent", "accs")),
    ("его", ("gent", "accs")),
    ("ому", ("datv",)),
    ("ему", ("datv",)),
    ("ым", ("ablt",)),
    ("им", ("ablt",)),
    ("ом", ("loct",)),
    ("ем", ("loct",)),
)
_ADJ_F_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (  # a woman's adjectival surname
    ("ой", _OBL_F),
    ("ней", _OBL_F),
    ("жей", _OBL_F),
    ("шей", _OBL_F),
    ("чей", _OBL_F),
    ("щей", _OBL_F),
    ("ую", ("accs",)),
    ("юю", ("accs",)),
)
# -ов/-ин: ending, sex, cases, what the nominative adds back
_POSS_ENDINGS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("а", "m", ("gent", "accs"), ""),
    ("а", "f", ("nomn",), "а"),
    ("у", "m", ("datv",), ""),
    ("у", "f", ("accs",), "а"),
    ("ым", "m", ("ablt",), ""),
    ("е", "m", ("loct",), ""),
    ("ой", "f", _OBL_F, "а"),
)
_NOUN2_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (  # second declension, a man's
    ("а", ("gent", "accs")),
    ("я", ("gent", "accs")),
    ("у", ("datv",)),
    ("ю", ("datv",)),
    ("ом", ("ablt",)),
    ("ем", ("ablt",)),
    ("ём", ("ablt",)),
    ("е", ("loct",)),
)

# Scores of the rule readings, below a dictionary surname reading (normalised to 1.0 when it
# is the only one) so that a known surname keeps its own readings.
_NOUN = 0.5
_RULE = 0.4
_AS_WRITTEN = 0.35


@lru_cache(maxsize=65536)
def _is_noun(word: str) -> bool:
    """Whether the dictionary knows the word as the nominative singular of a noun."""
    if not in_dictionary(word):  # most candidate nominatives: no parse needed
        return False
    for p in parses(word):
        names, case, _gender, number = tag_facts(p.tag)
        if (
            case == "nomn"
            and number == "sing"
            and "NOUN" in grammemes(p.tag)
            and from_dictionary(p)
            and p.word == word
            and not names
        ):
            return True
    return False


def _restore_fleeting(stem: str) -> str:
    """A second-declension stem with its fleeting vowel put back (Кравц → Кравец, Коломийц →
    Коломиец, Зайц → Заяц, Пальц → Палец, Соловь → Соловей)."""
    if stem.endswith("айц"):
        return stem[:-2] + "яц"
    if stem.endswith(("ийц", "ейц")):
        return stem[:-2] + "ец"
    if stem.endswith("ьц"):
        return stem[:-2] + "ец"
    if len(stem) >= 4 and stem.endswith("ц") and stem[-2] not in _VOWELS:
        return stem[:-1] + "ец"
    if stem.endswith("ь") and len(stem) >= 4:
        return stem[:-1] + "ей"
    return stem


def _adjective_m(stem: str, word: str) -> str:
    """A man's nominative of an adjectival stem: -ой where the dictionary reads the word so
    (Кошевого → Кошевой, Трубецкого → Трубецкой), -ий after г к х ж ш ч щ and for soft
    stems, else -ый."""
    for p in parses(word):
        nf = p.normal_form
        if nf.startswith(stem) and nf.endswith("ой") and len(nf) == len(stem) + 2:
            return stem + "ой"
    if stem[-1] in _VELAR_HUSHING:
        return stem + "ий"
    return stem + "ый"


@lru_cache(maxsize=262144)
def surname_readings(word: str) -> dict[tuple[str | None, str], tuple[float, str]]:
    """{(sex or None for either, case): (score, nominative)} for a lower-case Cyrillic word
    read as a surname. A hyphenated surname declines in every part (Петрова-Водкина)."""
    if "-" in word:
        parts = [surname_readings(p) for p in word.split("-") if p]
        if not parts:
            return {}
        joined: dict[tuple[str | None, str], tuple[float, str]] = {}
        for key in set.intersection(*(set(p) for p in parts)):
            score = min(p[key][0] for p in parts)
            joined[key] = (score, "-".join(p[key][1] for p in parts))
        return joined
    out: dict[tuple[str | None, str], tuple[float, str]] = {}

    def add(sex: str | None, case: str, nominative: str, score: float, noun: bool = False) -> None:
        if len(nominative) < 2:
            return
        if noun and _is_noun(nominative):  # a common noun is a likelier surname (Ворона)
            score += 0.1
        if (sex, case) not in out or out[(sex, case)][0] < score:
            out[(sex, case)] = (score, nominative)

    n = len(word)
    if n < 2:
        return out
    last, tail2 = word[-1], word[-2:]

    # indeclinable: -ых/-их, -о/-ко/-енко, -е, -и, -у, -ю, -э, -ы
    if _INDECLINABLE_RE.search(word) and not word.endswith(("ые", "ие", "ого", "его")):
        # -ых/-их and -о surely; a final -у, -ы, -е, -и is likelier a case ending (Голову)
        # than an indeclinable surname (Шойгу, Джугашвили)
        sure = last == "о" or word.endswith(("ых", "их"))
        for case in _ALL_CASES:
            add(None, case, word, _AS_WRITTEN if sure else 0.15)

    # adjectival. -ого/-ому/-ую can be nothing else; -ым and -ой are also the instrumental
    # and a woman's oblique case of an -ов/-ин surname (Ивановым, Ивановой), and -ой the
    # first declension's instrumental (Шульгой): there the dictionary must read the word as
    # an adjective, and the -ов/-ин reading keeps the lead (Кошевой Анны: Кошева or
    # Кошевая, the commoner type wins)
    readings = parses(word)
    adjective_score = max((p.score for p in readings if "ADJF" in grammemes(p.tag)), default=0.0)
    adjective = n >= 5 and adjective_score > 0
    if n >= 5:
        if _ADJECTIVAL_M_RE.search(word):
            add("m", "nomn", word, _RULE + 0.05)
        if _ADJECTIVAL_F_RE.search(word):
            add("f", "nomn", word, _RULE + 0.05)
        for ending, cases in _ADJ_M_ENDINGS if tail2 in _ADJ_M_TAILS else ():
            if word.endswith(ending):
                stem = word[: -len(ending)]
                nom = (
                    stem + "ий"
                    if ending[0] == "е" or ending == "им" and stem[-1] == "н"
                    else _adjective_m(stem, word)
                )
                if ending == "ым" and _POSSESSIVE_RE.search(stem):
                    score = _RULE - 0.1
                elif ending in ("ым", "им", "ом", "ем"):
                    score = _RULE + 0.15 if adjective else _RULE - 0.1
                else:
                    score = _RULE + 0.15
                for case in cases:
                    add("m", case, nom, score)
        for ending, cases in _ADJ_F_ENDINGS if tail2 in _ADJ_F_TAILS else ():
            if word.endswith(ending):
                stem = word[:-2]
                soft = ending[-2] in "ею" and stem[-1] not in _HUSHING_C
                if ending in ("ую", "юю"):
                    score = _RULE + 0.15
                elif ending == "ой" and _POSSESSIVE_RE.search(stem):
                    score = _RULE - 0.1
                elif adjective:
                    score = _RULE + 0.15
                else:
                    # a long stem before -ней/-чей is an adjective's (Задорожней, Осадчей);
                    # a short one may be a noun's instrumental (Гущей)
                    score = _RULE + 0.05 if len(stem) >= 5 and ending != "ой" else _RULE - 0.1
                for case in cases:
                    add("f", case, stem + ("яя" if soft else "ая"), score)

    # possessive -ов/-ин
    if _POSSESSIVE_RE.search(word):
        add("m", "nomn", word, _RULE + 0.05)
    possessive_tail = tail2 in _POSS_TAILS or last in "ауе"
    for ending, sex, cases, back in _POSS_ENDINGS if possessive_tail else ():
        if word.endswith(ending) and _POSSESSIVE_RE.search(word[: -len(ending)]):
            for case in cases:
                add(sex, case, word[: -len(ending)] + back, _RULE + 0.05)

    # first declension (-а/-я), either sex
    if last in "ая" and n >= 3:
        add(None, "nomn", word, _RULE, noun=True)
    if n >= 4:
        stem1, stem2 = word[:-1], word[:-2]
        if stem1[-1] in _VOWELS and stem1[-1] != "и":
            pass  # Соловее, Гордеи: no -а/-я word has a vowel before its ending but и (Берия)
        elif last == "ы":
            add(None, "gent", stem1 + "а", _RULE, noun=True)
        elif last == "и":
            soft = stem1[-1] not in _VELAR_HUSHING
            add(None, "gent", stem1 + ("я" if soft else "а"), _RULE, noun=True)
        elif last == "е":
            for case in ("datv", "loct"):
                add(None, case, stem1 + ("я" if stem1[-1] == "и" else "а"), _RULE, noun=True)
        elif last == "у":
            add(None, "accs", stem1 + "а", _RULE, noun=True)
        elif last == "ю":
            add(None, "accs", stem1 + "я", _RULE, noun=True)
        if word.endswith(("ой", "ою")):
            add(None, "ablt", stem2 + "а", _RULE, noun=True)
        elif word.endswith(("ей", "ею")):
            soft = stem2[-1] not in _HUSHING_C
            add(None, "ablt", stem2 + ("я" if soft else "а"), _RULE, noun=True)

    # second declension: a man's consonant, -ь, -й; a woman's does not decline
    if (
        last not in _VOWELS
        and not _POSSESSIVE_RE.search(word)
        and not (n >= 5 and _ADJECTIVAL_M_RE.search(word))
    ):
        add("m", "nomn", word, _RULE, noun=True)
        if not _ADJECTIVAL_OBLIQUE_EI_RE.search(word):  # Осадчей is Осадчая's genitive
            for case in _ALL_CASES:
                add("f", case, word, _AS_WRITTEN, noun=True)
    if n >= 4:
        noun_tail = last in "аяуюе" or tail2 in _NOUN2_TAILS
        for ending, cases in _NOUN2_ENDINGS if noun_tail else ():
            if not word.endswith(ending):
                continue
            stem = word[: -len(ending)]
            if stem[-1] in _VOWELS:
                if ending in ("я", "ю", "ем", "ём", "е"):
                    stem += "й"  # Гордея → Гордей
                else:
                    continue
            elif ending in ("я", "ю", "ём") or (ending == "ем" and stem[-1] not in _HUSHING_C):
                if not stem.endswith("ь"):
                    stem += "ь"  # Коваля → Коваль, Соловья → (Соловь →) Соловей
            nom = _restore_fleeting(stem)
            for case in cases:
                add("m", case, nom, _RULE - 0.05, noun=True)

    # the dictionary's nouns settle the fleeting vowel (Волчка → Волчок, Орла → Орёл, Льва →
    # Лев), unless the dictionary finds the noun rarer than the word's adjective reading
    # (Белой is Белая's, not the name Бела's)
    for p in readings:
        _names, reading_case, gender, number = tag_facts(p.tag)
        if (
            reading_case is None
            or reading_case not in _OBLIQUE
            or number == "plur"
            or p.score < adjective_score
            or "NOUN" not in grammemes(p.tag)
        ):
            continue
        lemma = p.normal_form.replace("ё", "е")
        if lemma[0] != word[0] or len(lemma) < 3:  # Льва → Лев: the vowel comes back
            continue
        # an animate noun is the likelier surname (Ворона, Сорока) than an adjective
        # (Вороная); an inanimate one less so (Кошевой is Кошевая's, not the sledge's)
        score = _NOUN if from_dictionary(p) and "anim" in grammemes(p.tag) else _RULE
        if gender == "masc" and lemma[-1] not in "ая":
            add("m", reading_case, lemma, score, noun=True)
        elif lemma[-1] in "ая":
            add(None, reading_case, lemma, score, noun=True)
    return out


@lru_cache(maxsize=65536)
def given_readings(word: str) -> dict[tuple[str | None, str], tuple[float, str]]:
    """{(sex or None, case): (score, nominative)} for a lower-case Cyrillic given name
    neither the dictionary nor the table knows, declined as a noun of its ending: -а/-я of
    either sex (Ляля, Ляли; Фома), a man's consonant (Ирек, Ирека), a woman's consonant not
    at all (Гульчачак, Лейсан). Scores are low: any known reading wins."""
    out: dict[tuple[str | None, str], tuple[float, str]] = {}
    for (sex, case), (score, nom) in surname_readings(word).items():
        last = nom[-1]
        first_declension = last in "ая" and (sex is None)
        second_declension = (
            last not in _VOWELS
            and not (_POSSESSIVE_RE.search(nom) and nom != word)
            and not (len(nom) >= 5 and _ADJECTIVAL_M_RE.search(nom) and nom != word)
        )
        if first_declension or second_declension:
            out[(sex, case)] = (score * 0.5, nom)
    return out

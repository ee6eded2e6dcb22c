"""Parse a person's full name, in any script and any order, into normalised parts and keys.

How the order is decided
------------------------
The text is cleaned (:func:`kintrace.names.text.clean`), cut at the first comma that is
followed by something other than given names (so "Иванов Александр Сергеевич, 1984"
keeps the name), and split into words and initials ("А.С.", "А. С.", "Yu.").
Look-alike letters are fixed word by word toward the script of the text.

Every word gets three role scores, cached per distinct word:

* patronymic — suffix (-ович/-евич/-ьич/-овна/-евна/-ична and their case endings, checked
  on the Cyrillic reading of Latin words too) or the dictionary's ``Patr`` tag;
* given name — the given-name table (``data/given_names.tsv``: full names, diminutives,
  English and Ukrainian forms) or the dictionary's ``Name`` tag;
* surname — the dictionary's ``Surn`` tag, surname suffixes (-ов/-ев/-ин/-ский/-енко/-ук/…),
  or simply being unknown as a given name.

The candidate orders (Фамилия Имя Отчество, Имя Отчество Фамилия, Имя Фамилия, Фамилия Имя,
Имя Отчество, with initials filling the slots no word took) are scored by the sum of the
role scores, a small prior per order and script (Russian lists put the surname first;
Latin text more often puts it last), a strong bonus for the word before a "SURNAME, Given"
comma, and a bonus for an all-capitals word among mixed-case ones ("ИВАНОВ Александр").

Grammatical case and sex
------------------------
Names inside sentences come declined ("Иванова Александра Сергеевича"). Each of the 12
(sex, case) hypotheses is scored by how well every word's dictionary readings in its role
fit it; the nominative is favoured, and Latin words are taken as nominative only. The winner
gives the nominative of every part in that sex: a male genitive patronymic makes
"Иванова Александра" Иванов Александр, while "Иванова Мария Петровна" stays female. ``sex``
is reported only when the hypotheses of one sex clearly win ("Саша Смит" has none).

Keys
----
``name_key`` is a coarse ASCII spelling key (see :mod:`kintrace.names.translit`) identical
across scripts and transliteration schemes. ``surname_key`` folds the female form into the
male one (Иванова → ivanov, Жуковская → zhukovski), ``given_key`` is the key of the
*canonical full* given name (Саша/Sasha/Alexander → aleksandr; a woman's Александра keeps
aleksandra), and ``patronymic_key`` is sex-neutral: Сергеевна is keyed as Сергеевич
(sergeevich), since brother and sister share a father and sex is a field of its own.

Known ambiguity
---------------
Diminutives standing for several names (Женя, Саша, Слава, Валя, Гоша…) resolve by sex,
male when it is unknown, and the other readings are in ``given_alternatives``. A Latin
initial "Y." is taken as Е (Yevgeny/Yegor); "J." as Ю. Four or more words: the first three
are used. Single words that are both given names and surnames (Роман, Павел → Павлов is not
one) follow the order prior. A -ович word the dictionary also knows as a surname
(Абрамович) is a weaker patronymic: "Роман Абрамович" is Имя Фамилия. An upper-case Г, Р
or B is an initial unless a number came before it ("1984 Г.Р.").

Speed
-----
``parse_name`` first tries ``_parse_fast`` (one to three words: decisions cached per tuple
of word signatures, parts memoised per word and hypothesis), and falls back to
``_parse_general``, the reference it is tested against. See docs/names.md, "Speed".
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache

from kintrace.names.given import canonical_given, given_sex, is_given_form
from kintrace.names.text import clean, detect_script, fix_lookalikes, fold
from kintrace.names.morph import from_dictionary, is_known_name_word, parses, tag_facts
from kintrace.names.translit import cyrillic_key, to_cyrillic

__all__ = ["ParsedName", "parse_name", "parse_name_parts", "name_key"]


@dataclass(frozen=True, slots=True)
class ParsedName:
    original: str
    surname: str | None
    given: str | None
    patronymic: str | None
    given_initial: str | None
    patronymic_initial: str | None
    sex: str | None
    script: str
    surname_key: str | None
    given_key: str | None
    patronymic_key: str | None
    given_alternatives: tuple[str, ...] = ()


# --- words -------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*\.?|[^\W\d_]*\d[\w.]*")
_INITIALS_RUN_RE = re.compile(r"^(?:[^\W\d_]{1,2}\.){2,3}$")
_LATIN_DIGRAPH_INITIALS = {"yu", "ya", "ye", "yo", "zh", "kh", "ch", "sh", "ts", "ju", "ja"}
_NOISE = {
    "г", "гр", "р", "род", "рожд", "года", "год", "рождения", "уроженец", "уроженка",
    "гражданин", "гражданка", "тов", "mr", "mrs", "ms", "dr", "born", "b",
}
_TURKIC_PATRONYMIC = {"оглы", "оглу", "кызы", "улы", "ogly", "oglu", "kyzy", "uly"}

_PATR_STRONG_RE = re.compile(
    r"(?:ович|евич|ёвич|ьич|овн|евн|ёвн|ичн|иничн)(?:а|у|ем|ом|е|ой|ою|ы|и|ну|не|ною)?$"
)
_PATR_WEAK_RE = re.compile(r"ич(?:а|у|ем|е)?$")
_SURNAME_SUFFIX_RE = re.compile(
    r"(?:ов|ев|ёв|ин|ын|ский|цкий|ской|цкой|ская|цкая|ова|ева|ёва|ина|ына|енко|ко|ук|юк|"
    r"чук|як|их|ых|ий|ой|ей|дзе|швили|ян|янц|ац|иди|ди|ман|ер|ич)$"
)


@dataclass(slots=True)
class _Word:
    text: str          # as written (look-alikes fixed)
    cyr: str           # lower-case Cyrillic reading
    latin: bool
    script: str
    caps: bool
    s_score: float
    g_score: float
    p_score: float
    # role -> {(gender or None, case): (score, nominative lower-case)}
    forms: dict
    # role -> fit score of each (sex, case) hypothesis in _HYPOTHESES order (-1: no reading)
    fit: dict
    scores: dict  # role -> role score (the three above)
    # Filled by the fast path (see _parse_fast): an id of everything the order and the
    # (sex, case) choice read from this word, and this word's parts per role and hypothesis.
    sig: int = 0
    memo: dict = field(default_factory=dict)


@lru_cache(maxsize=4096)
def _initial_letter(token: str) -> str | None:
    """One upper-case Cyrillic letter for an initial written in any script."""
    t = fold(token.strip(".")).replace("'", "")
    if not t:
        return None
    if detect_script(t) == "cyrillic":
        return t[0].replace("ё", "е").upper()
    special = {"y": "Е", "j": "Ю", "c": "К", "h": "Х", "x": "Х", "w": "В", "q": "К"}
    if len(t) == 1 and t in special:
        return special[t]
    cyr = to_cyrillic(t)
    return cyr[0].replace("ё", "е").upper() if cyr else None


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


def _fit(forms: dict) -> tuple[float, ...]:
    if not forms:
        return _NO_FIT
    fit = [-1.0] * len(_HYPOTHESES)
    for key, (score, _) in forms.items():
        for i in _FIT_SLOTS.get(key, ()):
            if score > fit[i]:
                fit[i] = score
    return tuple(fit)


def _dictionary_forms(cyr: str, latin: bool) -> dict:
    forms: dict = {"S": {}, "G": {}, "P": {}}
    totals = {"S": 0.0, "G": 0.0, "P": 0.0}
    readings = []
    for p in parses(cyr):
        names, case, gender, number = tag_facts(p.tag)
        if not names or not case:
            continue
        for role, tag in _ROLE_TAG.items():
            if tag in names:
                readings.append((role, p, case, gender, number))
                totals[role] += p.score
    for role, p, case, gender, number in readings:
        if latin and case != "nomn":
            continue
        if case in ("gen2", "acc2", "loc2", "voct"):
            continue
        # The nominative of an oblique reading is worked out only if that reading wins.
        nom = p.word if case == "nomn" and number != "plur" else p
        score = p.score / totals[role] if totals[role] else 0.0
        key = (_GENDERS.get(gender), case)
        if key not in forms[role] or forms[role][key][0] < score:
            forms[role][key] = (score, nom)
    return forms


@lru_cache(maxsize=262144)
def _inflect_nominative(p) -> str:
    inflected = p.inflect({"nomn", "sing"})
    return inflected.word if inflected else p.normal_form


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
    return _Word(text, w.cyr, w.latin, w.script, caps, w.s_score, w.g_score, w.p_score,
                 w.forms, w.fit, w.scores, 0, w.memo)


@lru_cache(maxsize=262144)
def _analyse_lower(text: str) -> _Word:
    script = detect_script(text)
    latin = script != "cyrillic"
    if latin:
        cyr = to_cyrillic(text)
    else:  # Ukrainian letters as their Russian counterparts
        cyr = fold(text).replace("і", "и").replace("ї", "и").replace("є", "е")
    forms = _dictionary_forms(cyr, latin)
    # Given names the dictionary does not tag (Андрюха, Sanya): nominative from the table.
    known_given = is_given_form(cyr)
    if known_given and not forms["G"]:
        found = canonical_given(cyr)
        sex = given_sex(found[0]) if found else None
        forms["G"][(sex, "nomn")] = (1.0, cyr)
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
    g_score = 2.5 if known_given else (2.0 if "Name" in tags else 0.0)
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
    scores = {"S": s_score, "G": g_score, "P": p_score}
    return _Word(text, cyr, latin, script, False, s_score, g_score, p_score, forms, fit, scores)


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


@lru_cache(maxsize=262144)
def _dictionary_tags(cyr: str) -> frozenset[str]:
    """Which of Surn/Name/Patr the dictionary (not the guesser) gives a singular reading."""
    found: set[str] = set()
    for p in parses(cyr):
        names, _case, _gender, number = tag_facts(p.tag)
        if names and number != "plur" and not names <= found and from_dictionary(p):
            found |= names
    return frozenset(found)


# --- order -------------------------------------------------------------------------------

_PRIORS = {
    # (number of words, script kind) -> {order: prior}
    (1, "c"): {"S": 0.3, "G": 0.0, "P": -1.0},
    (1, "l"): {"S": 0.3, "G": 0.0, "P": -1.0},
    (2, "c"): {"SG": 0.4, "GS": 0.2, "GP": 0.1, "SP": -0.5},
    (2, "l"): {"GS": 0.4, "SG": 0.2, "GP": 0.1, "SP": -0.5},
    (3, "c"): {"SGP": 0.6, "GPS": 0.3, "GSP": -0.3},
    (3, "l"): {"GPS": 0.4, "SGP": 0.4, "GSP": -0.3},
}


def _choose_order(words: list[_Word], comma_after_first: bool, has_initials: bool) -> str:
    n = len(words)
    latin = True
    caps = plain = 0
    for w in words:
        latin = latin and w.latin
        if w.caps:
            caps += 1
        else:
            plain += 1
    priors = _PRIORS[(n, "l" if latin else "c")]
    mixed_case = caps and plain
    best, best_score = "", float("-inf")
    for order, prior in priors.items():
        if has_initials and n == 1 and order != "S":
            continue
        score = prior
        for w, role in zip(words, order):
            score += w.scores[role]
            if mixed_case and w.caps:
                score += 2.0 if role == "S" else -1.0
        if comma_after_first:
            score += 5.0 if order[0] == "S" else -5.0
        if score > best_score:
            best, best_score = order, score
    return best


# --- sex and case ------------------------------------------------------------------------

def _hypothesis(roles: dict[str, _Word]) -> tuple[str, str, bool]:
    """(sex, case, sex_is_evidenced) that best fits every word's readings in its role."""
    totals = [sum(t) for t in zip(_HYPOTHESIS_PRIOR, *(w.fit[role] for role, w in roles.items()))]
    best = totals.index(max(totals))
    sex, case = _HYPOTHESES[best]
    half = len(_CASES)
    other = max(totals[half:]) if sex == "m" else max(totals[:half])
    return sex, case, totals[best] - other > 0.05


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


# --- keys --------------------------------------------------------------------------------

_FEMALE_SURNAME = [
    (re.compile(r"(ск|цк)ая$"), r"\1ий"),
    # An adjectival surname the dictionary does not know stays in the case the text used
    # ("Давидовского Валерия"): the key folds every case of -ский/-цкий to it
    (re.compile(r"(ск|цк)(?:ого|ому|им|ым|ом|ой|ую)$"), r"\1ий"),
    # and an unknown -ович surname ("Рабиновича Михаила")
    (re.compile(r"(ович|евич|ёвич)(?:а|у|ем|е)$"), r"\1"),
    (re.compile(r"([оеё]в|[иы]н)а$"), r"\1"),
    (re.compile(r"ая$"), "ой"),
]
_FEMALE_PATRONYMIC = [
    (re.compile(r"иничн?а$"), "ич"),
    (re.compile(r"(ов|ев|ёв)на$"), r"\1ич"),
    (re.compile(r"ична$"), "ич"),
]


def _fold_surname(cyr: str) -> str:
    parts = []
    for part in cyr.split("-"):
        for rx, rep in _FEMALE_SURNAME:
            new = rx.sub(rep, part)
            if new != part:
                part = new
                break
        parts.append(part)
    return "-".join(parts)


def _male_patronymic(cyr: str) -> str:
    for rx, rep in _FEMALE_PATRONYMIC:
        new = rx.sub(rep, cyr)
        if new != cyr:
            return new
    return cyr


@lru_cache(maxsize=524288)
def name_key(token: str) -> str:
    """ASCII comparison key of one name token in any script (no gender or case folding)."""
    token = clean(token)
    if not token:
        return ""
    fixed = fix_lookalikes(token)
    if detect_script(fixed) == "cyrillic":
        return cyrillic_key(fixed)
    keys = (cyrillic_key(to_cyrillic(part)) for part in fixed.lower().split("-"))
    return "-".join(k for k in keys if k)


@lru_cache(maxsize=524288)
def _surname_key(cyr: str) -> str:
    return cyrillic_key(_fold_surname(fold(cyr)))


@lru_cache(maxsize=524288)
def _patronymic_key(cyr: str) -> str:
    return cyrillic_key(_male_patronymic(fold(cyr)))


@lru_cache(maxsize=262144)
def _title(cyr: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in cyr.split("-"))


# --- parse -------------------------------------------------------------------------------

@lru_cache(maxsize=262144)
def _classify(raw: str, prefer: str) -> tuple[str, tuple[str, ...]]:
    """What one raw token of a name is: ("word", (text,)), ("initials", letters),
    ("turkic", (text,)) for оглы/кызы, ("number", ()), ("skip", ()) for noise words, or
    ("initial_or_noise", (letter,)) for an upper-case Г, Р, B: an initial ("МИХЕЕВ Г.В.")
    unless a number came before it ("1984 Г.Р.")."""
    if not raw.isalpha() and any(map(str.isdigit, raw)):
        return "number", ()
    if _INITIALS_RUN_RE.match(raw):
        return "initials", tuple(fix_lookalikes(p, prefer) for p in raw.split(".") if p)
    bare = raw.rstrip(".")
    low = fold(bare)
    if low in _NOISE:
        if len(bare) == 1 and bare.isupper():
            return "initial_or_noise", (bare,)
        return "skip", ()
    if low in _TURKIC_PATRONYMIC:
        return "turkic", (bare,)
    if len(bare) == 1 or (raw.endswith(".") and len(bare) == 2 and low in _LATIN_DIGRAPH_INITIALS):
        # a Latin C typed among Cyrillic letters is С, as inside a word
        return "initials", (fix_lookalikes(bare, prefer),)
    return "word", (fix_lookalikes(bare, prefer),)


def _split_tokens(segment: str, prefer: str) -> tuple[list[str], list[str]]:
    """Words and initials of one comma segment, in order; noise words dropped."""
    words: list[str] = []
    initials: list[str] = []
    after_number = False
    for raw in _WORD_RE.findall(segment):
        kind, values = _classify(raw, prefer)
        if kind == "word":
            words.append(values[0])
        elif kind == "initials" or (kind == "initial_or_noise" and not after_number):
            initials.extend(values)
        elif kind == "number":
            after_number = True
        elif kind == "turkic":
            if words:
                words[-1] = words[-1] + " " + values[0]
    return words, initials


def _segments(text: str) -> tuple[str, bool]:
    """The name part of the text, and whether it was written "SURNAME, Given"."""
    if "," not in text and ";" not in text:
        return text, False
    parts = [p.strip() for p in re.split(r"[,;]", text)]
    parts = [p for p in parts if any(ch.isalpha() for ch in p)]
    if not parts:
        return "", False
    if len(parts) >= 2:
        first, second = parts[0], parts[1]
        first_words = _WORD_RE.findall(first)
        if (
            len(first_words) == 1
            and not any(ch.isdigit() for ch in second)
            and 1 <= len(_WORD_RE.findall(second)) <= 3
        ):
            return first + " " + second, True
    return parts[0], False


_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LAT_RE = re.compile(r"[A-Za-z]")


def _prefer(text: str) -> str:
    """The script most letters of the text are in (look-alikes follow it)."""
    has_lat = _LAT_RE.search(text) is not None
    if not has_lat:
        return "cyrillic"
    if _CYR_RE.search(text) is None:
        return "latin"
    return "cyrillic" if len(_CYR_RE.findall(text)) >= len(_LAT_RE.findall(text)) else "latin"


@lru_cache(maxsize=262144)
def parse_name(text: str) -> ParsedName:
    """Parse a free-form full name (any script, any order, any grammatical case)."""
    parsed = _parse_fast(text)
    return parsed if parsed is not None else _parse_general(text)


def _parse_general(text: str) -> ParsedName:
    """The reference path: every shape of name; :func:`_parse_fast` must agree with it."""
    original = text
    text = clean(text or "")
    segment, comma = _segments(text)
    prefer = _prefer(segment)
    word_texts, initials = _split_tokens(segment, prefer)
    if len(word_texts) > 3:
        word_texts = word_texts[:3]
    words = [_analyse(t) for t in word_texts]
    order = _choose_order(words, comma, bool(initials)) if words else ""
    roles = {role: w for w, role in zip(words, order)}
    return _build(original, roles, initials, _script_of(words, initials))


def _script_of(words: list[_Word], initials: list[str]) -> str:
    scripts = {w.script for w in words}
    scripts.update(_initial_script(i) for i in initials)
    scripts.discard("")
    if not scripts:
        return ""
    return scripts.pop() if len(scripts) == 1 else "mixed"


@lru_cache(maxsize=4096)
def _initial_script(initial: str) -> str:
    return detect_script(initial)


def _build(original: str, roles: dict[str, _Word], initials: list[str], script: str) -> ParsedName:
    if roles:
        sex, case, evidenced = _hypothesis(roles)
    else:
        sex, case, evidenced = "m", "nomn", False
    surname = given = patronymic = None
    alternatives: tuple[str, ...] = ()
    if "S" in roles:
        surname = _title(_nominative(roles["S"], "S", sex, case))
    if "P" in roles:
        patronymic = _title(_nominative(roles["P"], "P", sex, case))
    if "G" in roles:
        nom = _nominative(roles["G"], "G", sex, case)
        found = canonical_given(nom, sex if evidenced else None) or canonical_given(roles["G"].cyr)
        if found:
            given, alternatives = found
        else:
            given = _title(nom)
    if not evidenced and given:
        sexes = {given_sex(name) for name in (given, *alternatives)}
        if len(sexes) == 1 and None not in sexes:  # Саша alone could be a woman
            sex, evidenced = sexes.pop(), True
    letters = [_initial_letter(i) for i in initials]
    letters = [x for x in letters if x]
    given_initial = given[0].replace("Ё", "Е") if given else None
    patronymic_initial = patronymic[0].replace("Ё", "Е") if patronymic else None
    if given_initial is None and letters:
        given_initial = letters.pop(0)
    if patronymic_initial is None and letters:
        patronymic_initial = letters.pop(0)
    return ParsedName(
        original=original,
        surname=surname,
        given=given,
        patronymic=patronymic,
        given_initial=given_initial,
        patronymic_initial=patronymic_initial,
        sex=sex if evidenced else None,
        script=script,
        surname_key=_surname_key(surname) if surname else None,
        given_key=cyrillic_key(given) if given else None,
        patronymic_key=_patronymic_key(patronymic) if patronymic else None,
        given_alternatives=alternatives,
    )


# --- fast path ---------------------------------------------------------------------------
#
# The same decisions as _parse_general for the shapes that make up nearly every record (one
# to three words, initials, "SURNAME, Given"), without rebuilding anything per string:
# - each raw token maps, through a plain dict per look-alike preference, straight to its
#   analysed word, its initials' letters, or "skip";
# - the order and the (sex, case) hypothesis depend only on what _choose_order and
#   _hypothesis read from the words (scores, caps, script, fit vectors); that is interned
#   per word as an integer ``sig``, and the decision is cached per tuple of sigs;
# - each word keeps its part (nominative, title case, key) per role and hypothesis.
# Anything else (four or more words, оглы/кызы, no word) returns None: the general path.

_SKIP = ("skip",)
_NUMBER = ("number",)
_FALLBACK = ("fallback",)
_CACHE_LIMIT = 1 << 19
# look-alike preference -> space-free chunk of cleaned text -> a _Word, _SKIP, _FALLBACK,
# ("I", letters, scripts) for initials, or ("M", entries) for a chunk of several tokens.
_CHUNKS: dict[str, dict[str, object]] = {"cyrillic": {}, "latin": {}}
_SIGS: dict[tuple, int] = {}
_SIG_IDS = itertools.count(1)
# (comma, has initials, sig…) -> (((role, memo key) per word), hypothesis index, evidenced);
# a memo key is an int: role, hypothesis index and evidence in one.
_DECISIONS: dict[tuple, tuple] = {}


def _token(raw: str, prefer: str) -> object:
    kind, values = _classify(raw, prefer)
    if kind == "word":
        return _analyse(values[0])
    if kind in ("initials", "initial_or_noise"):
        letters = tuple(x for x in map(_initial_letter, values) if x)
        scripts = frozenset(_initial_script(v) for v in values) - {""}
        return ("I" if kind == "initials" else "N", letters, scripts)
    return _SKIP if kind == "skip" else _NUMBER if kind == "number" else _FALLBACK


def _chunk(chunk: str, prefer: str) -> object:
    # _WORD_RE never matches across a space, so the tokens of the text are those of its chunks.
    entries = [_token(raw, prefer) for raw in _WORD_RE.findall(chunk)]
    entries = [e for e in entries if e is not _SKIP]
    if _FALLBACK in entries:
        entry: object = _FALLBACK
    elif not entries:
        entry = _SKIP
    elif len(entries) == 1:
        entry = entries[0]
    else:
        entry = ("M", tuple(entries))
    cache = _CHUNKS[prefer]
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[chunk] = entry
    return entry


def _sig(w: _Word) -> int:
    key = (w.latin, w.caps, w.s_score, w.g_score, w.p_score, w.fit["S"], w.fit["G"], w.fit["P"])
    sig = _SIGS.get(key)
    if sig is None:  # a fresh id from the counter: two threads can never share one
        sig = _SIGS.setdefault(key, next(_SIG_IDS))
    w.sig = sig
    return sig


def _decide(words: list[_Word], key: tuple, comma: bool, has_initials: bool) -> tuple:
    order = _choose_order(words, comma, has_initials)
    sex, case, evidenced = _hypothesis({role: w for w, role in zip(words, order)})
    hi = _HYPOTHESIS_INDEX[(sex, case)]
    plan = tuple((role, _ROLE_CODE[role] * 32 + hi * 2 + evidenced) for role in order)
    decision = (plan, hi, evidenced)
    if len(_DECISIONS) >= _CACHE_LIMIT:
        _DECISIONS.clear()
    _DECISIONS[key] = decision
    return decision


_ROLE_CODE = {"S": 0, "G": 1, "P": 2}


def _part(w: _Word, role: str, memo_key: int, hi: int, evidenced: bool) -> tuple:
    """This word's part in a role under a hypothesis, exactly as _build makes it:
    S, P: (text, key, initial); G: (text, key, initial, alternatives, sex the names imply)."""
    sex, case = _HYPOTHESES[hi]
    nom = _nominative(w, role, sex, case)
    if role == "G":
        found = canonical_given(nom, sex if evidenced else None) or canonical_given(w.cyr)
        given, alternatives = found if found else (_title(nom), ())
        implied = None
        if given:
            sexes = {given_sex(name) for name in (given, *alternatives)}
            if len(sexes) == 1 and None not in sexes:
                implied = sexes.pop()
        part: tuple = (
            given,
            cyrillic_key(given) if given else None,
            given[0].replace("Ё", "Е") if given else None,
            alternatives,
            implied,
        )
    else:
        text = _title(nom)
        key = (_surname_key(text) if role == "S" else _patronymic_key(text)) if text else None
        part = (text, key, text[0].replace("Ё", "Е") if text else None)
    w.memo[memo_key] = part
    return part


def _twin_class() -> type:
    """A plain class with ParsedName's slot layout. Filling one and then setting its
    ``__class__`` to ParsedName is 4–5× cheaper than the frozen dataclass's ``__init__``
    (which calls ``object.__setattr__`` once per field); the result is a true, frozen
    ParsedName (same type, equality, hash)."""
    slots = ParsedName.__slots__
    src = "def __init__(self, " + ", ".join(slots) + "):\n"
    src += "".join(f"    self.{name} = {name}\n" for name in slots)
    namespace: dict = {}
    exec(src, namespace)  # noqa: S102 - fixed source built from our own field names
    return type("_ParsedNameTwin", (), {"__slots__": slots, "__init__": namespace["__init__"]})


_Twin = _twin_class()


def _parse_fast(original: str) -> ParsedName | None:
    text = clean(original) if original else ""
    if "," in text or ";" in text:
        text, comma = _segments(text)
    else:
        comma = False
    if text.isascii():
        prefer = "cyrillic" if _LAT_RE.search(text) is None else "latin"
    elif _LAT_RE.search(text) is None:
        prefer = "cyrillic"
    else:
        prefer = _prefer(text)
    chunks = _CHUNKS[prefer]
    words: list[_Word] = []
    letters: list[str] = []
    initial_scripts: frozenset = frozenset()
    has_initials = after_number = False
    for chunk in text.split(" "):
        entry = chunks.get(chunk)
        if entry is None:
            entry = _chunk(chunk, prefer)
        if type(entry) is _Word:
            words.append(entry)
            continue
        if entry is _SKIP:
            continue
        if entry is _FALLBACK:
            return None
        for e in entry[1] if entry[0] == "M" else (entry,):
            if type(e) is _Word:
                words.append(e)
            elif e is _NUMBER:
                after_number = True
            elif e[0] == "I" or (e[0] == "N" and not after_number):
                has_initials = True
                letters.extend(e[1])
                initial_scripts = initial_scripts | e[2]
    n = len(words)
    if n == 0 or n > 3:
        return None
    if n == 1:
        key: tuple = (comma, has_initials, words[0].sig or _sig(words[0]))
    else:
        key = (comma, has_initials, *[w.sig or _sig(w) for w in words])
    plan, hi, evidenced = _DECISIONS.get(key) or _decide(words, key, comma, has_initials)
    return _assemble(original, words, plan, hi, evidenced, letters, initial_scripts)


def _assemble(
    original: str, words: list[_Word], plan: tuple, hi: int, evidenced: bool,
    letters: list[str], initial_scripts: frozenset,
) -> ParsedName:
    """_build's result from the decided roles and hypothesis, out of the words' memos."""
    surname = given = patronymic = None
    skey = gkey = pkey = gi = pi = implied = None
    alternatives: tuple[str, ...] = ()
    for w, (role, memo_key) in zip(words, plan):
        part = w.memo.get(memo_key) or _part(w, role, memo_key, hi, evidenced)
        if role == "S":
            surname, skey = part[0], part[1]
        elif role == "G":
            given, gkey, gi, alternatives, implied = part
        else:
            patronymic, pkey, pi = part
    if gi is None and letters:
        gi = letters.pop(0)
    if pi is None and letters:
        pi = letters[0]
    if evidenced:
        sex = _HYPOTHESES[hi][0]
    else:
        sex = implied if given else None
    script = words[0].script if words else ""
    if len(words) > 1 or initial_scripts:
        scripts = {w.script for w in words} | initial_scripts
        scripts.discard("")
        script = (scripts.pop() if len(scripts) == 1 else "mixed") if scripts else ""
    parsed = _Twin(
        original, surname, given, patronymic, gi, pi, sex, script, skey, gkey, pkey, alternatives
    )
    parsed.__class__ = ParsedName
    return parsed


def _column_words(surname: str | None, given: str | None, patronymic: str | None
                  ) -> tuple[str | None, str | None, str | None]:
    """Several words in one name column, when another column is filled too: the column says
    which name they are, so none is dropped. A surname column's words are one surname
    ("de la Cruz", "van der Klaauw", "Петров Водкин", or "pai nter" with a stray space); a
    given-name column's two words are one name ("micha el") unless the second is a
    patronymic the patronymic column lacks ("Иван Иванович"). Initials are left to the
    parser."""
    def words(value: str | None) -> list[str]:
        found = value.split() if value else []
        return found if len(found) >= 2 and all(len(w) > 1 and not w.endswith(".")
                                                  for w in found) else []

    sur = words(surname)
    if sur and (given or patronymic):
        # Two Russian surnames ("Петров Водкин") are a double surname; anything else (a
        # particle, a split word) is one word
        double = all(len(w) >= 4 and detect_script(w) == "cyrillic" for w in sur)
        surname = ("-" if double else "").join(sur)
    giv = words(given)
    if len(giv) == 2:
        # the word analysis that reads any name (either script) says whether it is one
        if not patronymic and _analyse(giv[1]).p_score >= 2.0:
            given, patronymic = giv[0], giv[1]
        else:
            given = "".join(giv)
    return surname, given, patronymic


def _column_roles(surname: str | None, given: str | None, patronymic: str | None
                  ) -> tuple[str, dict[str, _Word], list[str], str | None]:
    """(original text, the word of each filled column by role, the initials), and the text
    to parse as a whole name instead when it was all typed into the surname column. Shared
    by parse_name_parts and its reference, which differ only in how they assemble."""
    surname, given, patronymic = _column_words(surname, given, patronymic)
    original = " ".join(p for p in (surname, given, patronymic) if p)
    roles: dict[str, _Word] = {}
    initials: list[str] = []
    prefer = _prefer(clean(original))
    if surname and not given and not patronymic:
        ws, _ = _column_tokens(surname, prefer)
        if len(ws) >= 2:  # the whole name typed into the surname column
            return original, roles, initials, surname
    for role, value in (("S", surname), ("G", given), ("P", patronymic)):
        ws, ins = _column_tokens(value or "", prefer)
        if ws:  # extra words in a column are ignored; оглы/кызы stay with the patronymic
            roles[role] = _analyse(ws[0])
        initials.extend(ins)
    return original, roles, initials, None


@lru_cache(maxsize=262144)
def parse_name_parts(surname: str | None, given: str | None, patronymic: str | None) -> ParsedName:
    """Parse a name given as separate columns; a column may hold initials ("А.С.", "A.")."""
    original, roles, initials, whole = _column_roles(surname, given, patronymic)
    if whole:
        return parse_name(whole)
    if not roles:
        return _build(original, roles, initials, _script_of([], initials))
    # The fast path's assembly: the roles are the columns, only the hypothesis is decided.
    words = list(roles.values())
    key = ("parts", *[(role, w.sig or _sig(w)) for role, w in roles.items()])
    decision = _DECISIONS.get(key)
    if decision is None:
        sex, case, evidenced = _hypothesis(roles)
        hi = _HYPOTHESIS_INDEX[(sex, case)]
        plan = tuple((role, _ROLE_CODE[role] * 32 + hi * 2 + evidenced) for role in roles)
        decision = _DECISIONS[key] = (plan, hi, evidenced)
    plan, hi, evidenced = decision
    letters = [x for x in map(_initial_letter, initials) if x]
    scripts = frozenset(_initial_script(i) for i in initials) - {""}
    return _assemble(original, words, plan, hi, evidenced, letters, scripts)


@lru_cache(maxsize=262144)
def _column_tokens(value: str, prefer: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words and initials of one name column (as _split_tokens), cached: the given-name and
    patronymic columns repeat a few thousand values across a whole list."""
    words, initials = _split_tokens(clean(value), prefer)
    return tuple(words), tuple(initials)


def _parse_parts_general(
    surname: str | None, given: str | None, patronymic: str | None
) -> ParsedName:
    """parse_name_parts through _build (the reference its fast assembly must agree with)."""
    original, roles, initials, whole = _column_roles(surname, given, patronymic)
    if whole:
        return _parse_general(whole)
    return _build(original, roles, initials, _script_of(list(roles.values()), initials))

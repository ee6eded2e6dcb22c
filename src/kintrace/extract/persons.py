"""Persons: natasha's NER for Russian, rules for English (capitalised words of which one
is a Russian given name in Latin letters, or a patronymic), each normalised through
`kintrace.names.parse_name` to the nominative with its keys, and a role when the words just
before the name say it (a son or husband is "missing", a mother or wife "relative", a
recruiter, an official)."""

from __future__ import annotations

import re

from kintrace.extract.facts import Fact
from kintrace.extract.models import ner_spans
from kintrace.names.given import canonical_given
from kintrace.names.parse import parse_name

__all__ = ["ner_facts", "persons_en", "person_fact"]

_ROLES = (
    ("missing", r"сын[а-я]*|муж[а-я]*|брат[а-я]*|племянник[а-я]*|внук[а-я]*|отц[а-я]*|отец|"
                r"son|husband|brother|nephew|grandson|father"),
    ("relative", r"мам[а-я]*|мат[ьеи]|матерью|жен[а-я]*|сестр[а-я]*|дочь|дочер[а-я]*|тёт[а-я]*|"
                 r"тет[а-я]*|бабушк[а-я]*|mother|wife|sister|daughter|aunt|grandmother|mum|mom"),
    ("recruiter", r"вербовщик[а-я]*|recruiter"),
    ("official", r"начальник[а-я]*|следовател[а-я]*|судь[а-я]*|прокурор[а-я]*|адвокат[а-я]*|"
                 r"депутат[а-я]*|губернатор[а-я]*|омбудсмен[а-я]*|представител[а-я]*|"
                 r"official|governor|spokes(?:man|woman|person)|prosecutor|judge|lawyer|head|"
                 r"ombudsman|deputy|commander|командир[а-я]*"),
)  # fmt: skip
_ROLE_BEFORE = [
    (
        role,
        re.compile(
            rf"(?i)(?<![\w])(?:{words})(?:\s+(?:мой|моя|моего|нашего|my|our|of))?"
            rf"[\s,:—-]*(?:(?:[\w.]+\s+){{0,2}})$"
        ),
    )  # fmt: skip
    for role, words in _ROLES
]


def _role(text: str, start: int) -> str | None:
    window = text[max(0, start - 40) : start]
    window = re.split(r"[.!?\n]", window)[-1]
    for role, pattern in _ROLE_BEFORE:
        if pattern.search(window):
            return role
    return None


def person_fact(text: str, start: int, end: int, offset: int, confidence: float) -> Fact | None:
    """A person fact for text[start:end], or None when it does not parse as a name."""
    written = text[start:end]
    parsed = parse_name(written)
    if parsed.placeholder or not (parsed.surname or parsed.given):
        return None
    value = {
        "surname": parsed.surname,
        "given": parsed.given,
        "patronymic": parsed.patronymic,
        "given_initial": parsed.given_initial,
        "patronymic_initial": parsed.patronymic_initial,
        "surname_key": parsed.surname_key,
        "given_key": parsed.given_key,
        "patronymic_key": parsed.patronymic_key,
        "role": _role(text, start),
    }
    return Fact("persons", offset + start, offset + end, written, value, confidence)


def ner_facts(text: str, offset: int) -> list[Fact]:
    """natasha's NER on a Russian paragraph: persons, and places and organisations as
    "ner_loc" / "ner_org" facts the caller sorts into regions, places and organisations."""
    out = []
    spans: list[tuple[int, int, str]] = []
    for start, end, kind in ner_spans(text):
        # natasha sometimes cuts "Петров Иван" in two: join names only spaces apart
        if spans and kind == "PER" == spans[-1][2] and not text[spans[-1][1] : start].strip():
            spans[-1] = (spans[-1][0], end, kind)
        else:
            spans.append((start, end, kind))
    for start, end, kind in spans:
        if kind == "PER":
            fact = person_fact(text, start, end, offset, 0.85)
            if fact:
                out.append(fact)
        else:
            out.append(Fact("ner_" + kind.lower(), offset + start, offset + end,
                            text[start:end], {}, 0.7))  # fmt: skip
    return out


_CAP = r"(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.)"
_EN_NAME = re.compile(rf"(?<![\w.]){_CAP}(?:\s+{_CAP}){{0,2}}(?![\w])")
_PATRONYMIC = re.compile(r"(?:ovich|evich|yevich|ich|ovna|evna|yevna|ichna)$")
_SURNAME = re.compile(r"(?:ov|ev|yov|in|yn|sky|skiy|skii|ski|enko|uk|yuk|chuk|ova|eva|ina|"
                      r"skaya|aya|ko|ich|vich|ets|ak)$")  # fmt: skip
# Surname endings a lone word needs ("-in" is left out: Kremlin, Berlin)
_LONE_SURNAME = re.compile(r"..(?:ov|ova|ev|eva|yov|yova|ina|sky|skiy|skaya|enko)$")
_NOT_NAMES = {
    "The", "In", "On", "At", "He", "She", "His", "Her", "They", "We", "It", "A", "An", "And",
    "Mr", "Mrs", "Ms", "Dr", "Russian", "Russia", "Ukraine", "Ukrainian", "Moscow", "Wagner",
    "Storm", "Ministry", "Defence", "Defense", "Red", "Cross", "Prison", "Colony", "Penal",
    "Mordovia", "Rostov", "Region", "Oblast", "Republic", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November",
    "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Telegram", "WhatsApp", "Viber", "Signal", "Mediazona", "Group", "Unit", "Akhmat",
    "Redut", "Convoy", "Orchestra", "Federal", "Service", "Court", "Lord", "God", "Kremlin",
    "Kirov", "Molotov", "Later", "Then", "Also", "But", "When", "After", "Before",
}  # fmt: skip


def persons_en(text: str, offset: int) -> list[Fact]:
    """English-text persons: two or three capitalised words or initials, one of them a
    Russian given name or a patronymic, or a surname-like word after another name word."""
    out = []
    for m in _EN_NAME.finditer(text):
        words = m[0].split()
        while words and words[0].rstrip(".") in _NOT_NAMES:
            words = words[1:]
        while words and words[-1].rstrip(".") in _NOT_NAMES:
            words = words[:-1]
        if not words or any(w.rstrip(".") in _NOT_NAMES for w in words):
            continue
        if len(words) == 1:
            # a given name alone ("Dmitry wrote", "his sister Anna"), or a surname alone
            # inside a sentence ("said Romanova"); cities such as "Saratov" are places first
            w = words[0]
            start = m.start() + m[0].index(w)
            inside = bool(re.search(r"[\w,]\s+$", text[max(0, start - 3) : start]))
            if w.endswith(".") or not (canonical_given(w) or (inside and _LONE_SURNAME.search(w))):
                continue
        full = [w for w in words if not w.endswith(".")]
        if not full:
            continue
        given = any(canonical_given(w) for w in full)
        patr = any(_PATRONYMIC.search(w) for w in full)
        surname = any(_SURNAME.search(w) for w in full)
        if len(words) > 1 and not (given or patr or (surname and len(full) < len(words))):
            continue
        start = m.start() + m[0].index(words[0])
        end = start + len(" ".join(words)) if m[0].count(" ") == len(m[0].split()) - 1 else m.end()
        fact = person_fact(text, start, end, offset, 0.8 if given else 0.6)
        if fact:
            out.append(fact)
    return out

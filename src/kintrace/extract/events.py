"""Events a sentence states, in the registry's vocabulary (DESIGN.md, registry.EventType),
with the persons, date and place the same sentence gives.

A trigger is a word or phrase of the lists below (Russian stems, English words); one event
of a type per sentence. Types: offered, recruited, training, deployed, contacted,
documents_requested, payment_promised, payment_received, payment_missing, wounded,
hospitalised, killed, missing, buried, pardoned (registry: `recruited` is `selected`,
`contacted` is `contact`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from kintrace.extract.facts import Fact
from kintrace.extract.lang import sentences
from kintrace.names.morph import morph

__all__ = ["EVENT_TYPES", "events"]

_TRIGGERS: tuple[tuple[str, str], ...] = (
    (
        "payment_missing",
        r"не\s+(?:за)?плат[а-я]*|не\s+(?:получил[а-я]*|выплатил[а-я]*|перевел[а-я]*|пришл[а-я]*)(?:\s+[а-я]+){0,2}\s+(?:денег|деньги|выплат[а-я]*|зарплат[а-я]*|ни\s+копейки)|"
        r"(?:так\s+и\s+)?не\s+(?:перевел[а-я]*|выплатил[а-я]*|заплатил[а-я]*|пришл[а-я]*|поступил[а-я]*)|денег\s+(?:так\s+и\s+)?нет|выплат[а-я]*\s+(?:так\s+и\s+)?нет|ни\s+копейки|"
        r"(?:never|not|n't)\s+(?:been\s+)?(?:paid|received|got)|no\s+(?:payment|money|compensation)|unpaid",
    ),
    (
        "payment_promised",
        r"обеща[а-я]*|пообеща[а-я]*|посул[а-я]*|promised|were\s+told\s+they\s+would\s+(?:get|receive)|offered\s+(?:a\s+)?(?:salary|pay)",
    ),
    (
        "payment_received",
        r"(?:получил[а-я]*|перевели|пришл[а-я]*|выплатил[а-я]*)\s+(?:[а-я]+\s+){0,2}(?:деньг[а-я]*|выплат[а-я]*|зарплат[а-я]*|компенсаци[а-я]*|\d+(?:[.,\s]\d+)*\s*(?:тыс[а-я]*|млн|миллион[а-я]*|руб[а-я]*|₽))|"
        r"(?:received|was\s+paid|were\s+paid|got)\s+(?:\w+\s+){0,2}(?:payment|money|compensation|salary|\d+(?:[.,]\d+)*|\$\d+(?:[.,]\d+)*)",
    ),
    (
        "documents_requested",
        r"(?:просил[а-я]*|попросил[а-я]*|требу[а-я]*|потребовал[а-я]*|нужн[а-я]*)\s+(?:[а-я]+\s+){0,3}(?:паспорт[а-я]*|документ[а-я]*|доверенност[а-я]*|справк[а-я]*|снилс[а-я]*|копи[а-я]*)|"
        r"(?:asked|requested|demanded)\s+(?:\w+\s+){0,6}(?:passport|documents?|papers|power\s+of\s+attorney|certificate)",
    ),
    (
        "offered",
        r"предлагал[а-я]*|предложил[а-я]*|предложени[а-я]*|вербовал[а-я]*|вербовщик[а-я]*\s+(?:приезжал[а-я]*|приехал[а-я]*|пришл[а-я]*)|"
        r"приезжал[а-я]*\s+вербовщик[а-я]*|приехал[а-я]*\s+вербовщик[а-я]*|"
        r"offered|recruiters?(?:\s+[\w-]+){0,5}?\s+(?:came|visited|arrived)|visited\s+by\s+recruiters?|"
        r"made\s+an\s+offer|tried\s+to\s+recruit",
    ),
    (
        "recruited",
        r"завербовал[а-я]*|завербован[а-я]*|подписал[а-я]*\s+(?:[а-я]+\s+)?контракт[а-я]*|ушел\s+на\s+(?:сво|войну|фронт)|ушёл\s+на\s+(?:сво|войну|фронт)|"
        r"записал[а-я]*\s+(?:в\s+)?(?:добровольц|штурм|вагнер|чвк)[а-я]*|"
        r"recruited|signed\s+(?:up|a\s+contract|the\s+contract|contracts)|joined\s+(?:the\s+)?(?:wagner|storm|army|pmc)|enlisted|went\s+to\s+(?:war|fight)",
    ),
    (
        "training",
        r"обучени[а-я]*|учебк[а-я]*|полигон[а-я]*|подготовк[а-я]*|учени[яй]|training|trained|boot\s+camp",
    ),
    (
        "deployed",
        r"(?:отправил[а-я]*|отправлен[а-я]*|увезл[а-я]*|перебросил[а-я]*)\s+(?:[а-я]+\s+){0,2}(?:на\s+фронт|на\s+передов[а-я]+|в\s+зону\s+сво|на\s+сво|под\s+[А-Яа-я]+|на\s+украин[а-я]*|в\s+бахмут|воевать)|"
        r"на\s+передов[а-я]+|на\s+фронте|(?:at|from|to)\s+the\s+front(?:\s*lines?)?|sent\s+to\s+(?:the\s+)?(?:front|war|ukraine|fight)|deployed|front\s*lines?",
    ),
    (
        "contacted",
        r"позвонил[а-я]*|звонил[а-я]*|написал[а-я]*|вышел\s+на\s+связь|вышла\s+на\s+связь|связал[а-я]*|"
        r"called|phoned|rang|messaged|texted|wrote\s+to|got\s+in\s+touch|contacted|heard\s+from",
    ),
    (
        "wounded",
        r"ранен[а-я]*|ранил[а-я]*|ранени[а-я]*|контузи[а-я]*|wounded|wounds|injured|injuries|shell[\s-]shock",
    ),
    ("hospitalised", r"госпитал[а-я]*|в\s+больниц[а-я]*|hospital(?:ised|ized)?"),
    (
        "killed",
        r"погиб[а-я]*|убит[а-я]*|похоронк[а-я]*|скончал[а-я]*|умер(?!ш)[а-я]*|гибел[а-я]*|killed|died|dead|death\s+notice|was\s+shot",
    ),
    (
        "missing",
        r"пропал[а-я]*(?:\s+без\s+вести)?|без\s+вести|перестал[а-я]*\s+выходить\s+на\s+связь|пропавш[а-я]*|нет\s+связи|"
        r"(?:went\s+)?missing|disappeared|lost\s+contact|no\s+news|unaccounted",
    ),
    (
        "buried",
        r"похоронил[а-я]*|похоронен[а-я]*|похорон[аыу]\b|похороны|кладбищ[а-я]*|buried|funeral|burial|cemetery|grave",
    ),
    ("pardoned", r"помилован[а-я]*|помиловани[а-я]*|помиловал[а-я]*|pardon(?:ed|s)?"),
)
EVENT_TYPES = tuple(t for t, _ in _TRIGGERS)
_COMPILED = [(t, re.compile(rf"(?i)(?<![\w])(?:{p})(?![\w])")) for t, p in _TRIGGERS]
_PROMISE = re.compile(
    r"(?i)обеща|посул|предлага|предложи|гарантир|взамен|в\s+обмен|получат|получить|могут|может|"
    r"promis|offer|in\s+exchange|in\s+return|eligible|would|could|will|\bcan\b|chance\s+of"
)
# Boundaries between clauses: a date or a negation on the other side belongs to another verb
_CLAUSE = re.compile(
    r"[;:]|,\s+(?:а|но|и|однако|хотя|когда|после|пока|тогда\s+как|but|and|while|whereas|"
    r"although|after|when|before|until)\b|\s(?:а|но|but|while|whereas)\s"
)
_NEGATED = re.compile(r"(?i)(?:(?<![\w])(?:не|ни|not|never|no|нельзя)|n't)(?:\s+[\w-]+){0,2}\s+$")
# Words in the clause before a trigger that make it a condition, a wish, a possibility or
# a future: "если погибнет", "could be killed", "will be pardoned", "чтобы не ранили"
_IRREAL = re.compile(
    r"(?i)(?<![\w])(?:если|в\s+случае|чтобы|бы|может|могут|могли|мог|будет|будут|станет|"
    r"обеща[а-я]*|пообеща[а-я]*|предлага[а-я]*|предложи[а-я]*|гарантир[а-я]*|посул[а-я]*|"
    r"хот[ея][а-я]*|собира[а-я]*|планиру[а-я]*|грозит|ли|рискует|"
    r"if|unless|in\s+case|would|will|could|might|should|can|shall|to(?:\s+be)?(?=\s+\S+\s*$)|"
    r"promis\w*|offer\w*|guarantee\w*|in\s+exchange\s+for|in\s+return\s+for|eligible|"
    r"threat\w*|hop\w*|seek\w*|whether|risk\w*|faces?)(?![\w])"
)
_MAY = re.compile(r"(?<![\w])(?:may|might)(?![\w])")  # lower case: "May" is the month
_QUESTION_START = re.compile(
    r"(?i)^\s*(?:was|were|is|are|did|does|do|has|have|had|will|could|can|would)\b"
)
_PAY = re.compile(
    r"(?i)деньг|денег|зарплат|выплат|рубл|руб\.|тысяч|млн|миллион|компенсац|оплат|\bpay|salary|"
    r"money|compensation|rubles|roubles|\$|€|₽|euros?|dollars|thousand|million"
)
_OFFER = re.compile(
    r"(?i)помилов|свобод|судимост|освобожд|амнист|pardon|freedom|release|amnesty|criminal\s+record"
)
# Types a negation, condition or future does not cancel: they are themselves about what
# did not happen or was only said
_NOT_FACTUAL_OK = ("payment_missing", "payment_promised", "offered")


@lru_cache(maxsize=4096)
def _irreal_form(word: str) -> bool:
    """A Russian verb form that states no past fact: future ("погибнет", "помилуют"),
    infinitive ("помиловать"), imperative, conditional."""
    if not re.fullmatch(r"[а-яё]+", word.lower()):
        return False
    tag = morph().parse(word.lower())[0].tag
    return tag.POS in ("VERB", "INFN") and ("futr" in tag or "INFN" in tag or "impr" in tag)


def _date_iso(value: dict[str, Any]) -> str | None:
    year, month, day = value.get("year"), value.get("month"), value.get("day")
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _clause_start(sentence: str, at: int) -> int:
    start = 0
    for m in _CLAUSE.finditer(sentence, 0, at):
        start = m.end()
    return start


def _factual(kind: str, sentence: str, start: int, end: int) -> bool:
    """False when the sentence does not state the event as a fact: negated ("не был
    помилован", "was not killed"), a condition, a promise or a future ("если погибнет",
    "will be pardoned", "could be wounded"), or asked ("Погиб ли он?", "Was he paid?")."""
    if kind in _NOT_FACTUAL_OK:
        return True
    clause = sentence[_clause_start(sentence, start) : start]
    if _NEGATED.search(clause) or _IRREAL.search(clause) or _MAY.search(clause):
        return False
    if re.match(r"(?i)ли\b", sentence[end:].lstrip()):
        return False  # "Погиб ли он"
    trigger = sentence[start:end].split()[0]
    if _irreal_form(trigger):
        return False
    tail = sentence[end:].rstrip()
    if tail.endswith("?") and (not re.search(r"[,;:]", tail) or _QUESTION_START.match(sentence)):
        return False
    return not (kind == "pardoned" and _PROMISE.search(sentence))


def _distance(sentence: str, a: int, b: int, start: int, end: int) -> tuple[int, int, int]:
    """How far a fact at [a, b) lies from a trigger at [start, end): (clause boundaries,
    other commas, characters) between them — a comma alone ("его завербовали, в декабре
    отправили") separates less than a clause boundary but more than any distance."""
    lo, hi = (b, start) if b <= start else (end, a)
    if lo >= hi:
        return (0, 0, 0)
    clauses = len(_CLAUSE.findall(sentence, lo, hi))
    commas = max(0, sentence.count(",", lo, hi) - clauses)
    return (clauses, commas, hi - lo)


def _nearest(
    group: list[Fact],
    sentence: str,
    a: int,
    start: int,
    end: int,
    window: tuple[int, int] = (0, 1 << 30),
    after_first: bool = False,
) -> Fact | None:
    """The fact of `group` nearest the trigger in the trigger's own clause and between the
    neighbouring triggers (`window`, sentence offsets), else None: "В мае его завербовали, а
    через месяц он погиб" gives the death no date rather than May's. With `after_first`
    (English, where a verb's time and place follow it: "recruited in September 2022 and
    killed near Bakhmut in January 2023") a fact after the trigger wins over one before."""
    scored = [
        (_distance(sentence, f.start - a, f.end - a, start, end), f)
        for f in group
        if window[0] <= f.start - a and f.end - a <= window[1]
    ]
    inside = [(d, f) for d, f in scored if d[0] == 0]
    if after_first and any(f.start - a >= end for _d, f in inside):
        inside = [(d, f) for d, f in inside if f.start - a >= end]
    return min(inside, key=lambda x: x[0])[1] if inside else None


def _mostly_latin(sentence: str) -> bool:
    latin = sum(c.isascii() and c.isalpha() for c in sentence)
    return latin > sum(c.isalpha() and not c.isascii() for c in sentence)


def events(text: str, facts: list[Fact]) -> list[Fact]:
    """Events of the whole `text` from the facts already found in it: the sentence's
    persons, and the date and place nearest the trigger in its own clause."""
    out = []
    facts = sorted(facts, key=lambda f: f.start)
    starts = [f.start for f in facts]
    for a, b in sentences(text):
        sentence = text[a:b]
        lo, hi = bisect_left(starts, a), bisect_left(starts, b)
        inside = [f for f in facts[lo:hi] if f.end <= b]
        persons = [f.text for f in inside if f.kind == "persons"]
        dates = [f for f in inside if f.kind == "dates"]
        places = [f for f in inside if f.kind in ("facilities", "places", "regions")]
        taken: list[tuple[int, int]] = []
        found: list[tuple[str, re.Match[str]]] = []
        for kind, pattern in _COMPILED:
            m = pattern.search(sentence)
            while m and any(x < m.end() and m.start() < y for x, y in taken):
                m = pattern.search(sentence, m.end())
            if not m:
                continue
            if kind == "payment_promised" and (
                not (_PAY.search(sentence) or _OFFER.search(sentence))
                or re.search(r"(?i)\bthe\s+$", sentence[: m.start()])
            ):
                continue  # "обещал позвонить"; "the promised compensation" (no promise stated)
            if not _factual(kind, sentence, m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            found.append((kind, m))
        # Each event's date and place lie between its neighbouring events' triggers: the
        # date after "recruited" and before "killed" is not the killing's
        spans = sorted((m.start(), m.end()) for _k, m in found)
        english = _mostly_latin(sentence)
        for kind, m in found:
            before = [e for _s, e in spans if e <= m.start()]
            after = [st for st, _e in spans if st >= m.end()]
            window = (max(before, default=0), min(after, default=len(sentence)))
            near = [
                _nearest(group, sentence, a, m.start(), m.end(), window, english)
                for group in (dates, places)
            ]
            date = _date_iso(near[0].value) if near[0] else None
            place = near[1].text if near[1] else None
            value = {"type": kind, "persons": persons, "date": date, "place": place}
            out.append(Fact("events", a + m.start(), a + m.end(), m[0], value, 0.7))
    out.sort(key=lambda f: f.start)
    return out

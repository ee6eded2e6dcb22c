"""Remains against missing men: hard exclusions, a score per descriptor, and the reasons.

Pure Python (no Django): the same code serves the staff page (one body against the registry)
and `bench/remains.py` (10,000 bodies against 100,000 men). What comes out are codes, never
sentences: `kintrace.remains.selectors` puts them into words in the reader's language.

The rules, after INTERPOL's DVI forms and NamUs (docs/remains.md):
- *Exclusions* are what cannot be true of the same man: a known sex that differs; an age at
  death or a height whose ranges cannot overlap even with a margin for estimates
  (AGE_SLACK years, HEIGHT_SLACK cm); a body found or buried before the man's last sign of life.
  An excluded man is never ranked, and the reason is kept.
- *Descriptors* add or subtract points: token number (exact, one mis-written digit, or only
  the same colony group), a name or call sign written on the grave (names' keys, so script
  and inflection do not matter), tattoos (inscription compared fuzzily with rapidfuzz, the
  picture by its words, the body location by side and part), amputations, scars, teeth,
  belongings, clothing, hair, the region and place against the man's last known whereabouts
  and unit, the date against his last sign of life. They corroborate; none of them identifies
  a man: that takes a reviewed decision with its basis (DNA, documents, …).
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from kintrace.names.parse import parse_name

AGE_SLACK = 8  # years: an estimate ten years wide is still off by more than 5 one time in 50
HEIGHT_SLACK = 5  # cm: measured on a body vs remembered by the family
# A blocking key shared by more men than this says nothing (e.g. "ВДВ"): not used to gather.
COMMON_KEY = 2000
# Below this many men, how often a value occurs among them says little: fixed points are used.
MIN_MEN_FOR_RARITY = 200
MAX_BITS = 20.0  # no single descriptor outweighs everything else without limit


@dataclass(frozen=True)
class Tattoo:
    """One tattoo: the words written (`text`), what it shows (`image`), where (`location`)."""

    text: str = ""
    image: str = ""
    location: str = ""


@dataclass(frozen=True)
class Descriptors:
    """What is known of a body (post-mortem) or of a man (ante-mortem); empty means unknown.

    Ages in years, heights in cm, dates as `date_key` integers (YYYYMMDD, 0 unknown).
    For a body: `age_min/max` is the estimated age at death; `date_min/date_max` the span in
    which it was found or buried. For a man: `birth_year_min/max`; `last_alive` the start of
    his newest sign of life. `names` are the names as written (on the grave, or his variants).
    """

    key: int = 0
    sex: str = ""
    age_min: int | None = None
    age_max: int | None = None
    birth_year_min: int | None = None
    birth_year_max: int | None = None
    height_min: int | None = None
    height_max: int | None = None
    date_min: int = 0
    date_max: int = 0
    last_alive: int = 0
    hair: str = ""
    tattoos: tuple[Tattoo, ...] = ()
    scars: str = ""
    amputations: str = ""
    teeth: str = ""
    clothing: str = ""
    belongings: tuple[str, ...] = ()
    token: str = ""
    call_sign: str = ""
    unit: str = ""
    names: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    marker: str = ""


@dataclass(frozen=True)
class Reason:
    """One descriptor compared: `code` (token, tattoo, …), `outcome` (same, close, partial,
    differs, excluded), `points` added to the score, `detail` (values, never translated)."""

    code: str
    outcome: str
    points: float = 0.0
    detail: str = ""


@dataclass
class Result:
    """One man against one body: excluded (with the reasons why) or scored (with reasons)."""

    key: int
    score: float = 0.0
    excluded: bool = False
    reasons: list[Reason] = field(default_factory=list)


def date_key(year: int | None, month: int | None = None, day: int | None = None) -> int:
    """YYYYMMDD with unknown parts as 0 (the start of the span); 0 when the year is unknown."""
    return (year or 0) * 10000 + (month or 0) * 100 + (day or 0) if year else 0


def date_key_end(year: int | None, month: int | None = None, day: int | None = None) -> int:
    """The last day a partial date may mean (unknown month → 12, unknown day → 31)."""
    if not year:
        return 0
    return year * 10000 + (month or 12) * 100 + (day or 31)


_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=500_000)
def norm(text: str) -> str:
    """Case-, ё- and punctuation-blind text."""
    return _WORD.sub(" ", (text or "").casefold().replace("ё", "е")).strip()


def token_digits(text: str) -> tuple[str, ...]:
    """The digit groups of a token number: "К-21/0345" → ("21", "0345"). The first group of
    two or more is the colony's code."""
    return tuple(re.findall(r"\d+", text or ""))


def _distance_one(a: str, b: str) -> bool:
    """True when a and b differ by one substitution, insertion, deletion or adjacent swap."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# Body locations: stems of the words people use, and the part they mean.
_SIDES = {"лев": "left", "left": "left", "l": "left", "прав": "right", "right": "right"}
_PARTS = {
    "предплеч": "forearm",
    "forearm": "forearm",
    "плеч": "shoulder",
    "shoulder": "shoulder",
    "upper arm": "shoulder",
    "рук": "arm",
    "arm": "arm",
    "кист": "hand",
    "ладон": "hand",
    "hand": "hand",
    "пальц": "fingers",
    "палец": "fingers",
    "finger": "fingers",
    "груд": "chest",
    "chest": "chest",
    "спин": "back",
    "лопат": "back",
    "back": "back",
    "ше": "neck",
    "neck": "neck",
    "живот": "belly",
    "belly": "belly",
    "бедр": "leg",
    "голен": "leg",
    "ног": "leg",
    "leg": "leg",
    "thigh": "leg",
    "шин": "leg",
}


_PARTS_LONGEST_FIRST = sorted(_PARTS.items(), key=lambda kv: -len(kv[0]))


@lru_cache(maxsize=100_000)
def body_location(text: str) -> tuple[str, str]:
    """("left"|"right"|"", part|"") from a location as written ("левое предплечье")."""
    side = part = ""
    for word in norm(text).split():
        for stem, value in _SIDES.items():
            if word.startswith(stem) and (len(stem) > 1 or word == stem):
                side = side or value
        for stem, value in _PARTS_LONGEST_FIRST:
            if word.startswith(stem) and (len(stem) > 2 or word == stem or len(word) <= 4):
                part = part or value
                break
    return side, part


@lru_cache(maxsize=100_000)
def _stems(text: str, size: int = 5) -> frozenset[str]:
    """The words' first `size` letters ("розочка" and "роза" meet at 3)."""
    return frozenset(w[:size] for w in norm(text).split() if len(w) >= 3)


# What the family's memory and a morgue form agree on when it is the same man (the m of
# Fellegi–Sunter): a token copied from a body is nearly always right; a picture or a hair
# colour is described in other words more often.
_M = {"token": 0.95, "text": 0.85, "picture": 0.7, "place": 0.7, "words": 0.8, "hair": 0.6}


class Rarity:
    """How common each descriptor value is among the men — the u-probability of Fellegi–Sunter
    estimated from the person side — so that agreeing on a rare value (a tattoo "Оля 2013",
    a token number) counts for more than agreeing on a common one ("ВДВ", a cross on a chain).

    Counts men, not mentions: a man with two roses counts once for "роз"."""

    def __init__(self, men: Iterable[Descriptors]):
        self.counts: Counter[str] = Counter()
        self.n = 0
        for man in men:
            self.n += 1
            self.counts.update(_features(man))

    def bits(self, feature: str, kind: str) -> float | None:
        """log2(m / u) for agreeing on `feature`; None when there are too few men to tell."""
        if self.n < MIN_MEN_FOR_RARITY:
            return None
        u = (self.counts.get(feature, 0) + 0.5) / (self.n + 1)
        return round(min(MAX_BITS, max(0.0, math.log2(_M[kind] / u))), 2)

    def rarest(self, prefix: str, values: Iterable[str], kind: str) -> float | None:
        """The bits of the rarest of `values` (shared stems of two descriptions)."""
        bits = [self.bits(prefix + v, kind) for v in values]
        known = [b for b in bits if b is not None]
        return max(known) if known else None


# Free-text descriptors: (code, the field, the feature prefix, the m kind, fixed points).
_TEXT_DESCRIPTORS = (
    ("amputation", "amputations", "a:", "words", 3.0),
    ("scars", "scars", "s:", "words", 1.0),
    ("teeth", "teeth", "d:", "words", 1.5),
    ("clothing", "clothing", "c:", "words", 0.5),
    ("hair", "hair", "h:", "hair", 0.5),
)


def _features(man: Descriptors) -> set[str]:
    """The values whose frequency among the men Rarity counts."""
    out = set()
    digits = "".join(token_digits(man.token))
    if len(digits) >= 3:
        out.add(f"t:{digits}")
    for tattoo in man.tattoos:
        text = _text_key(tattoo.text)
        if text:
            out.add(f"tt:{text}")
        out.update(f"ti:{s}" for s in _stems(tattoo.image, 3))
        part = body_location(tattoo.location)[1]
        if part:
            out.add(f"tl:{part}")
    for _code, name, prefix, _kind, _points in _TEXT_DESCRIPTORS:
        out.update(prefix + s for s in _stems(getattr(man, name)))
    for item in man.belongings:
        out.update(f"b:{s}" for s in _stems(item))
    return out


_DIGITS = re.compile(r"\d+")


def _text_key(text: str) -> str:
    """A tattoo's words with each number's last digit dropped: the texts that a fuzzy
    comparison would take for his ("Даша 1984" and "Даша 1985" count together)."""
    return _DIGITS.sub(lambda m: m.group()[:-1] + "*", norm(text))


def _or(bits: float | None, fixed: float) -> float:
    return fixed if bits is None else bits


def _tattoo_points(
    one: Tattoo, other: Tattoo, rarity: Rarity | None = None
) -> tuple[float, str, str]:
    """Points, outcome and detail for two tattoos (`other` is his): agreeing words, picture
    and place each weigh by how rare his are among the men (fixed points without a Rarity)."""
    points, parts = 0.0, []
    text_agrees = False
    a, b = norm(one.text), norm(other.text)
    if a and b:
        ratio = fuzz.token_set_ratio(a, b)
        parts.append(f"text {ratio:.0f}%")
        da, db = re.findall(r"\d+", a), re.findall(r"\d+", b)
        full = _or(rarity.bits(f"tt:{_text_key(b)}", "text") if rarity else None, 4.0)
        if da and db and not any(x == y or _distance_one(x, y) for x in da for y in db):
            points -= 1.0  # "Оля 2013" is not "Оля 2018": the numbers are the point
            parts.append("numbers differ")
        elif ratio >= 85:
            points += full
            text_agrees = True
        elif ratio >= 70:
            points += full / 2
            text_agrees = True
        elif ratio < 50:
            points -= 1.0
    ia, ib = _stems(one.image, 3), _stems(other.image, 3)
    if ia and ib:
        common = ia & ib
        parts.append(f"picture {len(common)}/{min(len(ia), len(ib))}")
        if common:
            full = _or(rarity.rarest("ti:", common, "picture") if rarity else None, 1.5)
            if text_agrees:  # the same tattoo: its picture corroborates, it adds little
                full = min(full, 1.5)
            points += full if len(common) >= min(len(ia), len(ib)) else full * 2 / 3
    la, lb = body_location(one.location), body_location(other.location)
    if la[1] and lb[1]:
        if la[1] == lb[1]:
            same_side = not la[0] or not lb[0] or la[0] == lb[0]
            full = _or(rarity.bits(f"tl:{lb[1]}", "place") if rarity else None, 1.0)
            if text_agrees:
                full = min(full, 1.0)
            points += full if same_side else full * 0.3
            parts.append(f"place {la[1]}" + ("" if same_side else " (other side)"))
        else:
            points -= 1.0
            parts.append(f"place {la[1]}≠{lb[1]}")
    points = round(points, 2)
    outcome = (
        "same"
        if points >= 4 and (text_agrees or not a or not b)
        else ("close" if points > 0 else "differs")
    )
    return points, outcome, ", ".join(parts)


def _fuzzy(a: str, b: str) -> float:
    a, b = norm(a), norm(b)
    return fuzz.token_set_ratio(a, b) if a and b else -1.0


def _his_ages(body: Descriptors, man: Descriptors) -> tuple[int, int, int, int] | None:
    """(youngest, oldest) he can have been in the year the body was found (the birthday may
    not have come yet), then the body's estimate (age_min, age_max); None when the body's date
    and age estimate or his birth years are not known."""
    year = body.date_min // 10000 if body.date_min else 0
    if not (year and body.age_min is not None and body.age_max is not None):
        return None
    if not (man.birth_year_min and man.birth_year_max):
        return None
    return year - man.birth_year_max - 1, year - man.birth_year_min, body.age_min, body.age_max


def _exclusions(body: Descriptors, man: Descriptors) -> list[Reason]:
    out = []
    if body.sex and man.sex and body.sex != man.sex:
        out.append(Reason("sex", "excluded", detail=f"{body.sex}≠{man.sex}"))
    ages = _his_ages(body, man)
    if ages is not None:
        low, high, age_min, age_max = ages
        if high < age_min - AGE_SLACK or low > age_max + AGE_SLACK:
            out.append(Reason("age", "excluded", detail=f"{age_min}–{age_max} / {low}–{high}"))
    if (
        body.height_min is not None
        and body.height_max is not None
        and man.height_min is not None
        and man.height_max is not None
        and (
            man.height_max < body.height_min - HEIGHT_SLACK
            or man.height_min > body.height_max + HEIGHT_SLACK
        )
    ):
        out.append(
            Reason(
                "height",
                "excluded",
                detail=f"{body.height_min}–{body.height_max} / {man.height_min}–{man.height_max}",
            )
        )
    if body.date_max and man.last_alive and body.date_max < man.last_alive:
        out.append(Reason("date", "excluded", detail=f"{body.date_max} < {man.last_alive}"))
    return out


@lru_cache(maxsize=200_000)
def _name_key(text: str) -> tuple[str, str] | None:
    p = parse_name(text)
    return (p.surname_key, p.given_key or "") if p.surname_key else None


def _names_keys(names: Iterable[str]) -> list[tuple[str, str]]:
    """(surname key, given-name key) of each name, parsed once per distinct text."""
    return [k for k in (_name_key(t) for t in names if t.strip()) if k]


def compare(body: Descriptors, man: Descriptors, rarity: Rarity | None = None) -> Result:
    """One body against one man: exclusions first (every one kept), then the descriptors.

    Returns a Result whose `reasons` say, descriptor by descriptor, what agreed and what did
    not; `score` is the sum of their points (0 means nothing known either way). With a
    Rarity, an agreement weighs log2(m/u) bits: the rarer his value among the men, the more."""
    result = Result(key=man.key)
    excluded = _exclusions(body, man)
    if excluded:
        result.excluded = True
        result.reasons = excluded
        return result
    reasons = result.reasons

    # Token number: the strongest clue short of a document.
    bt, mt = token_digits(body.token or body.marker), token_digits(man.token)
    bd, md = "".join(bt), "".join(mt)
    if len(bd) >= 3 and len(md) >= 3:
        same = max(8.0, _or(rarity.bits(f"t:{md}", "token") if rarity else None, 8.0))
        if bd == md:
            reasons.append(Reason("token", "same", same, body.token or body.marker))
        elif _distance_one(bd, md):  # a digit mis-written: far likelier for him than by chance
            reasons.append(Reason("token", "close", round(same / 2, 2), f"{bd} / {md}"))
        # Both numbers known and more than one digit apart: another man's token, even
        # from the same colony (only the number after the colony's group tells men apart).
        elif len(bt) > 1 and len(mt) > 1 and bt[0] == mt[0]:
            reasons.append(Reason("token", "partial", -1.0, f"colony {bt[0]}"))
        else:
            reasons.append(Reason("token", "differs", -3.0, f"{bd} / {md}"))

    # A name or call sign written on the grave or found with the body.
    grave = _names_keys(body.names)
    if grave and man.names:
        his_keys = _names_keys(man.names)
        best = 0.0
        for s, g in grave:
            for hs, hg in his_keys:
                if s == hs:
                    best = max(best, 6.0 if g and g == hg else 3.0 if not g or not hg else 1.0)
        if best:
            outcome = "same" if best >= 6 else "partial"
            reasons.append(Reason("name", outcome, best, ", ".join(body.names)))
        else:
            reasons.append(Reason("name", "differs", -2.0, ", ".join(body.names)))
    if man.call_sign and (body.marker or body.names):
        written = norm(" ".join((body.marker, *body.names))).split()
        if norm(man.call_sign) in written:
            reasons.append(Reason("call_sign", "same", 4.0, man.call_sign))

    # Tattoos: each of the body's against his best.
    if body.tattoos and man.tattoos:
        for tattoo in body.tattoos:
            points, outcome, detail = max(
                (_tattoo_points(tattoo, his, rarity) for his in man.tattoos), key=lambda t: t[0]
            )
            label = tattoo.text or tattoo.image or tattoo.location
            reasons.append(Reason("tattoo", outcome, points, f"{label}: {detail}"))

    for code, name, prefix, kind, weight in _TEXT_DESCRIPTORS:
        mine, his = getattr(body, name), getattr(man, name)
        ratio = _fuzzy(mine, his)
        if ratio < 0:
            continue
        if ratio >= 55 and rarity is not None:  # the rarest word they share ("аппендицит")
            weight = _or(rarity.rarest(prefix, _stems(mine) & _stems(his), kind), weight)
        if ratio >= 75:
            reasons.append(Reason(code, "same", weight, f"{ratio:.0f}%"))
        elif ratio >= 55:
            reasons.append(Reason(code, "close", round(weight / 2, 2), f"{ratio:.0f}%"))
        else:
            reasons.append(Reason(code, "differs", -min(weight, 3.0) / 2, f"{ratio:.0f}%"))

    if body.belongings and man.belongings:
        # An item agrees when the two descriptions share a word stem ("кольцо жёлтого
        # металла", "кольцо обручальное"), or read alike as a whole.
        found, points = [], 0.0
        for item in body.belongings:
            mine = _stems(item)
            best_bits: float | None = None
            agrees = False
            for his in man.belongings:
                shared = mine & _stems(his)
                if shared or _fuzzy(item, his) >= 75:
                    agrees = True
                    bits = rarity.rarest("b:", shared, "words") if rarity and shared else None
                    if bits is not None and (best_bits is None or bits > best_bits):
                        best_bits = bits
            if agrees:
                found.append(item)
                points += _or(best_bits, 1.5)
        if found:
            cap = 3.0 if rarity is None or rarity.n < MIN_MEN_FOR_RARITY else MAX_BITS
            reasons.append(
                Reason("belongings", "same", round(min(cap, points), 2), "; ".join(found))
            )
        else:
            reasons.append(Reason("belongings", "differs", 0.0, ""))

    # Where and when: his last known whereabouts and unit, his last sign of life.
    if body.regions and man.regions and set(body.regions) & set(man.regions):
        reasons.append(
            Reason("region", "same", 1.0, ", ".join(sorted(set(body.regions) & set(man.regions))))
        )
    if body.places and man.places:
        best = max(_fuzzy(p, q) for p in body.places for q in man.places)
        if best >= 80:
            reasons.append(Reason("place", "same", 1.0, f"{best:.0f}%"))
    if man.unit and (body.unit or body.marker):
        ratio = _fuzzy(body.unit or body.marker, man.unit)
        if ratio >= 80:
            reasons.append(Reason("unit", "same", 1.5, man.unit))
    if body.date_min and man.last_alive:
        months = (body.date_min // 10000 - man.last_alive // 10000) * 12 + (
            body.date_min // 100 % 100 - man.last_alive // 100 % 100
        )
        if 0 <= months <= 6:
            reasons.append(Reason("date", "close", 0.5, f"{months}"))
    # Age and height: within the estimate itself, or only within the margin the exclusions
    # allow (his true age falls outside a body's ten-year estimate about one time in five).
    ages = _his_ages(body, man)
    if ages is not None:
        low, high, age_min, age_max = ages
        inside = high >= age_min and low <= age_max
        reasons.append(
            Reason("age", "same", 0.5, "") if inside else Reason("age", "close", -1.0, "")
        )
    if (
        body.height_min is not None
        and body.height_max is not None
        and man.height_min is not None
        and man.height_max is not None
    ):
        inside = man.height_max >= body.height_min and man.height_min <= body.height_max
        reasons.append(
            Reason("height", "same", 0.5, "") if inside else Reason("height", "close", -2.0, "")
        )
    result.score = round(sum(r.points for r in reasons), 2)
    return result


def known_descriptors(d: Descriptors) -> int:
    """How many individualising descriptors are known (token, name, call sign, tattoos,
    amputations, scars, teeth, belongings): the measure of "at least two descriptors known".
    Sex, age and height narrow the field but identify nobody."""
    return sum(
        bool(x)
        for x in (
            d.token or d.marker,
            d.names,
            d.tattoos,
            d.amputations,
            d.scars,
            d.teeth,
            d.belongings,
        )
    )


def _keys(d: Descriptors) -> set[str]:
    """Blocking keys: the men a body is compared with share at least one."""
    keys = set()
    groups = token_digits(d.token or d.marker)
    digits = "".join(groups)
    if len(groups) > 1:
        keys.add(f"c:{groups[0]}")  # the colony's group
    if len(digits) >= 3:
        keys.add(f"t:{digits}")
        for i in range(len(digits)):  # one digit mis-written: the digits with one left out
            keys.add(f"t-:{digits[:i]}{digits[i + 1 :]}")
    for s, _g in _names_keys(d.names):
        keys.add(f"n:{s}")
    if d.call_sign:
        keys.add(f"w:{norm(d.call_sign)}")
    for tattoo in d.tattoos:
        words = [w[:5] for w in norm(tattoo.text).split() if len(w) >= 2]
        for word in words:
            if len(word) >= 3:
                keys.add(f"w:{word}")
        for a, b in zip(words, words[1:], strict=False):  # "оля 1999": rarer than each word
            keys.add(f"p:{a} {b}")
        part = body_location(tattoo.location)[1]
        if part:  # "ВДВ" on the shoulder: rarer than "ВДВ" anywhere
            keys.update(f"l:{part}:{w}" for w in words)
            keys.update(f"l:{part}:{s}" for s in _stems(tattoo.image, 3))
    for item in d.belongings:
        for word in norm(item).split():
            if len(word) >= 4:
                keys.add(f"b:{word[:5]}")
    if d.amputations:
        keys.add("amputation")
    for text in (d.scars, d.teeth, d.amputations):  # "аппендицит", "коронка"
        keys.update(f"x:{s}" for s in _stems(text) if len(s) >= 4)
    return keys


def _pairs(keys: Iterable[str]) -> set[str]:
    """Two common keys together ("часы" and "крест"): rarer than either, so a body whose
    every clue is common still meets its man. At most the first 8 of a man's common keys."""
    common = sorted(keys)[:8]
    return {f"2:{a}|{b}" for i, a in enumerate(common) for b in common[i + 1 :]}


def _body_keys(d: Descriptors) -> set[str]:
    keys = _keys(d)
    for word in norm(d.marker).split():  # a call sign written on the grave
        keys.add(f"w:{word}")
    return keys


class PersonIndex:
    """The men to compare with, indexed by blocking keys (token digits and those with one
    digit left out, surname keys, tattoo and belongings word stems, call signs)."""

    def __init__(self, men: Sequence[Descriptors]):
        self.men = list(men)
        self.rarity = Rarity(self.men)
        self._by_key: dict[str, list[int]] = defaultdict(list)
        keys_of = [_keys(man) for man in self.men]
        for i, keys in enumerate(keys_of):
            for key in keys:
                self._by_key[key].append(i)
        # Keys too common to gather by are kept only in pairs.
        self._common = {k for k, v in self._by_key.items() if len(v) > COMMON_KEY}
        for key in self._common:
            del self._by_key[key]
        pairs: dict[str, list[int]] = defaultdict(list)
        for i, keys in enumerate(keys_of):
            for key in _pairs(keys & self._common):
                pairs[key].append(i)
        self._by_key.update((k, v) for k, v in pairs.items() if len(v) <= COMMON_KEY)

    def candidates(self, body: Descriptors) -> list[Descriptors]:
        seen: set[int] = set()
        keys = _body_keys(body)
        for key in keys | _pairs(keys & self._common):
            seen.update(self._by_key.get(key, ()))
        return [self.men[i] for i in sorted(seen)]


def match(
    body: Descriptors,
    men: Sequence[Descriptors] | PersonIndex,
    *,
    top: int = 5,
    rarity: Rarity | None = None,
) -> tuple[list[Result], list[Result]]:
    """(the best `top` men with a positive score, best first; every excluded man with his
    reasons). With a PersonIndex only the men sharing a blocking key are compared, weighed by
    the index's Rarity; with a plain sequence, all of them, weighed by `rarity` (or by a Rarity
    of the sequence itself when none is given)."""
    pool: Sequence[Descriptors]
    if isinstance(men, PersonIndex):
        pool, rarity = men.candidates(body), men.rarity
    else:
        pool = men
        rarity = rarity if rarity is not None else Rarity(men)
    ranked, excluded = [], []
    for man in pool:
        result = compare(body, man, rarity)
        if result.excluded:
            excluded.append(result)
        elif result.score > 1.0:
            ranked.append(result)
    ranked.sort(key=lambda r: (-r.score, r.key))
    return ranked[:top], excluded

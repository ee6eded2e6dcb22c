"""Rule-based finders: phones, money, counts of people, call signs, token numbers,
messenger handles, organisations and units, facilities, regions and places.

Each finder takes the paragraph, its offset in the whole text and its language, and returns
facts with spans in the whole text. Rules are regular expressions over the text plus the
gazetteers of `kintrace.names` (regions, facilities) and the short lists below; the sources
of the word lists are the registry's vocabulary (DESIGN.md) and how relatives and the press
write about recruitment from colonies.
"""

from __future__ import annotations

import re

from kintrace.extract.facts import Fact
from kintrace.extract.lang import sentence_around
from kintrace.extract.numbers import NUMBER, lemmas, parse_digits, parse_number_words
from kintrace.names.facilities import find_facilities
from kintrace.names.morph import morph
from kintrace.names.regions import Region, find_region, find_regions, fold_text

__all__ = [
    "call_signs",
    "counts",
    "facilities",
    "handles",
    "money",
    "organisations",
    "phones",
    "places",
    "regions",
    "tokens",
]

_WORD = re.compile(rf"(?:{NUMBER})(?![\w])|[\w'’-]+|[^\w\s]")


def _words_with_spans(text: str, start: int) -> list[tuple[str, int, int]]:
    return [(m[0], m.start(), m.end()) for m in _WORD.finditer(text, start)]


# --- phones ------------------------------------------------------------------------------


_SEVEN_DIGITS = re.compile(r"\d(?:[\s()+.-]*\d){6}")


def phones(text: str, offset: int) -> list[Fact]:
    """Phone numbers in E.164, read as Russian numbers first, then Ukrainian."""
    import phonenumbers

    found: list[Fact] = []
    if not _SEVEN_DIGITS.search(text):  # the matcher is slow; most paragraphs have no phone
        return found
    taken: list[tuple[int, int]] = []
    for region in ("RU", "UA"):
        for m in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        ):
            if any(a < m.end and m.start < b for a, b in taken):
                continue
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            taken.append((m.start, m.end))
            found.append(
                Fact(
                    "phones",
                    offset + m.start,
                    offset + m.end,
                    m.raw_string,
                    {"e164": e164},
                    0.95 if region == "RU" else 0.85,
                )  # fmt: skip
            )
    return found


# --- money -------------------------------------------------------------------------------

_CURRENCIES = (
    (r"руб(?:лей|ля|ль|\.)?|р\.|₽|rub(?:les?)?\b|roubles?|rubles?", "RUB"),
    (r"долл(?:аров|ара|ар|\.)?|dollars?|usd|\$|бакс(?:ов|а)?", "USD"),
    (r"евро|euros?|eur|€", "EUR"),
    (r"грив(?:ен|ны|на|ень)|гривн(?:ы|а|ей)?|hryvnias?|uah|₴", "UAH"),
)
_CURRENCY = "|".join(f"(?P<c{i}>{p})" for i, (p, _) in enumerate(_CURRENCIES))
_SCALE = (
    r"тыс(?:яч[аиуей]*|\.)?|млн\.?|миллион(?:а|ов)?|млрд\.?|миллиард(?:а|ов)?"
    r"|thousand|million|billion|k\b|mln|bn|m\b"
)
_MONEY = re.compile(
    rf"(?i)(?:(?P<pre>\$|€|₽)\s?)?(?P<num>{NUMBER})(?:\s*(?P<scale>{_SCALE}))?"
    rf"(?:\s*(?:{_CURRENCY}))?(?![\w])"
)
_MONEY_WORDS = re.compile(
    r"(?i)(?<![\w])(?P<words>(?:(?:[а-яё]+|[a-z]+)[\s-]+){0,4}?(?:тысяч[а-яё]*|миллион[а-яё]*|сот(?:ни|ен)|"
    r"hundred|thousand|million)(?:[\s-]+(?:[а-яё]+|[a-z]+)){0,3}?)"
    rf"\s*(?:{_CURRENCY})?(?![\w])"
)
_PAY_CONTEXT = re.compile(
    r"(?i)обещ|плат|выплат|зарплат|деньг|перевел|получ|заработ|компенсац|pay|paid|salary|promis|"
    r"wage|compensation"
)
_PEOPLE_AFTER = re.compile(
    r"(?i)\s*(?:человек|заключ|осужд|зэк|зек|бойц|солдат|мужчин|доброволь|заявлен|inmates?|"
    r"prisoners?|convicts?|men\b|people|soldiers|volunteers|fighters|applica|had\b|have\b)"
)


def _currency(m: re.Match[str]) -> str | None:
    for i, (_, code) in enumerate(_CURRENCIES):
        if m.groupdict().get(f"c{i}"):
            return code
    return None


def _scale(word: str | None) -> float:
    if not word:
        return 1
    w = word.lower().rstrip(".")
    if w.startswith(("тыс", "thousand")) or w == "k":
        return 1000
    if w.startswith(("млн", "миллион", "million", "mln")) or w == "m":
        return 10**6
    return 10**9


def _amount(value: float) -> int | float:
    return int(value) if value == int(value) else round(value, 2)


def money(text: str, offset: int, lang: str) -> list[Fact]:
    """Sums: "100.000 рублей", "5 млн рублей", "about 1.600 euros", "$2,000", "двести
    тысяч" (words without a currency count as roubles when the sentence speaks of pay)."""
    found: list[Fact] = []
    for m in _MONEY.finditer(text):
        code = {"$": "USD", "€": "EUR", "₽": "RUB"}.get(m["pre"] or "") or _currency(m)
        if code is None:
            continue
        try:
            value = parse_digits(m["num"]) * _scale(m["scale"])
        except ValueError:
            continue
        found.append(Fact("money", offset + m.start(), offset + m.end(), m[0].strip(),
                          {"amount": _amount(value), "currency": code}, 0.9))  # fmt: skip
    for m in _MONEY_WORDS.finditer(text):
        if any(f.start - offset < m.end() and m.start() < f.end - offset for f in found):
            continue
        words = m["words"].split()
        # skip leading words that are not numbers ("обещали двести тысяч")
        for skip in range(len(words)):
            parsed = parse_number_words(words[skip:], lang)
            if parsed:
                break
        else:
            continue
        value, used = parsed
        if value < 100:
            continue
        code = _currency(m)
        if code is None:
            if _PEOPLE_AFTER.match(text, m.end()) or not _PAY_CONTEXT.search(text):
                continue
            code = "RUB" if lang == "ru" else None
            if code is None:
                continue
        lead = len(" ".join(words[:skip])) + (1 if skip else 0)
        start = m.start() + lead
        if _currency(m):
            end = m.end()
        else:
            end = start + len(" ".join(words[skip : skip + used]))
        found.append(Fact("money", offset + start, offset + end, text[start:end],
                          {"amount": _amount(value), "currency": code}, 0.7))  # fmt: skip
    return found


# --- counts of people --------------------------------------------------------------------

# Stems of the words that count people (and bodies, and applications) after a number, with
# the lemma reported as `what`.
_RU_PEOPLE = (
    ("человек", "человек"), ("заключен", "заключённый"), ("осужден", "осуждённый"),
    ("зэк", "зэк"), ("зек", "зэк"), ("бойц", "боец"), ("боец", "боец"), ("солдат", "солдат"),
    ("мужчин", "мужчина"), ("доброволь", "доброволец"), ("заявлен", "заявление"),
    ("военнослужащ", "военнослужащий"), ("наемник", "наёмник"), ("узник", "узник"),
    ("арестант", "арестант"), ("контрактник", "контрактник"), ("погибш", "погибший"),
    ("ранен", "раненый"), ("пленн", "пленный"), ("сидельц", "сиделец"),
    ("штурмовик", "штурмовик"), ("тел", "тело"), ("тело", "тело"), ("бывш", "бывший"),
)  # fmt: skip
_EN_PEOPLE = re.compile(
    r"(?i)(?:inmates?|prisoners?|convicts?|men|people|soldiers?|fighters?|volunteers?|"
    r"recruits?|mercenaries|applications?|persons|detainees|servicemen|bodies|patients)\b"
)
_EN_ADJ = re.compile(
    r"(?i)(?:[a-z-]+(?:ed|ian|ish|ese|ian|al|ic|ive|ous|ly|former|other|more|new)|former|other|more|new|young|russian)\b"
)
_EN_VERB_AFTER = re.compile(
    r"(?i)(?:had|have|has)\s+(?:already\s+)?(applied|signed|joined|left|died|gone|volunteered)\b"
)
_NUM_TOKEN = re.compile(rf"(?<![\w.,])(?:{NUMBER})(?![\w])|(?<![\w])[A-Za-zА-Яа-яЁё]+(?![\w])")


def _ru_people_lemma(word: str) -> str | None:
    """The lemma of a word that counts people ("заключённых" → "заключённый"), else None.
    By stem: pymorphy gives participles such as "осуждённых" the verb as normal form."""
    w = word.lower().replace("ё", "е")
    for stem, lemma in _RU_PEOPLE:
        if w.startswith(stem) and (stem != "тел" or w in ("тел", "тела", "телами", "телах")):
            if stem == "бывш":
                return None  # an adjective: the noun follows
            return lemma
    return None


def counts(text: str, offset: int, lang: str, taken: list[tuple[int, int]]) -> list[Fact]:
    """Counts of people: "50 inmates", "400 had applied", "пятьдесят заключённых",
    "58 unidentified soldiers", "подали 400 заявлений". `taken` spans (money, dates) are
    not read again."""
    words = _words_with_spans(text, 0)
    found: list[Fact] = []
    i = 0
    while i < len(words):
        w, a, _ = words[i]
        if any(x <= offset + a < y for x, y in taken):
            i += 1
            continue
        rest = [x[0] for x in words[i : i + 6]]
        parsed = parse_number_words(rest, lang)
        if not parsed or (not re.fullmatch(NUMBER, w) and lang == "en" and w.lower() == "a"):
            i += 1
            continue
        value, used = parsed
        j = i + used
        what = None
        end = words[j - 1][2]
        if lang == "ru":
            for k in range(j, min(j + 3, len(words))):
                lemma = _ru_people_lemma(words[k][0])
                if lemma:
                    what, end = lemma, words[k][2]
                    break
                if not re.fullmatch(r"[а-яё]+", words[k][0].lower()):
                    break
                tags = morph().parse(words[k][0].lower())[0].tag
                if "ADJF" not in tags and "PRTF" not in tags:
                    break
        else:
            for k in range(j, min(j + 3, len(words))):
                if _EN_PEOPLE.fullmatch(words[k][0]):
                    what, end = words[k][0].lower(), words[k][2]
                    break
                if not _EN_ADJ.fullmatch(words[k][0]):
                    break
            if what is None and j < len(words):
                v = _EN_VERB_AFTER.match(text, words[j][1])
                if v:
                    what, end = v[1].lower(), v.end()
        if what is None or value != int(value) or value <= 0:
            i += 1
            continue
        start = words[i][1]
        found.append(Fact("counts", offset + start, offset + end, text[start:end],
                          {"value": int(value), "what": what}, 0.85))  # fmt: skip
        i = j
    return found


# --- call signs, tokens, handles -------------------------------------------------------

_QUOTED = r"[«\"“'‘„]\s*(?P<q>[^»\"”'’“\n]{1,30}?)\s*[»\"”'’“]"
_CALL_SIGN = re.compile(
    r"(?i)(?:позывн(?:ой|ым|ого|ому|ом)|call[\s-]?sign(?:ed)?|nom de guerre)"
    rf"(?:\s+(?:was|is))?\s*(?:-|:|—)?\s*"
    rf"(?:{_QUOTED}|(?P<w>[A-ZА-ЯЁ][\w-]{{1,25}}))"
)
_TOKEN = re.compile(r"(?<![\w-])(?P<t>[A-ZА-ЯЁ]{1,3}-?\s?\d{3}-?\s?\d{3})(?![\w-])")
_TOKEN_CONTEXT = re.compile(r"(?i)жетон|номер|№|token|tag|dog tag|личн")
_HANDLE = re.compile(r"(?<![\w@.])(?:@|t\.me/)(?P<h>[A-Za-z][A-Za-z0-9_]{3,31})(?![\w@])")
_LATIN_FOR = str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY")


def call_signs(text: str, offset: int) -> list[Fact]:
    """ "позывной «Хмурый»", "с позывным Бес", "call sign 'Grumpy'": the value is the name."""
    out = []
    for m in _CALL_SIGN.finditer(text):
        name = m["q"] or m["w"]
        out.append(Fact("call_signs", offset + m.start(), offset + m.end(), m[0],
                        {"value": name.strip()}, 0.9))  # fmt: skip
    return out


def tokens(text: str, offset: int) -> list[Fact]:
    """Token numbers such as "K-123-456" ("жетон К-123456"); Cyrillic look-alike letters
    are written in Latin in the value: "K-123-456"."""
    out = []
    for m in _TOKEN.finditer(text):
        letters = re.match(r"[A-ZА-ЯЁ]+", m["t"])
        digits = re.sub(r"\D", "", m["t"])
        assert letters is not None
        value = f"{letters[0].translate(_LATIN_FOR)}-{digits[:3]}-{digits[3:]}"
        context = bool(_TOKEN_CONTEXT.search(text, max(0, m.start() - 30), m.start()))
        out.append(Fact("tokens", offset + m.start(), offset + m.end(), m["t"],
                        {"value": value}, 0.9 if context else 0.6))  # fmt: skip
    return out


def handles(text: str, offset: int) -> list[Fact]:
    """Messenger handles: "@name", "t.me/name"."""
    return [
        Fact("handles", offset + m.start(), offset + m.end(), m[0], {"value": m["h"]}, 0.8)
        for m in _HANDLE.finditer(text)
    ]


# --- organisations and units -------------------------------------------------------------

_ORGS = re.compile(
    r"(?i)(?<![\w])(?:"
    r"(?:чвк|pmc|группы?|group)\s*[«\"“]?\s*(?:вагнер[а-я]*|wagner)[»\"”]?"
    r"|вагнер(?:а|у|ом|е|овцы|овцев|овцам)?|wagner(?: group)?"
    r"|(?:«|\")?шторм[\s-]?z(?:»|\")?|storm[\s-]?z|(?:«|\")?шторм[\s-]?v(?:»|\")?|storm[\s-]?v"
    r"|оркестр[а-я]*|the orchestra|редут[а-я]*|redut|ахмат[а-я]*|akhmat|конво[йяюе]|convoy"
    r"|минобороны|министерств[а-я]* обороны|мо рф|ministry of defen[cs]e|defen[cs]e ministry|mod\b"
    r"|у?фсин[а-я]*(?:\s+росси[ия])?|u?fsin|federal penitentiary service"
    r"|военкомат[а-я]*|military enlistment office|красн[а-я]+ крест[а-я]*|red cross|мемориал[а-я]*"
    r"|медиазон[а-я]*|mediazona|russia behind bars|руси сидяще[йя]|гулагу\.нет|gulagu\.net"
    r"|(?:войсков[а-я]+ част[а-я]*|в/ч|military unit|unit)\s*№?\s*\d{4,5}"
    r"|(?:\d{1,3}[-‑]?(?:я|й|ая|ой|th|st|nd|rd)?\s+)(?:мотострелков[а-я]+|штурмов[а-я]+|"
    r"отдельн[а-я]+)\s+(?:бригад[а-я]*|полк[а-я]*|рот[а-я]*|батальон[а-я]*)"
    r")(?![\w])"
)


def organisations(text: str, offset: int) -> list[Fact]:
    """Organisations and units from the list above ("ЧВК «Вагнер»", "Шторм Z", "the
    orchestra", "в/ч 12345", "ФСИН", "Ministry of Defence")."""
    return [
        Fact("organisations", offset + m.start(), offset + m.end(), m[0], {}, 0.85)
        for m in _ORGS.finditer(text)
    ]


# --- facilities, regions, places ---------------------------------------------------------


def facilities(text: str, offset: int) -> list[Fact]:
    """Facility mentions with a number ("ИК-17", "в 5-й колонии", "IK17"); the region is
    the one the same sentence names (or its administrative centre), else null."""
    out = []
    for start, end, ref in find_facilities(text):
        if ref.number is None:
            continue
        a, b = sentence_around(text, start)
        region = find_region(text[a:b], centres=True)
        out.append(Fact("facilities", offset + start, offset + end, text[start:end],
                        {"type": ref.type, "number": ref.number,
                         "region": region.code if region else None}, 0.9))  # fmt: skip
    return out


_REGION_WORD = re.compile(
    r"(?i)област|обл\.?$|кра[йея]|республик|округ|oblast|region|krai|province|republic|territory"
)
_CITY_SUBJECTS = ("RU-MOW", "RU-SPE", "UA-40")


def is_city(written: str, region: Region) -> bool:
    """True when a region's mention names its city rather than the region: "в Москве",
    "Donetsk", "в Луганске" (a centre's form without a word such as "область")."""
    if _REGION_WORD.search(written):
        return False
    if region.code in _CITY_SUBJECTS:
        return True
    folded = fold_text(written)
    if any(fold_text(f) == folded for f in region.centre_forms):
        return True
    if folded == fold_text(region.name_en.split()[0]):  # "Donetsk" of "Donetsk Oblast"
        return True
    return bool(region.centre_ru) and lemmas(written) == lemmas(region.centre_ru)


def regions(text: str, offset: int) -> list[Fact]:
    """Regions from the gazetteer in any grammatical case ("в Ростовской области" → RU-ROS);
    a mention that names the region's city ("в Донецке") is a place."""
    out = []
    for a, b, r in find_regions(text):
        if is_city(text[a:b], r):
            out.append(Fact("places", offset + a, offset + b, text[a:b], {}, 0.7))
        else:
            out.append(Fact("regions", offset + a, offset + b, text[a:b], {"code": r.code}, 0.9))
    return out


_PLACES = re.compile(
    r"(?<![\w])(?:Украин[а-яё]*|Ukraine|Донбасс[а-яё]*|Donbas+|Бахмут[а-яё]*|Bakhmut|Артёмовск[а-яё]*|"
    r"Артемовск[а-яё]*|Соледар[а-яё]*|Soledar|Авдеевк[а-яё]*|Avdiivka|Avdeyevka|Угледар[а-яё]*|Vuhledar|"
    r"Попасн[а-яё]+|Popasna|Курск[а-яё]*|Kursk|Кременн[а-яё]+|Kreminna|Марьинк[а-яё]*|Marinka|"
    r"Покровск[а-яё]*|Pokrovsk|Ростов[а-яё]*-на-Дону|Rostov-on-Don|Москв[а-яё]+|Moscow|"
    r"Санкт-Петербург[а-яё]*|Петербург[а-яё]*|St\.? Petersburg|Молькино|Molkino|Новосибирск[а-яё]*|"
    r"Novosibirsk|Екатеринбург[а-яё]*|Yekaterinburg|Саранск[а-яё]*|Saransk|Луганск[а-яё]*|Luhansk|"
    r"Lugansk|Донецк[а-яё]*|Donetsk|Мариупол[а-яё]*|Mariupol|Херсон[а-яё]*|Kherson|"
    r"Россия|России|Россию|Russia)(?![\w])"
)


def places(text: str, offset: int) -> list[Fact]:
    """Other places from a short list: the front, towns named in recruitment stories, and
    administrative centres. Regions and facilities are their own kinds."""
    out = [
        Fact("places", offset + m.start(), offset + m.end(), m[0], {}, 0.7)
        for m in _PLACES.finditer(text)
    ]
    for a, b, _ in find_regions(text, centres=True):
        if text[a : a + 1].isupper():
            out.append(Fact("places", offset + a, offset + b, text[a:b], {}, 0.6))
    return out

"""Noisy person records for the matching-engine benchmarks.

Men drawn from real Russian name frequencies (russiannames tables), written 1-6 times each by
different kinds of sources, with the noise those sources really add, plus hard negatives
(namesakes, fathers and sons, brothers). Ground truth goes to a separate file.

    python bench/generate.py --records 100000 --out /tmp/records.csv --truth /tmp/truth.csv

The generator deliberately does not import kintrace: it must not share the parser's idea of
what a name looks like.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import iuliia
import pandas as pd
import pymorphy3

DATA_DIR = Path(pd.__file__).parent.parent / "russiannames" / "data"

DIMINUTIVES = {
    "Александр": ["Саша", "Шура", "Саня", "Санёк"],
    "Алексей": ["Лёша", "Алёша", "Леха"],
    "Дмитрий": ["Дима", "Митя"],
    "Сергей": ["Серёжа", "Серега"],
    "Николай": ["Коля"],
    "Иван": ["Ваня"],
    "Владимир": ["Вова", "Володя"],
    "Михаил": ["Миша"],
    "Андрей": ["Андрюша"],
    "Евгений": ["Женя"],
    "Виктор": ["Витя"],
    "Юрий": ["Юра"],
    "Павел": ["Паша"],
    "Константин": ["Костя"],
    "Анатолий": ["Толя"],
    "Василий": ["Вася"],
    "Пётр": ["Петя"],
    "Роман": ["Рома"],
    "Вячеслав": ["Слава"],
    "Станислав": ["Стас"],
    "Григорий": ["Гриша"],
    "Геннадий": ["Гена"],
    "Валерий": ["Валера"],
    "Борис": ["Боря"],
    "Леонид": ["Лёня"],
    "Фёдор": ["Федя"],
    "Степан": ["Стёпа"],
    "Виталий": ["Виталик"],
    "Эдуард": ["Эдик"],
    "Владислав": ["Влад"],
    "Даниил": ["Даня"],
    "Семён": ["Сёма"],
    "Яков": ["Яша"],
    "Георгий": ["Жора", "Гоша"],
    "Вадим": ["Вадик"],
    "Максим": ["Макс"],
    "Артём": ["Тёма"],
    "Илья": ["Илюша"],
    "Тимофей": ["Тима"],
    "Олег": ["Олежка"],
    "Игорь": ["Игорёк"],
    "Антон": ["Антоха"],
    "Кирилл": ["Кирюша"],
    "Егор": ["Егорка"],
}
ENGLISH = {
    "Александр": ["Alexander"],
    "Алексей": ["Alexei", "Alexey"],
    "Сергей": ["Sergei", "Sergey"],
    "Юрий": ["Yuri", "Yury"],
    "Пётр": ["Peter", "Pyotr"],
    "Дмитрий": ["Dmitry", "Dmitri"],
    "Николай": ["Nikolai"],
    "Андрей": ["Andrei"],
    "Евгений": ["Yevgeny", "Evgeny"],
    "Михаил": ["Mikhail"],
    "Фёдор": ["Fyodor"],
    "Георгий": ["Georgy"],
    "Максим": ["Maxim"],
    "Григорий": ["Grigory"],
    "Виталий": ["Vitaly"],
    "Анатолий": ["Anatoly"],
}
INFORMAL_DIM = {  # how diminutives get typed in Latin chat
    "Саша": "Sasha",
    "Дима": "Dima",
    "Лёша": "Lesha",
    "Серёжа": "Serezha",
    "Коля": "Kolya",
    "Ваня": "Vanya",
    "Вова": "Vova",
    "Миша": "Misha",
    "Женя": "Zhenya",
    "Витя": "Vitya",
    "Юра": "Yura",
    "Паша": "Pasha",
    "Костя": "Kostya",
    "Слава": "Slava",
    "Макс": "Max",
}
SCHEMES = [
    iuliia.WIKIPEDIA,
    iuliia.BGN_PCGN,
    iuliia.ICAO_DOC_9303,
    iuliia.MVD_782,
    iuliia.GOST_779,
    iuliia.SCIENTIFIC,
    iuliia.TELEGRAM,
    iuliia.YANDEX_MAPS,
    iuliia.MOSMETRO,
    iuliia.ALA_LC,
]
MONTHS_RU = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
LOOKALIKE = {
    "а": "a",
    "о": "o",
    "е": "e",
    "с": "c",
    "р": "p",
    "х": "x",
    "у": "y",
    "А": "A",
    "О": "O",
    "Е": "E",
    "С": "C",
    "Р": "P",
    "Х": "X",
    "К": "K",
    "М": "M",
    "Т": "T",
    "Н": "H",
    "В": "B",
}
CYR = "абвгдежзийклмнопрстуфхцчшщыэюя"
# (ISO code, Russian nominative, genitive/prepositional form, English)
REGIONS = [
    ("RU-MO", "Республика Мордовия", "Мордовии", "Mordovia"),
    ("RU-MOS", "Московская область", "Московской области", "Moscow Oblast"),
    ("RU-SVE", "Свердловская область", "Свердловской области", "Sverdlovsk Oblast"),
    ("RU-KEM", "Кемеровская область", "Кемеровской области", "Kemerovo Oblast"),
    ("RU-KRA", "Красноярский край", "Красноярскому краю", "Krasnoyarsk Krai"),
    ("RU-PER", "Пермский край", "Пермскому краю", "Perm Krai"),
    ("RU-IRK", "Иркутская область", "Иркутской области", "Irkutsk Oblast"),
    ("RU-KO", "Республика Коми", "Республике Коми", "Komi Republic"),
    ("RU-ROS", "Ростовская область", "Ростовской области", "Rostov Oblast"),
    ("RU-VLA", "Владимирская область", "Владимирской области", "Vladimir Oblast"),
    ("RU-NIZ", "Нижегородская область", "Нижегородской области", "Nizhny Novgorod Oblast"),
    ("RU-TA", "Республика Татарстан", "Татарстану", "Tatarstan"),
    ("RU-BA", "Республика Башкортостан", "Башкортостану", "Bashkortostan"),
    ("RU-CHE", "Челябинская область", "Челябинской области", "Chelyabinsk Oblast"),
    ("RU-OMS", "Омская область", "Омской области", "Omsk Oblast"),
    ("RU-SPE", "Санкт-Петербург", "Санкт-Петербургу", "Saint Petersburg"),
    ("RU-TVE", "Тверская область", "Тверской области", "Tver Oblast"),
    ("RU-VGG", "Волгоградская область", "Волгоградской области", "Volgograd Oblast"),
    ("RU-KDA", "Краснодарский край", "Краснодарскому краю", "Krasnodar Krai"),
    ("RU-SAR", "Саратовская область", "Саратовской области", "Saratov Oblast"),
]
FACILITY_TYPES = [
    ("ИК", "IK", "Penal Colony"),
    ("ИК", "IK", "Penal Colony"),
    ("ИК", "IK", "Penal Colony"),
    ("ЛИУ", "LIU", "Medical Correctional Facility"),
    ("КП", "KP", "Colony-Settlement"),
    ("СИЗО", "SIZO", "Pre-trial Detention Centre"),
]


@dataclass
class Person:
    pid: int
    surname: str
    given: str
    patronymic: str
    year: int
    month: int
    day: int
    facility: tuple[int, int]  # (type index, number)
    region: int


class Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        names = pd.read_parquet(DATA_DIR / "names.parquet")
        names = names[(names.gender == "m") & (names["count"] > 2000)]
        mid = pd.read_parquet(DATA_DIR / "midnames.parquet")
        mid = mid[(mid.gender == "m") & mid.fname.notna()].sort_values("count", ascending=False)
        patr = mid.drop_duplicates("fname").set_index("fname")["text"].to_dict()
        # Modern spelling with ё where the tables have е
        for plain, yo in (
            ("Петр", "Пётр"),
            ("Федор", "Фёдор"),
            ("Семен", "Семён"),
            ("Артем", "Артём"),
        ):
            if plain in patr:
                patr[yo] = patr[plain]
        names = names.assign(
            text=names.text.replace(
                {"Петр": "Пётр", "Федор": "Фёдор", "Семен": "Семён", "Артем": "Артём"}
            )
        )
        names = names[names.text.isin(patr)]
        self.given = names.text.tolist()
        self.given_cw = list(itertools.accumulate(names["count"].tolist()))
        self.patr = patr
        sur = pd.read_parquet(DATA_DIR / "surnames.parquet")
        sur = sur[(sur.gender == "m")].sort_values("count", ascending=False).head(40000)
        self.surnames = sur.text.tolist()
        self.surname_cw = list(itertools.accumulate(sur["count"].tolist()))

    def given_name(self) -> str:
        return self.rng.choices(self.given, cum_weights=self.given_cw)[0]

    def surname(self) -> str:
        return self.rng.choices(self.surnames, cum_weights=self.surname_cw)[0]


MORPH = pymorphy3.MorphAnalyzer()


@cache
def inflect(word: str, case: str, kind: str) -> str:
    for p in MORPH.parse(word):
        if kind in p.tag and "masc" in p.tag and "sing" in p.tag:
            form = p.inflect({case})
            if form:
                return form.word.capitalize()
    # Rule for surnames the dictionary does not know
    ending = {"gent": ("а", "ого"), "datv": ("у", "ому")}[case]
    if word.endswith(("ов", "ев", "ин", "ын", "ёв")):
        return word + ending[0]
    if word.endswith(("ский", "цкий")):
        return word[:-2] + ending[1]
    return word


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.random()
    alphabet = CYR if word[0].lower() in CYR else "abcdefghijklmnopqrstuvwxyz"
    if op < 0.3:
        return word[:i] + word[i + 1 :]
    if op < 0.6:
        return word[:i] + rng.choice(alphabet) + word[i + 1 :]
    if op < 0.8:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def lookalike(rng: random.Random, word: str) -> str:
    chars = list(word)
    idx = [i for i, c in enumerate(chars) if c in LOOKALIKE]
    for i in rng.sample(idx, min(len(idx), rng.randint(1, 2))):
        chars[i] = LOOKALIKE[chars[i]]
    return "".join(chars)


class Writer:
    """Writes one person the way one kind of source would."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def date(self, p: Person, style: str) -> str:
        r = self.rng
        x = r.random()
        if x < 0.18:
            return ""
        if x < 0.35:
            return str(p.year)
        d, m = p.day, p.month
        if r.random() < 0.04 and d <= 12:  # day and month swapped by a clerk
            d, m = m, d
        if x < 0.42:
            return f"{m:02d}.{p.year}"
        if style == "en":
            return r.choice(
                [
                    f"{MONTHS_EN[m - 1]} {d}, {p.year}",
                    f"{d} {MONTHS_EN[m - 1]} {p.year}",
                    f"{p.year}-{m:02d}-{d:02d}",
                ]
            )
        return r.choice(
            [
                f"{d:02d}.{m:02d}.{p.year}",
                f"{d:02d}.{m:02d}.{p.year} г.р.",
                f"{d} {MONTHS_RU[m - 1]} {p.year}",
                f"{p.year}-{m:02d}-{d:02d}",
                f"{d:02d}/{m:02d}/{p.year}",
                f"{d}.{m}.{p.year}",
            ]
        )

    def facility(self, p: Person, style: str) -> tuple[str, str]:
        r = self.rng
        if r.random() < 0.3:
            return "", ""
        ru, lat, en = FACILITY_TYPES[p.facility[0]]
        n = p.facility[1]
        code, reg_nom, reg_gen, reg_en = REGIONS[p.region]
        if style == "en":
            return r.choice(
                [
                    f"{lat}-{n} in {reg_en}",
                    f"{en} No. {n} ({reg_en})",
                    f"{lat}{n} prison in {reg_en}",
                    f"{lat}-{n}",
                ]
            ), ""
        forms = [
            f"{ru}-{n} {reg_nom}",
            f"{ru} №{n} УФСИН по {reg_gen}",
            f"ФКУ {ru}-{n} УФСИН России",
            f"{ru}-{n}",
            f"{ru} {n}",
            f"{ru.lower()}-{n}",
        ]
        if ru == "ИК":
            forms += [f"колония {n}, {reg_nom}", f"колония №{n}"]
        text = r.choice(forms)
        region = r.choice(["", "", reg_nom, code]) if reg_nom.split()[0] not in text else ""
        return text, region

    def given_form(self, p: Person) -> str:
        if p.given in DIMINUTIVES and self.rng.random() < 0.5:
            return self.rng.choice(DIMINUTIVES[p.given])
        return p.given

    def latin(self, word: str, scheme) -> str:
        return scheme.translate(word)

    def record(self, p: Person, source: str) -> dict:
        r = self.rng
        rec = {
            "name": "",
            "surname": "",
            "given_name": "",
            "patronymic": "",
            "birth_date": "",
            "facility": "",
            "region": "",
            "source": source,
        }
        sur, giv, pat = p.surname, p.given, p.patronymic
        if source == "relative":  # mother's report: full name, any order, ё dropped
            if r.random() < 0.2:
                giv = self.given_form(p)
            parts = [sur, giv, pat] if r.random() < 0.7 else [giv, pat, sur]
            if giv != p.given and r.random() < 0.6:
                parts = [giv, sur]
            name = " ".join(parts)
            if r.random() < 0.5:
                name = name.replace("ё", "е")
            rec["name"] = name
            rec["birth_date"] = self.date(p, "ru")
            rec["facility"], rec["region"] = self.facility(p, "ru")
        elif source == "list":  # upper-case list with initials
            rec["name"] = r.choice(
                [
                    f"{sur.upper()} {giv[0]}.{pat[0]}.",
                    f"{sur.upper()} {giv[0]}. {pat[0]}.",
                    f"{sur.upper()} {giv.upper()} {pat.upper()}",
                ]
            )
            rec["birth_date"] = self.date(p, "ru")
            rec["facility"], rec["region"] = self.facility(p, "ru")
        elif source == "casualty":  # separate columns
            rec["surname"], rec["given_name"], rec["patronymic"] = sur, giv, pat
            if r.random() < 0.3:
                rec["patronymic"] = ""
            rec["birth_date"] = self.date(p, "ru")
            if r.random() < 0.5:
                rec["facility"], rec["region"] = self.facility(p, "ru")
        elif source == "media":  # English article, some transliteration scheme
            scheme = r.choice(SCHEMES)
            g = (
                r.choice(ENGLISH[giv])
                if giv in ENGLISH and r.random() < 0.5
                else self.latin(giv, scheme)
            )
            s = self.latin(sur, scheme)
            rec["name"] = r.choice(
                [f"{g} {s}", f"{g} {s}", f"{s.upper()}, {g}", f"{g} {self.latin(pat, scheme)} {s}"]
            )
            rec["birth_date"] = self.date(p, "en") if r.random() < 0.6 else ""
            rec["facility"], rec["region"] = self.facility(p, "en")
        elif source == "chat":  # informal Latin typed on a phone
            giv_form = self.given_form(p)
            g = INFORMAL_DIM.get(giv_form) or self.latin(giv_form, iuliia.TELEGRAM)
            s = self.latin(sur, r.choice([iuliia.TELEGRAM, iuliia.WIKIPEDIA]))
            name = r.choice([f"{g} {s}", f"{s} {g}"])
            name = name.lower() if r.random() < 0.5 else name
            if r.random() < 0.3:
                name = name.replace("y", "j") if r.random() < 0.5 else name.replace("kh", "h")
            rec["name"] = name
            rec["birth_date"] = str(p.year) if r.random() < 0.3 else ""
            rec["facility"] = f"ik{p.facility[1]}" if r.random() < 0.3 else ""
        else:  # name inside a Russian sentence, genitive or dative
            case = r.choice(["gent", "datv"])
            words = [
                inflect(sur, case, "Surn"),
                inflect(giv, case, "Name"),
                inflect(pat, case, "Patr"),
            ]
            if r.random() < 0.3:
                words = words[1:] + words[:1]
            rec["name"] = " ".join(words)
            rec["birth_date"] = str(p.year) if r.random() < 0.5 else ""
            rec["facility"], rec["region"] = self.facility(p, "ru")
        return self.noise(rec)

    def noise(self, rec: dict) -> dict:
        r = self.rng
        for key in ("name", "surname", "given_name"):
            if rec[key] and r.random() < 0.08:
                words = rec[key].split(" ")
                i = r.randrange(len(words))
                words[i] = typo(r, words[i])
                rec[key] = " ".join(words)
            if rec[key] and r.random() < 0.03 and rec[key][0].lower() in CYR:
                rec[key] = lookalike(r, rec[key])
        return rec


# --- the Latin-heavy mix (bench/speed.py --latin) ------------------------------------------
# Data from other collectors holds more names in Latin letters, in more schemes than the
# media and chat records above: scientific and ISO spellings with č š ž, English-language
# media, chat typing, European press. `latinise` rewrites a share of the Cyrillic records so.
SCIENTIFIC_SCHEMES = [
    iuliia.SCIENTIFIC,
    iuliia.ISO_9_1968,
    iuliia.ISO_9_1954,
    iuliia.UNGEGN_1987,
    iuliia.GOST_16876,
]
ENGLISH_SCHEMES = [
    iuliia.WIKIPEDIA,
    iuliia.BGN_PCGN,
    iuliia.BS_2979,
    iuliia.ICAO_DOC_9303,
    iuliia.MVD_782,
    iuliia.YANDEX_MAPS,
]
# European press spellings, letter by letter after the word's start (a rough German, French
# and Polish; independent of the parser's own tables in kintrace.names.foreign)
PRESS = {
    "de": {
        "ж": "sch",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "в": "w",
        "з": "s",
        "й": "j",
        "ы": "y",
        "ь": "",
        "ъ": "",
        "э": "e",
        "ю": "ju",
        "я": "ja",
        "е": "e",
        "ё": "jo",
        "с": "s",
        "у": "u",
    },
    "fr": {
        "ж": "j",
        "х": "kh",
        "ц": "ts",
        "ч": "tch",
        "ш": "ch",
        "щ": "chtch",
        "в": "v",
        "з": "z",
        "й": "i",
        "ы": "y",
        "ь": "",
        "ъ": "",
        "э": "e",
        "ю": "iou",
        "я": "ia",
        "е": "e",
        "ё": "io",
        "с": "ss",
        "у": "ou",
    },
    "pl": {
        "ж": "ż",
        "х": "ch",
        "ц": "c",
        "ч": "cz",
        "ш": "sz",
        "щ": "szcz",
        "в": "w",
        "з": "z",
        "й": "j",
        "ы": "y",
        "ь": "",
        "ъ": "",
        "э": "e",
        "ю": "ju",
        "я": "ja",
        "е": "e",
        "ё": "io",
        "с": "s",
        "у": "u",
    },
}
PLAIN = dict(zip("абгдиклмнопрстф", "abgdiklmnoprstf", strict=True))
LATIN_KINDS = ["scientific", "english", "chat", "press"]
LATIN_KIND_W = [0.35, 0.3, 0.2, 0.15]


def press(word: str, language: str) -> str:
    table = PRESS[language]
    out = []
    for i, ch in enumerate(word):
        low = ch.lower()
        rep = table.get(low, PLAIN.get(low, low))
        if low == "е" and (i == 0 or word[i - 1].lower() in "аеёиоуыэюяьъ"):
            rep = "je" if language != "fr" else "ie"
        out.append(rep.capitalize() if ch.isupper() else rep)
    return "".join(out)


def _latin_word(word: str, kind: str, scheme, language: str) -> str:
    out = press(word, language) if kind == "press" else scheme.translate(word)
    return out.upper() if word.isupper() and len(word) > 1 else out


def latinise_record(rng: random.Random, rec: dict) -> dict:
    """The record's Cyrillic name in Latin letters, in one kind of spelling (a name declined
    inside a Russian sentence stays as it is: the press writes the nominative)."""
    if rec.get("source") == "sentence":
        return rec
    kind = rng.choices(LATIN_KINDS, LATIN_KIND_W)[0]
    scheme = (
        rng.choice(SCIENTIFIC_SCHEMES)
        if kind == "scientific"
        else rng.choice(ENGLISH_SCHEMES)
        if kind == "english"
        else rng.choice([iuliia.TELEGRAM, iuliia.WIKIPEDIA, iuliia.MOSMETRO])
    )
    language = rng.choice(list(PRESS))
    rec = dict(rec)
    for key in ("name", "surname", "given_name", "patronymic"):
        text = rec[key]
        if not text or not any(c.lower() in CYR for c in text):
            continue
        words = [_latin_word(w, kind, scheme, language) for w in text.split(" ")]
        if kind == "chat":
            words = [w.lower() for w in words]
            if rng.random() < 0.3:
                words = [w.replace("ch", "4").replace("sh", "6") for w in words]
            elif rng.random() < 0.3:
                words = [w.replace("y", "j").replace("kh", "h") for w in words]
        elif kind == "english" and key == "name" and len(words) == 3 and rng.random() < 0.5:
            words = [words[1], words[0]]  # "Ivanov Ivan Ivanovich" as "Ivan Ivanov"
        rec[key] = " ".join(words)
    return rec


def latinise(rows: list[dict], share: float, seed: int) -> list[dict]:
    """`share` of the Cyrillic records rewritten in Latin letters (see LATIN_KINDS); the
    rows and their ids otherwise as they were, so the truth file still applies."""
    rng = random.Random(seed * 7919 + 1)
    return [latinise_record(rng, rec) if rng.random() < share else rec for rec in rows]


SOURCES = ["relative", "list", "casualty", "media", "chat", "sentence"]
SOURCE_W = [0.28, 0.2, 0.2, 0.12, 0.08, 0.12]
RECORD_COUNTS = [1, 2, 3, 4, 5, 6]
RECORD_COUNT_W = [0.3, 0.3, 0.18, 0.11, 0.07, 0.04]


def people(n_records: int, rng: random.Random) -> list[tuple[Person, int]]:
    names = Names(rng)
    facilities = [
        (rng.choice(range(len(FACILITY_TYPES))), rng.randint(1, 60), rng.randrange(len(REGIONS)))
        for _ in range(600)
    ]
    out: list[tuple[Person, int]] = []
    total = 0
    pid = 0

    def new(surname, given, patronymic, year) -> Person:
        nonlocal pid
        pid += 1
        fac = rng.choice(facilities)
        return Person(
            pid,
            surname,
            given,
            patronymic,
            year,
            rng.randint(1, 12),
            rng.randint(1, 28),
            (fac[0], fac[1]),
            fac[2],
        )

    while total < n_records:
        x = rng.random()
        giv = names.given_name()
        pat = names.patr[names.given_name()]
        sur = names.surname()
        group = [new(sur, giv, pat, rng.randint(1968, 2003))]
        if x < 0.05:  # father and son: son's patronymic comes from the father's given name
            group[0].year = rng.randint(1950, 1978)
            son_year = min(2004, group[0].year + rng.randint(20, 30))
            group.append(new(sur, names.given_name(), names.patr[giv], son_year))
        elif x < 0.10:  # brothers
            group.append(new(sur, names.given_name(), pat, group[0].year + rng.randint(1, 8)))
        elif x < 0.16:  # namesake: same full name, another birth year
            group.append(
                new(sur, giv, pat, group[0].year + rng.choice([-1, 1]) * rng.randint(1, 15))
            )
        for person in group:
            k = rng.choices(RECORD_COUNTS, RECORD_COUNT_W)[0]
            out.append((person, k))
            total += k
    return out


def generate(n_records: int, seed: int = 1) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    writer = Writer(rng)
    records, truth = [], []
    for person, k in people(n_records, rng):
        for _ in range(k):
            if len(records) >= n_records:
                break
            rec = writer.record(person, rng.choices(SOURCES, SOURCE_W)[0])
            rec["id"] = f"r{len(records) + 1}"
            records.append(rec)
            truth.append({"id": rec["id"], "person_id": f"p{person.pid}"})
    rng.shuffle(records)
    return records, truth


COLUMNS = [
    "id",
    "name",
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "facility",
    "region",
    "source",
]


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--truth", type=Path, required=True)
    a = ap.parse_args()
    records, truth = generate(a.records, a.seed)
    write_csv(a.out, records, COLUMNS)
    write_csv(a.truth, truth, ["id", "person_id"])


if __name__ == "__main__":
    main()

"""Remains against missing men: top-5 recall, wrong exclusions and time (kintrace.remains.matching).

    python bench/remains.py [--persons 100000] [--remains 10000] [--seed 7]

Generates men with ante-mortem descriptions (what a family knows: a height range, tattoos with
their words, picture and place, scars, teeth, belongings, a token number "К-<colony>-<digits>",
a call sign) and, for most remains, the body of one of them with post-mortem descriptors as real
forms carry them: many missing, estimates (age ranges ten years wide and off-centre, heights
measured ± a few cm), mis-recorded (a token digit wrong, words misspelt, left/right swapped, a
date a year off now and then, a hair colour), and tattoos, belongings, scars and teeth described
in other words. The rest
of the remains are men the registry does not know.

Prints: top-5 recall where at least two individualising descriptors are known (and overall),
the share of remains whose true man was wrongly excluded, and the time to index the men and to
match every body (pure Python, one process).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from kintrace.remains.matching import (
    Descriptors,
    PersonIndex,
    Tattoo,
    date_key,
    date_key_end,
    known_descriptors,
    match,
)

SURNAMES = "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов".split()  # noqa: E501
GIVEN = "Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Николай Владимир Олег Павел Роман Виктор Юрий Игорь Денис Артём Константин".split()  # noqa: E501
WOMEN = "Оля Маша Таня Света Лена Наташа Катя Ира Аня Люба Вера Надя Галя Юля Даша".split()
PHRASES = [
    "не забуду мать родную",
    "ВДВ",
    "за ВДВ",
    "нет в жизни счастья",
    "свобода",
    "мама",
    "спаси и сохрани",
    "ДМБ",
    "морская пехота",
    "сын",
]
# The picture as a family says it, and as a morgue form may write it.
PICTURES = {
    "роза": ["цветок розы", "розочка", "роза с шипами"],
    "крест": ["крестик", "православный крест", "крест"],
    "парашют": ["купол парашюта", "парашют и самолёты"],
    "орёл": ["птица орёл", "орел двуглавый"],
    "паук": ["паук в паутине", "паутина с пауком"],
    "якорь": ["якорь морской", "якорь с цепью"],
    "кот": ["кошка", "кот в шляпе"],
    "церковь": ["купола церкви", "храм с куполами"],
    "череп": ["череп с костями", "череп"],
    "звёзды": ["звезды на плечах", "восьмиконечные звёзды"],
}
PLACES = [
    ("левое", "предплечье"),
    ("правое", "предплечье"),
    ("левое", "плечо"),
    ("правое", "плечо"),
    ("", "грудь"),
    ("", "спина"),
    ("левая", "кисть"),
    ("правая", "кисть"),
    ("", "пальцы"),
    ("", "шея"),
]
BELONGINGS = {
    "нательный крестик": ["крестик на шнурке", "крест серебряный"],
    "часы Casio": ["наручные часы Casio", "часы электронные касио"],
    "кольцо обручальное": ["обручальное кольцо", "кольцо жёлтого металла"],
    "телефон Nokia": ["кнопочный телефон нокиа", "мобильный телефон Nokia"],
    "иконка": ["образок", "иконка в пакете"],
    "зажигалка Zippo": ["зажигалка зиппо", "зажигалка металлическая"],
    "фото дочери": ["фотография девочки", "фото ребёнка"],
    "чётки": ["чётки деревянные", "четки"],
}
# Scars and teeth as a family says them, and as a morgue form may write them.
SCARS = {
    "шрам на животе после аппендицита": ["послеоперационный рубец в правой подвздошной области"],
    "шрам на лбу": ["рубец на лбу", "шрам лобной области"],
    "ожог на левой руке": ["следы ожога на левом предплечье", "рубцы от ожога левой руки"],
    "шрам на колене": ["рубец в области колена", "шрам на правом колене"],
}
TEETH = {
    "нет передних зубов": ["отсутствуют передние резцы", "нет передних зубов"],
    "золотая коронка сверху": ["коронка из жёлтого металла на верхней челюсти"],
    "металлические коронки": ["коронки белого металла", "металлические коронки"],
    "зубы целы": ["зубы без особенностей", "зубы целые"],
}
AMPUTATIONS = ["нет пальца на левой руке", "нет двух пальцев на правой руке"]
HAIR = ["русые", "тёмные", "светлые", "седые", "лысый"]
COLONIES = [f"{n:02d}" for n in range(1, 90)]


def typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i + 1 :]
    if kind < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("аеоиктнр") + text[i + 1 :]


def _worded(rng: random.Random, text: str, variants: dict[str, list[str]]) -> str:
    """Half the time in a morgue's words rather than the family's (unless --same-words)."""
    if not text or SAME_WORDS or rng.random() < 0.5:
        return text
    return rng.choice(variants[text])


SAME_WORDS = False


def make_man(rng: random.Random, key: int) -> tuple[Descriptors, dict]:
    """(what the family knows, the truth the body will show)."""
    birth = rng.randint(1965, 2003)
    height = int(rng.gauss(176, 7))
    tattoos = []
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        side, part = rng.choice(PLACES)
        text = (
            rng.choice(PHRASES)
            if rng.random() < 0.4
            else f"{rng.choice(WOMEN)} {rng.randint(1980, 2022)}"
        )
        tattoos.append((text, rng.choice(list(PICTURES)), f"{side} {part}".strip()))
    belongings = rng.sample(list(BELONGINGS), rng.choice((0, 1, 1, 2)))
    truth = {
        "birth": birth,
        "height": height,
        "tattoos": tattoos,
        "belongings": belongings,
        "token": f"К-{rng.choice(COLONIES)}-{rng.randint(0, 99999):05d}",
        "scars": rng.choice(list(SCARS)) if rng.random() < 0.3 else "",
        "teeth": rng.choice(list(TEETH)) if rng.random() < 0.3 else "",
        "amputations": rng.choice(AMPUTATIONS) if rng.random() < 0.03 else "",
        "hair": rng.choice(HAIR),
        "name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
        "last_alive": date_key(2023, rng.randint(1, 9), rng.randint(1, 28)),
    }
    known = lambda p: rng.random() < p  # noqa: E731
    ante = Descriptors(
        key=key,
        sex="m",
        birth_year_min=birth,
        birth_year_max=birth,
        height_min=height - 2 if known(0.7) else None,
        height_max=height + 2 if known(1.0) else None,
        last_alive=truth["last_alive"] if known(0.5) else 0,
        hair=truth["hair"] if known(0.6) else "",
        tattoos=tuple(
            Tattoo(text=t, image=p, location=loc) for t, p, loc in tattoos if known(0.85)
        ),
        scars=truth["scars"] if known(0.8) else "",
        teeth=truth["teeth"] if known(0.6) else "",
        amputations=truth["amputations"],
        belongings=tuple(b for b in belongings if known(0.8)),
        token=truth["token"] if known(0.6) else "",
        names=(truth["name"],),
    )
    if ante.height_min is None:
        ante = Descriptors(**{**ante.__dict__, "height_max": None})
    return ante, truth


def make_body(rng: random.Random, key: int, truth: dict) -> Descriptors:
    found_month = (truth["last_alive"] // 100 % 100) + rng.randint(0, 4)
    found_year = 2023 + (found_month - 1) // 12
    found_month = (found_month - 1) % 12 + 1
    if rng.random() < 0.003:  # a date mis-recorded a year early
        found_year -= 1
    age = found_year - truth["birth"]
    centre = age + rng.gauss(0, 4)
    known = lambda p: rng.random() < p  # noqa: E731
    tattoos = []
    for text, picture, place in truth["tattoos"]:
        if not known(0.7):
            continue
        if known(0.3):
            text = typo(rng, text)
        if known(0.2):
            text = ""  # faded: only the picture
        side = place.split()[0] if " " in place else ""
        part = place.split()[-1]
        if side and known(0.1):
            side = {"левое": "правое", "правое": "левое"}.get(side, side)  # left/right swapped
        if known(0.3):
            side = ""
        location = f"{part} {side}".strip() if known(0.5) else f"{side} {part}".strip()
        tattoos.append(Tattoo(text=text, image=rng.choice(PICTURES[picture]), location=location))
    token = ""
    if known(0.4):
        token = truth["token"]
        if known(0.1):  # one digit mis-written
            i = rng.randrange(len(token) - 5, len(token))
            token = token[:i] + str((int(token[i]) + 1) % 10) + token[i + 1 :]
        token = token.replace("-", " ") if known(0.5) else token
    height = truth["height"] + rng.gauss(0, 2.5)
    return Descriptors(
        key=key,
        sex="m" if known(0.9) else "",
        # a range ten years wide, never below 18 (a form refuses one that ends before it starts)
        age_min=max(18, int(centre - 5)) if known(0.8) else None,
        age_max=max(23, int(centre + 5)) if known(1.0) else None,
        height_min=int(height - 3) if known(0.6) else None,
        height_max=int(height + 3),
        date_min=date_key(found_year, found_month),
        date_max=date_key_end(found_year, found_month),
        # a morgue's hair colour is not always the family's (dyed, greyed, decay): one in ten
        hair=(truth["hair"] if known(0.9) else rng.choice(HAIR)) if known(0.3) else "",
        tattoos=tuple(tattoos),
        scars=_worded(rng, truth["scars"], SCARS) if known(0.5) else "",
        teeth=_worded(rng, truth["teeth"], TEETH) if known(0.5) else "",
        amputations=truth["amputations"] if known(0.9) else "",
        belongings=tuple(rng.choice(BELONGINGS[b]) for b in truth["belongings"] if known(0.5)),
        token=token,
        names=(truth["name"],) if known(0.08) else (),
    )


def _fix(d: Descriptors) -> Descriptors:
    """An age or height range with one end unknown is unknown."""
    values = dict(d.__dict__)
    for low, high in (("age_min", "age_max"), ("height_min", "height_max")):
        if values[low] is None:
            values[high] = None
    return Descriptors(**values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--remains", type=int, default=10_000)
    parser.add_argument(
        "--unknown", type=float, default=0.2, help="share of bodies of men not in the registry"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--same-words",
        action="store_true",
        help="scars and teeth in the family's words on the body too (as before 2026-11-29)",
    )
    args = parser.parse_args()
    global SAME_WORDS
    SAME_WORDS = args.same_words
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    men, truths = [], []
    for key in range(args.persons):
        ante, truth = make_man(rng, key)
        men.append(ante)
        truths.append(truth)
    bodies, true_key = [], []
    for i in range(args.remains):
        if rng.random() < args.unknown:
            _ante, truth = make_man(rng, -1)
            true_key.append(None)
        else:
            k = rng.randrange(args.persons)
            truth = truths[k]
            true_key.append(k)
        bodies.append(_fix(make_body(rng, i, truth)))
    t1 = time.perf_counter()
    index = PersonIndex(men)
    t2 = time.perf_counter()
    cpu = time.process_time()
    hits = hits2 = n2 = known_n = wrong_excl = proposed_unknown = in_pool2 = 0
    compared = 0
    for body, truth in zip(bodies, true_key, strict=True):
        pool = index.candidates(body)
        compared += len(pool)
        ranked, excluded = match(body, pool, top=5)
        if truth is None:
            proposed_unknown += bool(ranked)
            continue
        known_n += 1
        top = [r.key for r in ranked]
        wrong_excl += any(r.key == truth for r in excluded)
        hits += truth in top
        if known_descriptors(body) >= 2:
            n2 += 1
            hits2 += truth in top
            in_pool2 += any(m.key == truth for m in pool)
    t3 = time.perf_counter()
    cpu = time.process_time() - cpu
    print(
        f"persons {args.persons:,}  remains {args.remains:,} "
        f"({known_n:,} of known men)  seed {args.seed}"
    )
    print(
        f"generate {t1 - t0:.1f} s   index {t2 - t1:.1f} s   match {t3 - t2:.1f} s "
        f"({(t3 - t2) / args.remains * 1000:.2f} ms a body, "
        f"{compared / args.remains:.0f} men compared a body); "
        f"match CPU {cpu:.1f} s ({cpu / args.remains * 1000:.2f} ms a body)"
    )
    print(f"top-5 recall, >=2 descriptors known: {hits2 / max(n2, 1):.3f}  ({n2:,} bodies)")
    print(f"true man among those compared (blocking), >=2 known: {in_pool2 / max(n2, 1):.3f}")
    print(f"top-5 recall, all bodies of known men: {hits / max(known_n, 1):.3f}")
    print(f"true man wrongly excluded: {wrong_excl / max(known_n, 1):.4f}  ({wrong_excl})")
    print(
        "bodies of unknown men with someone proposed: "
        f"{proposed_unknown / max(args.remains - known_n, 1):.3f}"
    )


if __name__ == "__main__":
    main()

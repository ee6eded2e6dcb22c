"""Build the Russian receipt word list (src/kintrace/security/data/receipt_words_ru.txt).

Deterministic for the pinned dictionaries: common nouns ranked by their count in natasha's
navec news vocabulary (1 billion words of Russian news), each checked with pymorphy3 to be
a noun in the nominative singular with nothing that would make it hard to say or read
back (proper names, abbreviations, slang, obscenity, archaic or misspelt forms), 3–9
letters, no "ё" (so ё/е typing never matters) and no two words alike once folded.

Words a frightened family should not be handed as their codename (death, war, prison,
weapons, illness, violence, religion, politics, vulgarity) are dropped by the stems in
BLOCK_STEMS. The embeddings' similarity was tried as a second filter and did not separate
them ("мертвец" is as close to "труп" as "стул"), so the stems are the whole filter.

Run: .venv/bin/python scripts/make_receipt_words.py  (rewrites the file; commit it).
"""

import os
import sys
from pathlib import Path

import natasha
import pymorphy3
from navec import Navec

SIZE = 7776  # 6**5: a diceware-sized list; 10 words carry log2(7776**10) = 129.2 bits
OUT = Path(__file__).resolve().parent.parent / "src/kintrace/security/data/receipt_words_ru.txt"

BAD_TAGS = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Infr", "Slng", "Arch",
            "Litr", "Erro", "Dist", "Obsc", "Fixd", "Init", "Apro", "Qual"}

# Stems a receipt must not touch (death, war, prison, weapons, illness, violence, crime,
# religion, politics, vulgarity): a word starting with one of them is dropped.
BLOCK_STEMS = tuple("""
смерт мертв мёртв труп убий убив войн воен вояк тюрьм тюрем колони лагер зон конво арест
оруж пул снаряд ракет бомб танк фронт солдат боец бойц враг атак бой раненн ранен погиб
гиб жертв террор казн пытк расстрел выстрел стрел нож пистол автомат мин гранат шрапнел
орудi орудие артилл кавалер пехот штурм окоп блиндаж дрон беспилот мобилиз призыв
повестк военком контракт вагнер наемн наёмн плен гроб могил кладбищ морг прах склеп
некропол реквием похорон поминк траур слез горе бед страх ужас паник отчаян боль рана
болезн больн болн рак онко инфаркт инсульт вирус эпидем госпитал морфин цианид яд отрав
рвот понос гной вонь дерьм жоп задниц член секс гей шлюх проститу порно насил изнасил
обрезан аборт сатан дьявол черт бес ад анафем грех бог церк мечет ислам религ
путин кремл власт депутат парти выбор президент министр чиновник санкц
преступ вор убийц маньяк мошенник улик суд приговор срок следств полиц милиц
наркот наркоман алкогол водк пиво пивн табак сигарет казино долг кредит взятк
мусор грязь дрян карачун катастроф авари пожар взрыв теракт кров
палач кремац муми порез ссадин угроз побег общак чекист расист антисемит шваль девк лях
палиц проклят расплат ярост тирани увечь инвалид калек сирот вдов покойн усопш гибел
катаст заключ зэк узник охранн надзират каратель оккупац нацист фашист
""".split())
# Nothing else needs curating by hand: the list is sorted, so a reviewer reads it through.


def candidates(morph):
    p = Path(os.path.dirname(natasha.__file__)) / "data/emb/navec_news_v1_1B_250K_300d_100q.tar"
    navec = Navec.load(str(p))
    ranked = navec.vocab.top()
    seen_folded = set()
    for word in ranked:
        if not (3 <= len(word) <= 9) or not all("а" <= c <= "я" for c in word):
            continue  # Cyrillic letters only; excludes ё, hyphens, digits, Latin
        if not morph.word_is_known(word):
            continue  # in the dictionary, not a guess from the ending (names, typos)
        parses = morph.parse(word)
        best = parses[0]
        tag = best.tag
        if tag.POS != "NOUN" or tag.case != "nomn" or tag.number != "sing":
            continue
        if best.normal_form != word or BAD_TAGS & set(tag.grammemes):
            continue
        if any(BAD_TAGS & set(p.tag.grammemes) for p in parses if p.normal_form == word):
            continue
        if word.startswith(BLOCK_STEMS):
            continue
        if word in seen_folded:
            continue
        seen_folded.add(word)
        yield word


def main() -> int:
    morph = pymorphy3.MorphAnalyzer()
    words = []
    for word in candidates(morph):
        words.append(word)
        if len(words) == SIZE:
            break
    if len(words) < SIZE:
        print(f"only {len(words)} words found", file=sys.stderr)
        return 1
    OUT.write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words)} words written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

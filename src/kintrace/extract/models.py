"""natasha's models, loaded once per process (about a second): they ship inside the
natasha/slovnet packages, nothing is downloaded."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Models", "models"]


@dataclass(frozen=True, slots=True)
class Models:
    segmenter: Any
    ner: Any
    morph_vocab: Any
    dates: Any
    money: Any
    names: Any


@lru_cache(maxsize=1)
def models() -> Models:
    """The loaded natasha pipeline parts (NewsEmbedding + NewsNERTagger, extractors)."""
    with warnings.catch_warnings():  # pymorphy2 under natasha warns about pkg_resources
        warnings.simplefilter("ignore")
        from natasha import (
            DatesExtractor,
            MoneyExtractor,
            MorphVocab,
            NamesExtractor,
            NewsEmbedding,
            NewsNERTagger,
            Segmenter,
        )

        vocab = MorphVocab()
        return Models(
            segmenter=Segmenter(),
            ner=NewsNERTagger(NewsEmbedding()),
            morph_vocab=vocab,
            dates=DatesExtractor(vocab),
            money=MoneyExtractor(vocab),
            names=NamesExtractor(vocab),
        )


def ner_spans(text: str) -> list[tuple[int, int, str]]:
    """natasha's NER on one text: (start, stop, "PER" | "LOC" | "ORG")."""
    from natasha import Doc

    m = models()
    doc = Doc(text)
    doc.segment(m.segmenter)
    doc.tag_ner(m.ner)
    return [(s.start, s.stop, s.type) for s in doc.spans]

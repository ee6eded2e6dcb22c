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
    """natasha's NER on one text: (start, stop, "PER" | "LOC" | "ORG").

    The model's small matrix products run on one BLAS thread: with the default thread pool
    a call costs ten times more on a busy machine (0.13 s against 0.015 s a paragraph,
    docs/benchmarks.md), and a web worker or a batch has its own parallelism."""
    from threadpoolctl import threadpool_limits

    if not text.strip():
        return []
    # The tagger itself, not natasha's Doc: Doc.segment splits the text into sentences and
    # tokens that tagging does not use (the tagger tokenizes again), a fifth of the cost.
    with threadpool_limits(limits=1, user_api="blas"):
        markup = models().ner(text)
    return [(s.start, s.stop, s.type) for s in markup.spans]

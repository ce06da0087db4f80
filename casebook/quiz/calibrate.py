"""Calibrate the short-answer threshold on the bank: `python -m casebook.quiz.calibrate [ROOT]`.

Positives: each key point vs the best sentence of its own question's reference answers.
Negatives: each key point vs the best sentence of a reference answer from another chapter.
Prints percentiles of both and the threshold that best separates them.
"""
from __future__ import annotations

import sys

import numpy as np

from ..content import load_project
from .semantic import similarities, split_sentences


def calibrate(root=".") -> dict:
    project = load_project(root)
    shorts = [q.obj for q in project.questions.values() if hasattr(q.obj, "key_points")]   # short answers
    pos, neg = [], []
    for k, q in enumerate(shorts):
        own = [s for ref in q.reference for s in split_sentences(ref)]
        other = next(o for o in shorts[k + 1:] + shorts[:k] if o.chapter != q.chapter)
        others = [s for ref in other.reference for s in split_sentences(ref)]
        pos.extend(similarities(q.key_points, own).max(axis=1).tolist())
        neg.extend(similarities(q.key_points, others).max(axis=1).tolist())
    pos_a, neg_a = np.array(pos), np.array(neg)
    best = max(np.arange(0.70, 0.95, 0.005),
               key=lambda t: (pos_a >= t).mean() + (neg_a < t).mean())
    return {"questions": len(shorts), "positives": len(pos), "negatives": len(neg),
            "pos_p10": float(np.percentile(pos_a, 10)), "pos_median": float(np.median(pos_a)),
            "neg_median": float(np.median(neg_a)), "neg_p90": float(np.percentile(neg_a, 90)),
            "best_threshold": round(float(best), 3),
            "pos_recall_at_best": float((pos_a >= best).mean()), "neg_reject_at_best": float((neg_a < best).mean())}


if __name__ == "__main__":
    for key, value in calibrate(sys.argv[1] if len(sys.argv) > 1 else ".").items():
        print(f"{key:22} {value:.4f}" if isinstance(value, float) else f"{key:22} {value}")

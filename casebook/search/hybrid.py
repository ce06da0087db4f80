"""Fusing the keyword and dense rankings.

Two methods, chosen by measurement (`casebook search eval --tune`, numbers in search/README.md):
- ``rrf``: reciprocal rank fusion, score = Σ w / (k + rank).
- ``weighted``: min-max normalised scores, score = alpha · dense + (1 − alpha) · keyword.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Fusion:
    method: str = "rrf"          # "rrf" or "weighted"
    rrf_k: int = 60
    alpha: float = 0.5           # weight of dense in "weighted"; in "rrf", dense weight = 2·alpha
    depth: int = 100             # candidates taken from each ranking

    def label(self) -> str:
        if self.method == "rrf":
            return f"rrf(k={self.rrf_k}, dense weight={self.alpha:.2f}, depth={self.depth})"
        return f"weighted(alpha={self.alpha:.2f}, depth={self.depth})"

    def with_(self, **changes) -> "Fusion":
        return replace(self, **changes)


#: The default, chosen on the tuning split of search/eval/queries.yml (see search/README.md).
DEFAULT = Fusion(method="rrf", rrf_k=60, alpha=0.5, depth=100)


def rrf(keyword: list[tuple[int, float]], dense: list[tuple[int, float]], k: int = 60,
        alpha: float = 0.5) -> dict[int, float]:
    """Reciprocal rank fusion of two best-first lists of (doc, score)."""
    wk, wd = 2 * (1 - alpha), 2 * alpha
    fused: dict[int, float] = {}
    for weight, ranking in ((wk, keyword), (wd, dense)):
        for rank, (doc, _score) in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + weight / (k + rank)
    return fused


def _minmax(ranking: list[tuple[int, float]]) -> dict[int, float]:
    if not ranking:
        return {}
    values = np.array([s for _, s in ranking], dtype=np.float64)
    low, high = float(values.min()), float(values.max())
    span = high - low
    if span <= 1e-12:
        return {doc: 1.0 for doc, _ in ranking}
    return {doc: (score - low) / span for doc, score in ranking}


def weighted(keyword: list[tuple[int, float]], dense: list[tuple[int, float]], alpha: float = 0.5) -> dict[int, float]:
    """alpha · normalised dense + (1 − alpha) · normalised keyword; missing scores count as 0."""
    kn, dn = _minmax(keyword), _minmax(dense)
    return {doc: alpha * dn.get(doc, 0.0) + (1 - alpha) * kn.get(doc, 0.0) for doc in set(kn) | set(dn)}


def fuse(keyword: list[tuple[int, float]], dense: list[tuple[int, float]], fusion: Fusion = DEFAULT) -> list[tuple[int, float]]:
    """Best-first (doc, fused score); ties broken by the better dense rank, then doc position."""
    keyword, dense = keyword[:fusion.depth], dense[:fusion.depth]
    if fusion.method == "rrf":
        scores = rrf(keyword, dense, fusion.rrf_k, fusion.alpha)
    elif fusion.method == "weighted":
        scores = weighted(keyword, dense, fusion.alpha)
    else:
        raise ValueError(f"unknown fusion method {fusion.method!r} (rrf or weighted)")
    dense_rank = {doc: i for i, (doc, _) in enumerate(dense)}
    return sorted(scores.items(), key=lambda item: (-item[1], dense_rank.get(item[0], len(dense)), item[0]))

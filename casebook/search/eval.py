"""Retrieval quality on search/eval/queries.yml: Recall@5, MRR and nDCG@10 per mode.

The queries are split deterministically (by a hash of the query text) into a tuning split and
a held-out split (HELDOUT_SHARE of the queries). Fusion choices are made on the tuning split
only; the held-out split shows whether they generalise.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Iterable, Sequence

from .hybrid import DEFAULT, Fusion

HELDOUT_SHARE = 0.3
SPLITS = ("all", "tune", "heldout")


@dataclass
class EvalQuery:
    q: str
    lang: str
    relevant: list[str]


def split_of(query: str) -> str:
    bucket = int(hashlib.sha1(query.strip().encode("utf-8")).hexdigest()[:8], 16) % 100
    return "heldout" if bucket < HELDOUT_SHARE * 100 else "tune"


def select(queries: Sequence[EvalQuery], split: str = "all", lang: str | None = None) -> list[EvalQuery]:
    out = [q for q in queries if split == "all" or split_of(q.q) == split]
    return [q for q in out if lang is None or q.lang == lang]


def recall_at(ranked: Sequence[str], relevant: Iterable[str], k: int = 5) -> float:
    relevant = set(relevant)
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Iterable[str]) -> float:
    relevant = set(relevant)
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    relevant = set(relevant)
    dcg = sum(1.0 / math.log2(rank + 1) for rank, doc in enumerate(ranked[:k], start=1) if doc in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


@dataclass
class Scores:
    recall5: float
    mrr: float
    ndcg10: float
    n: int

    def row(self) -> tuple[str, str, str]:
        return f"{self.recall5:.3f}", f"{self.mrr:.3f}", f"{self.ndcg10:.3f}"


def score_rankings(rankings: Sequence[Sequence[str]], queries: Sequence[EvalQuery]) -> Scores:
    n = len(queries)
    if not n:
        return Scores(0.0, 0.0, 0.0, 0)
    return Scores(sum(recall_at(r, q.relevant) for r, q in zip(rankings, queries)) / n,
                  sum(reciprocal_rank(r, q.relevant) for r, q in zip(rankings, queries)) / n,
                  sum(ndcg_at(r, q.relevant) for r, q in zip(rankings, queries)) / n, n)


class Evaluator:
    """Runs each query once per ranking and caches both rankings, so fusions are cheap to compare."""

    DEPTH = 100

    def __init__(self, searcher, queries: Sequence[EvalQuery]):
        self.searcher = searcher
        self.queries = list(queries)
        self._keyword: dict[str, list[tuple[int, float]]] = {}
        self._dense: dict[str, list[tuple[int, float]]] = {}
        for query in self.queries:
            if query.q not in self._keyword:
                self._keyword[query.q] = searcher.keyword_ranking(query.q, self.DEPTH, None)
                self._dense[query.q] = searcher.dense_ranking(searcher.query_vector(query.q), self.DEPTH, None)

    def _ids(self, ranking) -> list[str]:
        docs = self.searcher.index.docs
        return [docs[i].id for i, _ in ranking[:10]]

    def ranking(self, query: str, mode: str, fusion: Fusion = DEFAULT) -> list[str]:
        from .hybrid import fuse
        if mode == "keyword":
            return self._ids(self._keyword[query])
        if mode == "dense":
            return self._ids(self._dense[query])
        return self._ids(fuse(self._keyword[query], self._dense[query], fusion, query, self.searcher.index.kinds))

    def scores(self, mode: str, split: str = "all", fusion: Fusion = DEFAULT, lang: str | None = None) -> Scores:
        chosen = select(self.queries, split, lang)
        return score_rankings([self.ranking(q.q, mode, fusion) for q in chosen], chosen)

    def table(self, fusion: Fusion = DEFAULT) -> list[tuple]:
        """Rows (split, mode, n, Recall@5, MRR, nDCG@10) for every split and mode."""
        rows = []
        for split in SPLITS:
            for mode in ("keyword", "dense", "hybrid"):
                s = self.scores(mode, split, fusion)
                rows.append((split, mode, s.n, *s.row()))
        return rows

    def by_language(self, fusion: Fusion = DEFAULT) -> list[tuple]:
        rows = []
        for lang in sorted({q.lang for q in self.queries}):
            for mode in ("keyword", "dense", "hybrid"):
                s = self.scores(mode, "all", fusion, lang)
                rows.append((lang, mode, s.n, *s.row()))
        return rows

    def tune(self, candidates: Sequence[Fusion] | None = None) -> list[tuple[Fusion, Scores, Scores]]:
        """Every candidate fusion scored on the tuning split (and, for the record, held-out),
        best first by nDCG@10 then MRR on the tuning split."""
        candidates = list(candidates or fusion_grid())
        results = [(f, self.scores("hybrid", "tune", f), self.scores("hybrid", "heldout", f)) for f in candidates]
        results.sort(key=lambda r: (-r[1].ndcg10, -r[1].mrr, -r[1].recall5))
        return results


def fusion_grid() -> list[Fusion]:
    """The candidates compared by `casebook search eval --tune`."""
    grid = []
    for method, k in (("rrf", 10), ("rrf", 30), ("rrf", 60), ("weighted", 60)):
        for alpha in (0.4, 0.5, 0.6, 0.7):
            for alpha_latin in (None, 0.8, 0.9, 1.0):
                for question_weight in (1.0, 0.8, 0.6, 0.5, 0.4):
                    grid.append(Fusion(method, rrf_k=k, alpha=alpha, alpha_latin=alpha_latin,
                                       question_weight=question_weight))
    return grid


def format_table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(cells[0], widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells[1:]]
    return "\n".join(lines)

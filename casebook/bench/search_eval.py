"""Retrieval quality on the evaluation sets in search/eval/*.yml: Recall@5, MRR and graded nDCG@10.

Relevance is graded: ``relevant: {ID: 2, ID: 1}`` (2 = answers the query, 1 = related); the list
form ``relevant: [ID, …]`` gives every ID grade 2. nDCG uses the gain 2^grade − 1 and the
discount log2(rank + 1); Recall@5 and MRR count every relevant item (any grade).

The queries are split deterministically (by a hash of the query text) into a tuning split and
a held-out split (HELDOUT_SHARE of the queries). Settings are chosen on the tuning split only;
the held-out split shows whether they generalise. Results are reported overall, by language and
by query kind.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np

from ..search.hybrid import DEFAULT, Fusion

HELDOUT_SHARE = 0.3
SPLITS = ("all", "tune", "heldout")
MODES = ("keyword", "dense", "hybrid")


@dataclass
class EvalQuery:
    q: str
    lang: str
    relevant: Mapping[str, int] | Sequence[str]
    kind: str | None = None
    grades: dict[str, int] = field(init=False)

    def __post_init__(self):
        if isinstance(self.relevant, Mapping):
            self.grades = {str(k): int(v) for k, v in self.relevant.items()}
        else:
            self.grades = {str(k): 2 for k in self.relevant}


def from_content(queries) -> list[EvalQuery]:
    """EvalQuery objects from the content model's queries (casebook.content.schema.EvalQuery)."""
    return [EvalQuery(q.q, q.lang, dict(q.grades), q.kind) for q in queries]


def split_of(query: str) -> str:
    bucket = int(hashlib.sha1(query.strip().encode("utf-8")).hexdigest()[:8], 16) % 100
    return "heldout" if bucket < HELDOUT_SHARE * 100 else "tune"


def select(queries: Sequence[EvalQuery], split: str = "all", lang: str | None = None,
           kind: str | None = None) -> list[EvalQuery]:
    out = [q for q in queries if split == "all" or split_of(q.q) == split]
    out = [q for q in out if lang is None or q.lang == lang]
    return [q for q in out if kind is None or (q.kind or "-") == kind]


def _grades(relevant: Mapping[str, int] | Iterable[str]) -> dict[str, int]:
    if isinstance(relevant, Mapping):
        return {k: int(v) for k, v in relevant.items() if int(v) > 0}
    return {k: 2 for k in relevant}


def recall_at(ranked: Sequence[str], relevant: Mapping[str, int] | Iterable[str], k: int = 5) -> float:
    relevant = set(_grades(relevant))
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: Mapping[str, int] | Iterable[str]) -> float:
    relevant = set(_grades(relevant))
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: Mapping[str, int] | Iterable[str], k: int = 10) -> float:
    """Graded nDCG@k: gain 2^grade − 1, discount log2(rank + 1), ideal = grades sorted."""
    grades = _grades(relevant)
    dcg = sum((2 ** grades[doc] - 1) / math.log2(rank + 1)
              for rank, doc in enumerate(ranked[:k], start=1) if doc in grades)
    ideal_order = sorted(grades.values(), reverse=True)[:k]
    ideal = sum((2 ** g - 1) / math.log2(rank + 1) for rank, g in enumerate(ideal_order, start=1))
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
    return Scores(sum(recall_at(r, q.grades) for r, q in zip(rankings, queries)) / n,
                  sum(reciprocal_rank(r, q.grades) for r, q in zip(rankings, queries)) / n,
                  sum(ndcg_at(r, q.grades) for r, q in zip(rankings, queries)) / n, n)


class Evaluator:
    """Runs each query's retrieval once (BM25 per term group, the dense ranking) and caches it,
    so ranking settings are cheap to compare. Rankings go through Searcher.rank, the same code
    as a live search (fusion, cited rules of long queries, ID lookup)."""

    DEPTH = 100

    def __init__(self, searcher, queries: Sequence[EvalQuery], cache=None):
        """cache: an EmbeddingCache to keep query vectors between runs (optional)."""
        self.searcher = searcher
        self.queries = list(queries)
        self._groups: dict[str, list[np.ndarray]] = {}
        self._group_terms: dict[str, list] = {}
        self._translated: dict[tuple, np.ndarray] = {}
        self._dense: dict[str, list[tuple[int, float]]] = {}
        keyword = searcher.index.keyword
        vectors = self._vectors = self._query_vectors(cache)
        for query in self.queries:
            if query.q in self._groups:
                continue
            groups = searcher.keyword_groups(query.q)[:4]
            # each group's BM25 at weight 1 (a term counts in its first group only, as in a search)
            self._groups[query.q] = [keyword.weighted_scores([(terms, 1.0 if j == i else 0.0)
                                                              for j, (terms, _w) in enumerate(groups[:i + 1])])
                                     for i in range(len(groups))]
            self._group_terms[query.q] = groups
            self._dense[query.q] = searcher.dense_ranking(vectors[query.q], self.DEPTH, None)
        self._cache: dict[tuple, list[str]] = {}

    def _query_vectors(self, cache) -> dict[str, np.ndarray]:
        """Each query's vector (Searcher.query_vector), kept in the embedding cache when given
        (under "<embedder>#query", keyed by the text embedded: Searcher.dense_text)."""
        from ..search.embcache import content_hash
        from ..search.normalize import normalize
        texts = list(dict.fromkeys(q.q for q in self.queries))
        name = f"{self.searcher.embedder.name}#query"
        keys = {t: content_hash(self.searcher.dense_text(t)) for t in texts}
        found = cache.get_many(name, list(keys.values())) if cache is not None else {}
        out, new = {}, []
        for text in texts:
            vector = found.get(keys[text])
            if vector is None:
                vector = self.searcher.query_vector(text)
                new.append((keys[text], vector))
            out[text] = np.asarray(vector, dtype=np.float32)
        if cache is not None and new:
            cache.put_many(name, new)
        return out

    def _keyword(self, query: str, fusion: Fusion) -> list[tuple[int, float]]:
        from ..search.dense import top_k
        base, synonyms, typos, initials = self._groups[query]
        scores = (base + fusion.synonym_weight * synonyms + fusion.typo_weight * typos
                  + fusion.initials_weight * initials)
        if fusion.lexicon_weight:
            scores = scores + fusion.lexicon_weight * self._translated_scores(query, fusion)
        top = top_k(scores, min(self.DEPTH, len(scores)))
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def _translated_scores(self, query: str, fusion: Fusion) -> np.ndarray:
        """BM25 of the query's lexicon terms at weight 1 (Searcher.translated_terms; terms of the
        other groups count there), cached per lexicon setting."""
        key = (query, fusion.lexicon_min, fusion.lexicon_latin_only)
        found = self._translated.get(key)
        if found is None:
            groups = self._group_terms[query]
            translated = self.searcher.translated_terms(query, list(groups[0][0]), fusion.with_(lexicon_weight=1.0))
            found = self._translated[key] = self.searcher.index.keyword.weighted_scores(
                [*((terms, 0.0) for terms, _w in groups), (translated, 1.0)])
        return found

    def ranking(self, query: str, mode: str, fusion: Fusion = DEFAULT) -> list[str]:
        key = (query, mode, fusion if mode != "dense" else None)
        cached = self._cache.get(key)
        if cached is None:
            keyword = self._keyword(query, fusion) if mode != "dense" else []
            ranked = self.searcher.rank(query, mode, keyword, self._dense[query], fusion, vector=self._vectors[query])
            docs = self.searcher.index.docs
            cached = self._cache[key] = [docs[i].id for i, _ in ranked[:10]]
        return cached

    def scores(self, mode: str, split: str = "all", fusion: Fusion = DEFAULT, lang: str | None = None,
               kind: str | None = None) -> Scores:
        chosen = select(self.queries, split, lang, kind)
        return score_rankings([self.ranking(q.q, mode, fusion) for q in chosen], chosen)

    def table(self, fusion: Fusion = DEFAULT) -> list[tuple]:
        """Rows (split, mode, n, Recall@5, MRR, nDCG@10) for every split and mode."""
        rows = []
        for split in SPLITS:
            for mode in MODES:
                s = self.scores(mode, split, fusion)
                rows.append((split, mode, s.n, *s.row()))
        return rows

    def by_language(self, fusion: Fusion = DEFAULT, split: str = "all") -> list[tuple]:
        rows = []
        for lang in sorted({q.lang for q in self.queries}):
            for mode in MODES:
                s = self.scores(mode, split, fusion, lang)
                rows.append((lang, mode, s.n, *s.row()))
        return rows

    def breakdown(self, fusion: Fusion = DEFAULT, mode: str = "hybrid") -> list[tuple]:
        """Rows (split, group, n, Recall@5, MRR, nDCG@10) by language and by query kind, for the
        tuning and held-out splits."""
        rows = []
        langs = sorted({q.lang for q in self.queries})
        kinds = sorted({q.kind or "-" for q in self.queries})
        for split in ("tune", "heldout"):
            s = self.scores(mode, split, fusion)
            rows.append((split, "all", s.n, *s.row()))
            for lang in langs:
                s = self.scores(mode, split, fusion, lang=lang)
                if s.n:
                    rows.append((split, f"lang={lang}", s.n, *s.row()))
            for kind in kinds:
                s = self.scores(mode, split, fusion, kind=kind)
                if s.n:
                    rows.append((split, f"kind={kind}", s.n, *s.row()))
        return rows

    def tune(self, start: Fusion = DEFAULT, rounds: int = 2) -> tuple[Fusion, list[tuple[Fusion, Scores, Scores]]]:
        """Coordinate search on the tuning split: each setting in turn is set to the value of
        TUNING_SPACE that scores best (nDCG@10, then MRR) with the others fixed; `rounds` passes.
        Returns the chosen settings and every candidate compared (tuning and held-out scores;
        held-out is reported, never used to choose)."""
        current = start
        tried: dict[Fusion, tuple[Scores, Scores]] = {}

        def measure(f: Fusion) -> Scores:
            if f not in tried:
                tried[f] = (self.scores("hybrid", "tune", f), self.scores("hybrid", "heldout", f))
            return tried[f][0]

        def key(f: Fusion):
            s = measure(f)
            return (round(s.ndcg10, 6), round(s.mrr, 6), round(s.recall5, 6))

        for _ in range(rounds):
            for name, values in TUNING_SPACE.items():
                candidates = [current.with_(**{name: v}) for v in values]
                best = max(candidates, key=lambda f: (key(f), f == current))
                current = best if key(best) > key(current) else current
        results, labels = [], set()
        for f, (s, h) in tried.items():
            if f.label() not in labels:   # settings that do not apply (rrf_k of "weighted") look alike
                labels.add(f.label())
                results.append((f, s, h))
        results.sort(key=lambda r: (-r[1].ndcg10, -r[1].mrr, -r[1].recall5))
        return current, results


#: The values `casebook search eval --tune` compares, one setting at a time.
TUNING_SPACE: dict[str, tuple] = {
    "method": ("weighted", "rrf"),
    "alpha": (0.3, 0.4, 0.5, 0.6, 0.7),
    "alpha_latin": (None, 0.6, 0.7, 0.8, 0.9),
    "question_weight": (1.0, 0.8, 0.6, 0.4, 0.3),
    "synonym_weight": (0.3, 0.5, 0.7),
    "typo_weight": (0.0, 0.3, 0.6, 0.8),
    "cited_rule_weight": (0.0, 0.3, 0.5, 0.8),
    "citing_items": (1, 2, 3, 5),
    "long_query_chars": (0, 20, 40, 80),
    "citing_kinds": (("case", "resolution"), ("case", "resolution", "question"),
                     ("case", "resolution", "question", "rule")),
    "rrf_k": (10, 30, 60),
    "typo_suspects": (False, True),
    "question_passages": (False, True),
    "english_passages": (False, True),
    "section_passages": (False, True),
    "section_mean": (0.0, 0.1, 0.2, 0.3),
    "section_min_chars": (0, 5, 8),
    "prf_weight": (0.0, 0.3, 0.5, 1.0),
    "prf_docs": (3, 5, 8),
    "linked_weight": (0.0, 0.3, 1.0),
    "initials_weight": (0.0, 0.4, 0.6, 0.8, 1.0),
    "citing_weight": (0.0, 0.05, 0.1, 0.15, 0.2),
    "citing_weight_latin": (None, 0.2, 0.3, 0.5),
    "citing_rules": (1, 2, 3),
    "keyword_share_power": (0.0, 0.3, 0.5, 0.7, 1.0),
    "keyword_share_chars": (20, 40, 60),
}


def format_table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(cells[0], widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells[1:]]
    return "\n".join(lines)

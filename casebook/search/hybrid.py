"""Fusing the keyword and dense rankings.

Two methods, chosen by measurement (`casebook search eval --tune`, numbers in search/README.md):
- ``rrf``: reciprocal rank fusion, score = Σ w / (k + rank).
- ``weighted``: min-max normalised scores, score = alpha · dense + (1 − alpha) · keyword.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import re

import numpy as np

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Fusion:
    method: str = "rrf"          # "rrf" or "weighted"
    rrf_k: int = 60
    alpha: float = 0.5           # weight of dense in "weighted"; in "rrf", dense weight = 2·alpha
    depth: int = 100             # candidates taken from each ranking
    #: alpha for queries without Chinese characters (the content is Chinese, so keyword
    #: matches of English queries are weak); None = same as alpha
    alpha_latin: float | None = None
    #: multiplier of the fused score of quiz questions (they restate rules and crowd them out)
    question_weight: float = 1.0
    #: keyword weight of synonyms of the typed words and of typo/homophone corrections (typed = 1)
    synonym_weight: float = 0.5
    typo_weight: float = 0.6
    #: keyword weight of the words a query's pinyin initials stand for (kf → 客服; typos.TermIndex)
    initials_weight: float = 0.6
    #: correct only windows touching a possibly misspelt word (Tokenizer.word_spans)
    typo_suspects: bool = False
    #: the query embedding reads misspelt words respelt (typos.TermIndex.respell)
    respell_dense: bool = False
    #: dense: a quiz question is a passage of the rules it tests, so a rule's similarity is the
    #: best of its own and its questions' (max-sim over the rule's passages)
    question_passages: bool = False
    #: dense: a rule's English title and keywords are a second passage of the rule (embedded
    #: apart), so a rule's similarity is the best of the two
    english_passages: bool = False
    #: dense: rules and cases also embedded as section passages (Document.section_passages: the
    #: title with one line of a rule, or with one section of a case); for a query of at least
    #: section_min_chars characters a rule's or case's similarity is (1 − section_mean) × the best
    #: of its own and its sections' + section_mean × the mean of its sections'
    section_passages: bool = False
    section_mean: float = 0.0
    section_min_chars: int = 5
    #: pseudo-relevance feedback (Rocchio) on the dense side: the query vector plus prf_weight ×
    #: the mean vector of the top prf_docs fused hits re-scores the candidates; 0 = off
    prf_weight: float = 0.0
    prf_docs: int = 5
    #: queries at least this long (characters) are pasted messages: the rules cited by their top
    #: `citing_items` cases/resolutions get cited_rule_weight × that item's fused score
    long_query_chars: int = 40
    cited_rule_weight: float = 0.0
    citing_items: int = 3
    #: the kinds whose links count as citations: cases and resolutions cite the rules they apply;
    #: questions the rules they test; rules their related rules
    citing_kinds: tuple[str, ...] = ("case", "resolution")
    #: a query naming an item by ID: the items linked to it (a case's or resolution's cited
    #: rules, a rule's related rules, the cases and resolutions citing a rule) get
    #: linked_weight × the best fused score added, so they follow the named item; 0 = off
    linked_weight: float = 0.0
    #: the cases and resolutions that cite one of the top `citing_rules` rules get
    #: citing_weight × that rule's fused score (the best rule counts); queries without Chinese
    #: characters use citing_weight_latin (None = the same): English reaches cases mostly through
    #: their rules, as the content is Chinese but rules carry English titles and keywords; 0 = off
    citing_weight: float = 0.0
    citing_weight_latin: float | None = None
    citing_rules: int = 2
    #: keyword weight of the Chinese terms an English query's words map to through the rules'
    #: own English titles and keywords (lexicon.EnglishLexicon; each term also carries its
    #: lexicon weight ≤ 1); terms mapped below lexicon_min are left out; 0 = off.
    #: lexicon_latin_only: only for queries without Chinese characters
    lexicon_weight: float = 0.0
    lexicon_min: float = 0.0
    lexicon_latin_only: bool = True
    #: "weighted" fusion: the normalised keyword scores of a query shorter than
    #: keyword_share_chars (characters) are multiplied by share ** keyword_share_power, where
    #: share = the best keyword score / the score a document holding all the query's words could
    #: reach (Searcher.keyword_share; words the index does not know and that no synonym or
    #: correction stands in for count too). A keyword ranking led by a document matching only the
    #: query's everyday words (群里, 有人) then counts less than the dense one. 0 = off
    keyword_share_power: float = 0.0
    keyword_share_chars: int = 40

    def label(self) -> str:
        extra = ""
        if self.alpha_latin is not None:
            extra += f", latin alpha={self.alpha_latin:.2f}"
        if self.question_weight != 1.0:
            extra += f", question weight={self.question_weight:.2f}"
        if self.cited_rule_weight:
            extra += (f", cited rules={self.cited_rule_weight:.2f} from top {self.citing_items}"
                      f" {'/'.join(self.citing_kinds)} when ≥{self.long_query_chars} chars")
        extra += f", syn={self.synonym_weight:.2f}, typo={self.typo_weight:.2f}"
        if self.typo_suspects:
            extra += " (suspect words only)"
        extra += f", initials={self.initials_weight:.2f}"
        if self.question_passages:
            extra += ", questions as rule passages"
        if self.english_passages:
            extra += ", English rule passages"
        if self.section_passages:
            extra += f", section passages (mean {self.section_mean:.2f}, ≥{self.section_min_chars} chars)"
        if self.linked_weight:
            extra += f", items linked to a named ID +{self.linked_weight:.2f}"
        if self.citing_weight or self.citing_weight_latin:
            extra += f", cases citing the top {self.citing_rules} rules +{self.citing_weight:.2f}"
            if self.citing_weight_latin is not None:
                extra += f" (+{self.citing_weight_latin:.2f} without Chinese)"
        if self.lexicon_weight:
            extra += (f", English→Chinese lexicon +{self.lexicon_weight:.2f} (≥{self.lexicon_min:.2f}"
                      f"{', English queries only' if self.lexicon_latin_only else ''})")
        if self.keyword_share_power:
            extra += (f", keyword × share^{self.keyword_share_power:.2f} of the attainable score"
                      f" when <{self.keyword_share_chars} chars")
        if self.prf_weight:
            extra += f", prf={self.prf_weight:.2f} from top {self.prf_docs}"
        if self.method == "rrf":
            return f"rrf(k={self.rrf_k}, alpha={self.alpha:.2f}{extra})"
        return f"weighted(alpha={self.alpha:.2f}{extra})"

    def alpha_for(self, query: str) -> float:
        if self.alpha_latin is not None and not CJK_RE.search(query or ""):
            return self.alpha_latin
        return self.alpha

    def citing_weight_for(self, query: str) -> float:
        if self.citing_weight_latin is not None and not CJK_RE.search(query or ""):
            return self.citing_weight_latin
        return self.citing_weight

    def with_(self, **changes) -> "Fusion":
        return replace(self, **changes)


#: The default, chosen on the tuning split of search/eval/blind.yml (experiments and figures in
#: search/README.md, "Evaluation"): typo correction of suspect words only, quiz questions as
#: passages of their rules, dense pseudo-relevance feedback, then `casebook search eval --tune`
#: (coordinate search from there; 71 settings compared); the third round added the keyword share
#: (keyword_share_power: a short query's keyword side counts by how much of it the best keyword
#: hit matches); the fourth round section passages of rules and cases (section_passages).
DEFAULT = Fusion(method="weighted", alpha=0.4, alpha_latin=None, question_weight=0.3, depth=100,
                 synonym_weight=0.5, typo_weight=0.6, cited_rule_weight=0.3, citing_items=2, long_query_chars=0,
                 citing_kinds=("case", "resolution"), typo_suspects=True, question_passages=True,
                 initials_weight=1.0, prf_weight=1.0, prf_docs=5, linked_weight=1.0,
                 citing_weight=0.1, citing_weight_latin=0.3, citing_rules=2, english_passages=False, respell_dense=True,
                 lexicon_weight=0.3, lexicon_min=0.2, lexicon_latin_only=True,
                 keyword_share_power=0.5, keyword_share_chars=40, section_passages=True, section_mean=0.1,
                 section_min_chars=5)


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


def weighted(keyword: list[tuple[int, float]], dense: list[tuple[int, float]], alpha: float = 0.5,
             keyword_scale: float = 1.0) -> dict[int, float]:
    """alpha · normalised dense + (1 − alpha) · keyword_scale · normalised keyword; missing
    scores count as 0."""
    kn, dn = _minmax(keyword), _minmax(dense)
    kw = (1 - alpha) * keyword_scale
    return {doc: alpha * dn.get(doc, 0.0) + kw * kn.get(doc, 0.0) for doc in set(kn) | set(dn)}


def keyword_scale(fusion: Fusion, keyword_share: float | None) -> float:
    """The factor of the normalised keyword scores: share ** keyword_share_power (1 when off or
    unknown)."""
    if not fusion.keyword_share_power or keyword_share is None:
        return 1.0
    return float(min(1.0, max(0.0, keyword_share)) ** fusion.keyword_share_power)


def fuse(keyword: list[tuple[int, float]], dense: list[tuple[int, float]], fusion: Fusion = DEFAULT,
         query: str = "", kinds=None, keyword_share: float | None = None) -> list[tuple[int, float]]:
    """Best-first (doc, fused score); ties broken by the better dense rank, then doc position.

    kinds: sequence giving each document's kind (for question_weight). keyword_share: the best
    keyword score's share of the attainable one (Searcher.keyword_share; "weighted" only)."""
    keyword, dense = keyword[:fusion.depth], dense[:fusion.depth]
    alpha = fusion.alpha_for(query)
    if fusion.method == "rrf":
        scores = rrf(keyword, dense, fusion.rrf_k, alpha)
    elif fusion.method == "weighted":
        scores = weighted(keyword, dense, alpha, keyword_scale(fusion, keyword_share))
    else:
        raise ValueError(f"unknown fusion method {fusion.method!r} (rrf or weighted)")
    if fusion.question_weight != 1.0 and kinds is not None:
        for doc in scores:
            if kinds[doc] == "question":
                scores[doc] *= fusion.question_weight
    dense_rank = {doc: i for i, (doc, _) in enumerate(dense)}
    return sorted(scores.items(), key=lambda item: (-item[1], dense_rank.get(item[0], len(dense)), item[0]))

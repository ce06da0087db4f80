"""Keyword retrieval: jieba tokenisation (with the domain user dictionary) and BM25 (bm25s).

Synonyms from search/synonyms.yml expand the query: when a query contains any term of a group
(as a substring, so phrases and English terms work too), the other terms of the group are added
with a lower weight. Documents are indexed as written.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from .normalize import normalize

#: v2: text normalised first (NFKC, Traditional → Simplified, case folding); English words stemmed
TOKENIZER_VERSION = "jieba-search-v3"
EXPANSION_WEIGHT = 0.5

STOPWORDS = frozenset("""
的 了 是 在 我 有 和 就 不 人 都 一 一个 上 也 很 到 说 要 去 你 会 着 没有 看 好 自己 这 那 他 她 它 们 我们 你们 他们
吗 呢 吧 啊 呀 哦 嗯 么 什么 怎么 怎么办 怎样 如何 为什么 哪些 哪个 还是 或者 以及 而且 但是 如果 因为 所以 这个 那个 这样 那样
一下 可以 能 应该 该 得 地 把 被 给 让 与 及 等 对 从 对于 之 其 或 又 还 再 则 并 而 且 但 才 将 已 已经
a an the of to in on at for by with and or is are was were be been being do does did how what when where which who
why can could should would will shall may might must i we you he she it they me us my our your this that these those
if then than so as about into from up out not no yes
""".split())

_WORD_RE = re.compile(r"\w", re.UNICODE)
CJK_CHAR_RE = re.compile(r"[\u3400-\u9fff]")
_ASCII_WORD_RE = re.compile(r"[a-z0-9]")
_LATIN_WORD_RE = re.compile(r"^[a-z][a-z'-]*$")
_log = logging.getLogger(__name__)
_jieba_lock = threading.Lock()
_tokenizers: dict[str, "Tokenizer"] = {}


def read_userdict(path: Path) -> list[tuple[str, int | None, str | None]]:
    """Entries of a jieba user dictionary file: 'word [freq] [tag]' per line, '#' comments."""
    entries = []
    if not path.is_file():
        return entries
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        entries.append((parts[0], freq, tag))
    return entries


#: Digits and letters typed together (12315ts: the hotline and 投诉's initials) are two words; jieba
#: keeps an alphanumeric run whole. Short runs stay together (E5, 3C, IDs such as SANC03).
_DIGITS_LETTERS_RE = re.compile(r"(?<=\d{3})(?=[a-z]{2})|(?<=[a-z]{2})(?=\d{4})")


def _split_runs(text: str) -> str:
    return _DIGITS_LETTERS_RE.sub(" ", text)


class Tokenizer:
    """A jieba tokenizer with its own dictionary (the global jieba one is left alone)."""

    def __init__(self, userdict: Sequence[tuple[str, int | None, str | None]] = (),
                 synonyms: Sequence[Sequence[str]] = ()):
        import jieba
        self._userdict = [tuple(e) for e in userdict]
        logging.getLogger("jieba").setLevel(logging.WARNING)
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        with _jieba_lock:
            self._jieba.initialize()
        words = []
        for word, freq, tag in userdict:
            word = normalize(word, fold_case=True)
            self._jieba.add_word(word, freq or 50, tag)
            words.append(word)
        self.groups: list[list[str]] = [[t.strip() for t in g if t and t.strip()] for g in synonyms]
        for group in self.groups:
            for term in group:
                if " " not in term and not term.isascii():
                    word = normalize(term, fold_case=True)
                    self._jieba.add_word(word, 50)
                    words.append(word)
        digest = hashlib.sha256(json.dumps([TOKENIZER_VERSION, sorted(set(words))], ensure_ascii=False).encode()).hexdigest()
        #: Identifies the document tokenisation (the token cache key); synonyms only affect queries.
        self.version = f"{TOKENIZER_VERSION}:{digest[:16]}"
        self._lower_groups = [[normalize(t, fold_case=True) for t in g] for g in self.groups]
        import Stemmer
        self._stemmer = Stemmer.Stemmer("english")
        self._term_tokens = {t: self._all_tokens(t) for g in self._lower_groups for t in g if t.isascii()}
        #: Chinese (and mixed) terms → the groups they belong to, and their lengths: a query's
        #: substrings of those lengths are looked up, instead of testing every term in turn
        self._substring_terms: dict[str, list[int]] = {}
        self._ascii_terms: list[tuple[str, int]] = []
        for index, group in enumerate(self._lower_groups):
            for term in group:
                if term.isascii():
                    self._ascii_terms.append((term, index))
                elif term:
                    self._substring_terms.setdefault(term, []).append(index)
        self._substring_lengths = sorted({len(t) for t in self._substring_terms})
        self._abbreviations = {}
        for group in self._lower_groups:
            head = next((t for t in group if CJK_CHAR_RE.search(t)), None)
            for term in group:
                if head and re.fullmatch(r"[a-z]{2,4}", term):
                    self._abbreviations.setdefault(term, head)
        self._synonym_words = frozenset(w for g in self._lower_groups for t in g for w in re.findall(r"[a-z]+", t))

    def config(self) -> dict:
        """What this tokenizer was made from (saved with an index)."""
        return {"userdict": [list(e) for e in self._userdict], "synonyms": self.groups}

    def synonym_words(self) -> frozenset[str]:
        """Every Latin word of the synonym terms (normalised, unstemmed): kf, gly, sop…"""
        return self._synonym_words

    def word_frequency(self, word: str) -> int:
        """The word's frequency in jieba's dictionary (with the user dictionary); 0 when unknown."""
        return int(self._jieba.FREQ.get(word) or 0)

    def abbreviations(self) -> dict[str, str]:
        """Latin synonym terms without spaces (kf, gly, sop) → the first Chinese term of their
        group (客服, 管理员, 流程): what the abbreviation stands for."""
        return self._abbreviations

    def domain_words(self) -> list[str]:
        """User-dictionary words and synonym terms (as tokens): part of the typo vocabulary."""
        out = [normalize(word, fold_case=True) for word, _f, _t in self._userdict]
        for group in self.groups:
            for term in group:
                out.extend(self.tokens(term))
        return out

    def tokens(self, text: str) -> list[str]:
        """Search-mode jieba tokens of the normalised text (half-width, Simplified, case-folded),
        without punctuation and stop words; English words are stemmed (Snowball)."""
        out = []
        for token in self._jieba.cut_for_search(_split_runs(normalize(text, fold_case=True))):
            token = token.strip()
            if not token or token in STOPWORDS or not _WORD_RE.search(token):
                continue
            if _LATIN_WORD_RE.match(token):
                token = self._stemmer.stemWord(token)
            out.append(token)
        return out

    def _term_in(self, term: str, lowered: str, query_tokens: list[str]) -> bool:
        """Whether a synonym term occurs in a normalised query: Chinese (or mixed) terms as a
        substring, English terms as a run of whole (stemmed) words, so "dm" is not found in "admin"."""
        if term.isascii():
            words = self._term_tokens.get(term) or []
            n = len(words)
            return bool(n) and any(query_tokens[i:i + n] == words for i in range(len(query_tokens) - n + 1))
        return term in lowered

    def matched_groups(self, query: str) -> list[list[str]]:
        """The synonym groups with a term in the query (see _term_in), in file order."""
        lowered = normalize(query, fold_case=True)
        hit: set[int] = set()
        for _, _, groups in self._substring_hits(lowered):
            hit.update(groups)
        if self._ascii_terms and _ASCII_WORD_RE.search(lowered):
            query_tokens = self._all_tokens(lowered)
            for term, index in self._ascii_terms:
                if index not in hit and self._term_in(term, lowered, query_tokens):
                    hit.add(index)
        return [self._lower_groups[i] for i in sorted(hit)]

    def _substring_hits(self, normalised: str):
        """(start, end, groups) of each Chinese (or mixed) synonym term found in a normalised query,
        by term length, then position."""
        for n in self._substring_lengths:
            for start in range(len(normalised) - n + 1):
                groups = self._substring_terms.get(normalised[start:start + n])
                if groups:
                    yield start, start + n, groups

    def synonym_spans(self, normalised: str) -> list[tuple[int, int]]:
        """(start, end) of each Chinese (or mixed) synonym term found in a normalised query
        (as matched_groups finds them: substrings)."""
        return [(start, end) for start, end, _ in self._substring_hits(normalised)]

    def word_spans(self, normalised: str, vocabulary) -> list[tuple[int, int, bool]]:
        """(start, end, suspect) of the Chinese words of a normalised query. A word jieba finds
        (two characters or more) that the content uses, or a stop word, was typed as meant;
        single characters and words the content never uses (危鸡, 进言) are suspect: they may be
        misspellings (typos.TermIndex.chinese_corrections)."""
        out = []
        for word, start, end in self._jieba.tokenize(normalised):
            if CJK_CHAR_RE.search(word):
                suspect = len(word) == 1 or (word not in vocabulary and word not in STOPWORDS)
                out.append((start, end, suspect))
        return out

    def _all_tokens(self, normalised: str) -> list[str]:
        """Every word token in order (stop words kept), for matching multi-word English terms."""
        out = []
        for token in self._jieba.cut(_split_runs(normalised)):
            token = token.strip()
            if token and _WORD_RE.search(token):
                out.append(self._stemmer.stemWord(token) if _LATIN_WORD_RE.match(token) else token)
        return out

    def query_terms(self, query: str) -> tuple[list[str], list[str]]:
        """(query tokens, synonym expansion tokens not already in the query), both de-duplicated."""
        base = list(dict.fromkeys(self.tokens(query)))
        extra: list[str] = []
        for group in self.matched_groups(query):
            for term in group:
                extra.extend(self.tokens(term) if " " in term or len(term) > 1 else [term])
        seen = set(base)
        expansion = [t for t in dict.fromkeys(extra) if t not in seen]
        return base, expansion

    def matching_terms(self, query: str) -> list[str]:
        """Words to highlight for a query: its tokens and the synonyms it expands to."""
        base, expansion = self.query_terms(query)
        phrases = [t for g in self.matched_groups(query) for t in g]
        return list(dict.fromkeys([*phrases, *base, *expansion]))


def get_tokenizer(root: Path, synonyms: Sequence[Sequence[str]] | None = None) -> Tokenizer:
    """The tokenizer for a content root (search/userdict.txt, search/synonyms.yml), shared per process."""
    root = Path(root)
    userdict = read_userdict(root / "search" / "userdict.txt")
    if synonyms is None:
        synonyms = load_synonyms(root)
    key = json.dumps([userdict, synonyms], ensure_ascii=False)
    with _jieba_lock:
        tokenizer = _tokenizers.get(key)
    if tokenizer is None:
        tokenizer = Tokenizer(userdict, synonyms)
        with _jieba_lock:
            _tokenizers[key] = tokenizer
    return tokenizer


def load_synonyms(root: Path) -> list[list[str]]:
    import yaml
    path = Path(root) / "search" / "synonyms.yml"
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return []   # lint reports it
    groups = data.get("groups") if isinstance(data, dict) else None
    return [[str(t) for t in g] for g in groups or [] if isinstance(g, list)]


@dataclass
class KeywordIndex:
    """BM25 over token lists; scores for every document at once."""
    retriever: object
    vocab: dict[str, int]
    size: int

    def __post_init__(self):
        #: each term's highest BM25 score in any document (by term id), and the value counted for
        #: a word the index does not know (UNKNOWN_TERM_PERCENTILE of those maxima): what a
        #: document containing a query's words could score at most (attainable)
        self.term_max, self.unknown_term_max = _term_maxima(self.retriever, len(self.vocab), self.size)

    def attainable(self, terms: Sequence[str], unknown: int = 0) -> float:
        """The BM25 score a document holding every one of `terms` (the typed words of a query)
        could reach at most: the sum of each known term's highest score in the index, plus
        unknown_term_max for each of `unknown` words the index does not know."""
        total = sum(float(self.term_max[self.vocab[t]]) for t in dict.fromkeys(terms) if t in self.vocab)
        return total + unknown * self.unknown_term_max

    @classmethod
    def build(cls, corpus_tokens: Sequence[Sequence[str]]) -> "KeywordIndex":
        import bm25s
        vocab: dict[str, int] = {}
        ids = []
        for tokens in corpus_tokens:
            ids.append([vocab.setdefault(t, len(vocab)) for t in tokens])
        retriever = bm25s.BM25()
        if ids:
            _quiet_bm25s()
            retriever.index((ids, dict(vocab)), show_progress=False)
        return cls(retriever, dict(retriever.vocab_dict) if ids else vocab, len(ids))

    def idf(self, term: str) -> float:
        """log((N + 1) / (df + 0.5)) from the BM25 matrix; unknown words get the highest value."""
        n = self.size
        position = self.vocab.get(term)
        df = 0
        if position is not None and n:
            indptr = self.retriever.scores["indptr"]
            if position + 1 < len(indptr):
                df = int(indptr[position + 1] - indptr[position])
        return float(np.log((n + 1) / (df + 0.5)))

    def contains(self, doc: int, terms: Sequence[str]) -> set[str]:
        """The terms that document `doc` contains (read from the BM25 matrix, no re-tokenising)."""
        found: set[str] = set()
        if not self.size:
            return found
        indptr, indices = self.retriever.scores["indptr"], self.retriever.scores["indices"]
        for term in terms:
            position = self.vocab.get(term)
            if position is None or position + 1 >= len(indptr):
                continue
            if (indices[indptr[position]:indptr[position + 1]] == doc).any():
                found.add(term)
        return found

    def scores(self, base: Sequence[str], expansion: Sequence[str] = (),
               expansion_weight: float = EXPANSION_WEIGHT) -> np.ndarray:
        return self.weighted_scores([(base, 1.0), (expansion, expansion_weight)])

    def weighted_scores(self, groups: Sequence[tuple[Sequence[str], float]]) -> np.ndarray:
        """Σ weight · BM25(terms) over (terms, weight) groups; a term counts once, in its first group.
        terms may be a mapping term → own weight (that term scores weight · own · BM25(term))."""
        out = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return out
        seen: set[str] = set()
        for terms, weight in groups:
            if isinstance(terms, Mapping):     # term → its own weight within the group
                for t, own in terms.items():
                    if t and t in self.vocab and t not in seen:
                        seen.add(t)
                        if weight and own:
                            out += (weight * own) * np.asarray(self.retriever.get_scores_from_ids([self.vocab[t]]),
                                                               dtype=np.float32)
                continue
            ids = []
            for t in dict.fromkeys(terms):
                if t and t in self.vocab and t not in seen:
                    seen.add(t)
                    ids.append(self.vocab[t])
            if ids and weight:
                out += weight * np.asarray(self.retriever.get_scores_from_ids(ids), dtype=np.float32)
        return out

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.size:
            self.retriever.save(str(folder), show_progress=False)
        (folder / "casebook_vocab.json").write_text(json.dumps({"size": self.size, "vocab": self.vocab},
                                                               ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        import bm25s
        meta = json.loads((folder / "casebook_vocab.json").read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0) if meta["size"] else bm25s.BM25()
        return cls(retriever, meta["vocab"], meta["size"])


#: a word the index does not know counts, in KeywordIndex.attainable, as this percentile of the
#: terms' highest scores (a rare word: unknown words are the query's most specific ones)
UNKNOWN_TERM_PERCENTILE = 90


def _term_maxima(retriever, n_terms: int, size: int) -> tuple[np.ndarray, float]:
    """Each term's highest score over the documents, read from the BM25 matrix (one row of
    document scores per term), and the UNKNOWN_TERM_PERCENTILE of the positive ones."""
    scores = getattr(retriever, "scores", None) if size else None
    if not scores or "indptr" not in scores:
        return np.zeros(n_terms, dtype=np.float32), 0.0
    data, indptr = np.asarray(scores["data"], dtype=np.float32), np.asarray(scores["indptr"])
    starts, counts = indptr[:-1], np.diff(indptr)
    # terms without a row (bm25s lists "" in its vocabulary) score 0
    out = np.zeros(max(len(starts), n_terms), dtype=np.float32)
    starts, counts = np.pad(starts, (0, len(out) - len(starts))), np.pad(counts, (0, len(out) - len(counts)))
    filled = counts > 0
    if filled.any() and len(data):
        out[filled] = np.maximum.reduceat(data, starts[filled])
    positive = out[out > 0]
    return out, float(np.percentile(positive, UNKNOWN_TERM_PERCENTILE)) if len(positive) else 0.0


def _quiet_bm25s() -> None:
    logging.getLogger("bm25s").setLevel(logging.WARNING)

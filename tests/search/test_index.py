"""Index build: documents of every kind, incremental embedding, atomic swap, crash safety."""
from __future__ import annotations

import os

import pytest

from casebook.search import index as index_mod
from casebook.search.documents import content_documents
from casebook.search.index import (IndexMissing, LoadedIndex, build_index, current_path, open_index,
                                   search_home)
from tests.conftest import edit


def test_documents_cover_every_kind_with_urls(indexed):
    loaded = open_index(search_home(indexed))
    by_id = {d.id: d for d in loaded.docs}
    assert {"AAA-01", "AAA-02", "CASE-001", "AAA-Q01", "AAA-Q02", "RES-1001"} <= set(by_id)
    assert by_id["AAA-01"].url == "/docs/rules/aaa/#AAA-01" and by_id["AAA-01"].chapter == "AAA"
    assert by_id["CASE-001"].url == "/docs/cases/case-001/" and "删除并提醒" in by_id["CASE-001"].text
    assert by_id["AAA-Q01"].kind == "question" and "见 AAA-01" in by_id["AAA-Q01"].text
    assert by_id["RES-1001"].url == "/search/resolutions/RES-1001" and by_id["RES-1001"].date == "2026-10-02"
    assert "13800001234" not in by_id["RES-1001"].text
    assert loaded.manifest["documents"] == len(loaded.docs) and loaded.manifest["dense"] == "flat"


def test_editing_one_case_reembeds_one_document(indexed, database, embedding_cache):
    edit(indexed / "cases" / "001-sample.yml", "outcome: 解决。", "outcome: 解决，成员道歉后恢复正常发言。")
    report = build_index(indexed, database, show_progress=False, cache_file=embedding_cache)
    assert report.embedded == 1 and report.cached == report.documents - 1
    again = build_index(indexed, database, show_progress=False, cache_file=embedding_cache)
    assert again.embedded == 0


def test_build_swaps_atomically_and_keeps_previous_for_readers(indexed, database, embedding_cache):
    home = search_home(indexed)
    before = current_path(home)
    reader = open_index(home)
    report = build_index(indexed, database, show_progress=False, cache_file=embedding_cache)
    after = current_path(home)
    assert after != before and after.name == report.path.name
    assert os.path.islink(home / "current") and before.is_dir()      # previous kept for readers
    assert len(reader.docs) == len(LoadedIndex(after).docs)          # an old reader keeps working
    assert open_index(home) is not reader                             # new readers see the new index
    build_index(indexed, database, show_progress=False, cache_file=embedding_cache)
    build_index(indexed, database, show_progress=False, cache_file=embedding_cache)
    assert len(list(home.glob("index-*"))) == 2 and not list(home.glob(".building-*"))


def test_crash_while_writing_leaves_the_old_index_live(indexed, database, monkeypatch, embedding_cache):
    home = search_home(indexed)
    before = current_path(home)

    def boom(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(index_mod.KeywordIndex, "save", boom)
    with pytest.raises(OSError, match="disk full"):
        build_index(indexed, database, show_progress=False, cache_file=embedding_cache)
    assert current_path(home) == before and not list(home.glob(".building-*"))
    assert len(LoadedIndex(current_path(home)).docs) > 0


def test_missing_index_is_reported(mini):
    with pytest.raises(IndexMissing):
        open_index(search_home(mini))


def test_filters_mask(indexed):
    loaded = open_index(search_home(indexed))
    kinds = loaded.kinds
    mask = loaded.mask(kinds=["rule"])
    assert set(kinds[mask]) == {"rule"}
    tagged = loaded.mask(tags=["广告"])
    assert {loaded.docs[i].id for i in tagged.nonzero()[0]} >= {"AAA-01", "CASE-001", "AAA-Q01", "RES-1001"}
    assert "AAA-02" not in {loaded.docs[i].id for i in tagged.nonzero()[0]}
    dated = loaded.mask(date_from="2026-10-03", date_to="2026-10-04")
    assert [loaded.docs[i].id for i in dated.nonzero()[0]] == ["RES-1002"]
    assert loaded.mask() is None


def test_content_documents_of_the_real_tree_are_complete():
    from casebook.content import load_project
    from tests.conftest import REPO
    project = load_project(REPO)
    docs = content_documents(project)
    assert len(docs) == len(project.rules) + len(project.cases) + len(project.questions)
    assert len({d.id for d in docs}) == len(docs)

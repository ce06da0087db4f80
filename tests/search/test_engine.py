"""Searching: modes, filters, snippets, bad input, similar messages, weak-result logging."""
from __future__ import annotations

import pytest

from casebook.search import gaps
from casebook.search.engine import Filters, QueryError, SearchResult, weak_threshold

HIT_FIELDS = {"id", "kind", "title", "url", "score", "snippet", "text"}


def test_hybrid_finds_rule_case_and_resolution_for_an_agent_question(searcher):
    result = searcher.search("群里有人发微商广告怎么办", k=10)
    ids = [h.doc.id for h in result.hits]
    assert "RES-1001" in ids[:3] and "CASE-001" in ids and "AAA-01" in ids
    hit = result.hits[0].as_dict()
    assert HIT_FIELDS <= set(hit) and isinstance(hit["score"], float)
    assert result.hits == sorted(result.hits, key=lambda h: -h.score)


def test_english_query_finds_chinese_resolution(searcher):
    ids = [h.doc.id for h in searcher.search("the parcel has not arrived after a week", k=3, mode="dense").hits]
    assert ids[0] == "RES-1002"


@pytest.mark.parametrize("mode", ["keyword", "dense", "hybrid"])
def test_every_mode_answers(searcher, mode):
    result = searcher.search("退款没人处理", k=3, mode=mode)
    assert result.hits and result.hits[0].doc.id == "RES-1003" and result.mode == mode


def test_filters_restrict_results(searcher):
    only_rules = searcher.search("广告", k=10, filters=Filters(kinds=["rule"]))
    assert only_rules.hits and {h.doc.kind for h in only_rules.hits} == {"rule"}
    tagged = searcher.search("退款", k=10, filters=Filters(tags=["物流"]))
    assert [h.doc.id for h in tagged.hits] == ["RES-1002"]
    chapter = searcher.search("广告", k=10, filters=Filters(chapters=["AAA"], kinds=["question"]))
    assert {h.doc.id for h in chapter.hits} == {"AAA-Q01", "AAA-Q02"}
    nothing = searcher.search("广告", k=10, filters=Filters(tags=["不存在的标签"]))
    assert nothing.hits == [] and nothing.weak


def test_snippets_highlight_query_words(searcher):
    hit = next(h for h in searcher.search("快递一周还没到", k=5).hits if h.doc.id == "RES-1002")
    assert "<mark>快递</mark>" in hit.snippet


@pytest.mark.parametrize("query, kwargs, message", [
    ("", {}, "empty"), ("   ", {}, "empty"), ("x" * 2001, {}, "too long"),
    ("广告", {"k": 0}, "k must be"), ("广告", {"k": 101}, "k must be"), ("广告", {"mode": "magic"}, "unknown mode"),
    ("广告", {"filters": Filters(kinds=["video"])}, "unknown kind"),
    ("广告", {"filters": Filters(date_from="2026-13-01")}, "date_from"),
])
def test_bad_input_is_a_query_error(searcher, query, kwargs, message):
    with pytest.raises(QueryError, match=message):
        searcher.search(query, **kwargs)


def test_similar_returns_resolutions_and_the_rules_they_cite(searcher):
    out = searcher.similar("你好，我刚进群就看到有人发代购广告和二维码，能管管吗", k=2)
    assert out["resolutions"][0]["id"] == "RES-1001"
    rules = {r["id"]: r for r in out["rules"]}
    assert "AAA-01" in rules and "RES-1001" in rules["AAA-01"]["via"]
    assert all(r["kind"] == "rule" for r in out["rules"])


def test_weak_results_are_logged_redacted_and_strong_ones_are_not(searcher, database):
    weak = SearchResult("今天天气怎么样 13800001234", "hybrid", [], None, 1.0)
    assert weak.weak and gaps.record_if_weak(database, weak, "test")
    strong = searcher.search("群里有人发微商广告怎么办", k=3)
    assert not strong.weak and not gaps.record_if_weak(database, strong, "test")
    rows = gaps.summary(database)
    assert [r.query for r in rows] == ["今天天气怎么样 [手机号****1234]"] and rows[0].count == 1
    gaps.record(database, "今天天气怎么样 13800001234", 0.5, 3)
    assert gaps.summary(database)[0].count == 2
    assert gaps.clear(database) == 2 and gaps.summary(database) == []


def test_weak_threshold_depends_on_script():
    assert weak_threshold("怎么禁言") > weak_threshold("how to mute")
    low = SearchResult("怎么禁言", "hybrid", [object()], weak_threshold("怎么禁言") - 0.01, 1.0)
    high = SearchResult("怎么禁言", "hybrid", [object()], weak_threshold("怎么禁言") + 0.01, 1.0)
    assert low.weak and not high.weak


def test_similar_accepts_a_long_pasted_message(searcher):
    out = searcher.similar("快递一周还没到，" * 400, k=1)
    assert out["resolutions"][0]["id"] == "RES-1002"

"""Keyword tokenisation and synonyms, BM25, fusion, faiss, snippets, eval metrics."""
from __future__ import annotations

import math

import numpy as np
import pytest

from casebook.search.dense import DenseIndex
from casebook.bench.search_eval import EvalQuery, ndcg_at, reciprocal_rank, recall_at, score_rankings, select, split_of
from casebook.search.hybrid import Fusion, fuse, rrf, weighted
from casebook.search.keyword import KeywordIndex, Tokenizer, read_userdict
from casebook.search.snippets import make_snippet, plain


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer([("移出群聊", 50, "v"), ("首次响应", 50, "n")],
                     [["踢人", "移出群聊", "踢出群"], ["首次响应", "首响", "first response"]])


def test_userdict_keeps_domain_words_whole(tokenizer):
    assert "移出群聊" in tokenizer.tokens("客服把他移出群聊了")
    assert "首次响应" in tokenizer.tokens("首次响应要在5分钟内")
    plain_tokenizer = Tokenizer()
    assert "移出群聊" not in plain_tokenizer.tokens("客服把他移出群聊了")


def test_tokens_drop_stopwords_and_punctuation_and_lowercase(tokenizer):
    tokens = tokenizer.tokens("The 客服，怎么 Reply？")
    assert "the" not in tokens and "怎么" not in tokens and "，" not in tokens and "repli" in tokens   # stemmed (Snowball)


def test_synonyms_expand_the_query(tokenizer):
    base, expansion = tokenizer.query_terms("能直接踢人吗")
    assert "踢人" in base and "移出群聊" in expansion and "踢出群" in expansion
    _, english = tokenizer.query_terms("how fast is the first response")
    assert "首次响应" in english and "首响" in english
    _, none = tokenizer.query_terms("退款怎么办")
    assert none == []


def test_bm25_finds_synonym_only_documents(tokenizer):
    docs = ["管理员可以把违规成员移出群聊", "退款在三个工作日内到账", "群公告每周更新一次"]
    index = KeywordIndex.build([tokenizer.tokens(d) for d in docs])
    base, expansion = tokenizer.query_terms("踢人")
    assert index.scores(base).max() == 0          # no literal match
    scores = index.scores(base, expansion)
    assert int(np.argmax(scores)) == 0 and scores[1] == 0 and scores[2] == 0


def test_bm25_save_and_load(tmp_path, tokenizer):
    docs = ["退款在三个工作日内到账", "快递延误怎么处理"]
    index = KeywordIndex.build([tokenizer.tokens(d) for d in docs])
    index.save(tmp_path / "bm25")
    loaded = KeywordIndex.load(tmp_path / "bm25")
    query = tokenizer.tokens("退款")
    assert np.allclose(loaded.scores(query), index.scores(query)) and loaded.scores(query)[0] > 0


def test_read_userdict(tmp_path):
    path = tmp_path / "u.txt"
    path.write_text("# comment\n禁言 80 v\n引流\n\n工单 30\n", encoding="utf-8")
    assert read_userdict(path) == [("禁言", 80, "v"), ("引流", None, None), ("工单", 30, None)]


def test_rrf_and_weighted_math():
    keyword = [(1, 9.0), (2, 3.0)]
    dense = [(2, 0.9), (3, 0.8)]
    scores = rrf(keyword, dense, k=60, alpha=0.5)
    assert scores[2] == pytest.approx(1 / 62 + 1 / 61) and scores[1] == pytest.approx(1 / 61)
    w = weighted(keyword, dense, alpha=0.25)
    assert w[1] == pytest.approx(0.75) and w[2] == pytest.approx(0.25) and w[3] == pytest.approx(0.0)


def test_fuse_orders_applies_question_weight_and_latin_alpha():
    keyword = [(0, 5.0), (1, 1.0)]
    dense = [(1, 0.9), (0, 0.1)]
    kinds = ["rule", "question"]
    assert [d for d, _ in fuse(keyword, dense, Fusion("weighted", alpha=0.8))] == [1, 0]
    assert [d for d, _ in fuse(keyword, dense, Fusion("weighted", alpha=0.8, question_weight=0.1), kinds=kinds)] == [0, 1]
    latin = Fusion("weighted", alpha=0.1, alpha_latin=0.9)
    assert [d for d, _ in fuse(keyword, dense, latin, query="how to mute")] == [1, 0]
    assert [d for d, _ in fuse(keyword, dense, latin, query="怎么禁言")] == [0, 1]
    with pytest.raises(ValueError):
        fuse(keyword, dense, Fusion("magic"))


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.mark.parametrize("threshold, kind", [(10, "flat"), (2, "hnsw")])
def test_dense_index_kinds_search_filter_and_reload(tmp_path, threshold, kind):
    vectors = _unit([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1]])
    index = DenseIndex.build(vectors, threshold=threshold)
    assert index.kind == kind
    ids, sims = index.search(_unit([[1, 0, 0]])[0], 2)
    assert list(ids) == [0, 1] and sims[0] == pytest.approx(1.0, abs=1e-5)
    mask = np.array([False, False, True, True])
    ids, _ = index.search(_unit([[1, 0, 0]])[0], 2, mask)
    assert set(ids) <= {2, 3}
    index.save(tmp_path)
    again = DenseIndex.load(tmp_path)
    assert again.kind == kind and list(again.search(_unit([[0, 1, 0]])[0], 1)[0]) == [2]


def test_snippet_marks_terms_and_escapes_html():
    text = "前言" * 80 + "成员在群里发<广告>，客服应先删除广告再私聊警告。" + "结尾" * 80
    snippet = make_snippet(text, ["广告", "警告"])
    assert "<mark>广告</mark>" in snippet and "<mark>警告</mark>" in snippet
    assert "&lt;" in snippet and "<广告>" not in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert plain(snippet, "[", "]").count("[广告]") >= 1


def test_snippet_without_matches_is_the_start():
    assert make_snippet("短文本", ["无关"]) == "短文本"


def test_metrics_by_hand():
    ranked = ["A", "B", "C", "D", "E", "F"]
    assert recall_at(ranked, ["B", "F"], 5) == 0.5
    assert reciprocal_rank(ranked, ["C"]) == pytest.approx(1 / 3) and reciprocal_rank(ranked, ["Z"]) == 0
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert ndcg_at(ranked, ["B", "Z"], 10) == pytest.approx(expected)
    queries = [EvalQuery("q1", "zh", ["A"]), EvalQuery("q2", "en", ["Z"])]
    scores = score_rankings([["A"], ["A"]], queries)
    assert (scores.recall5, scores.mrr, scores.ndcg10, scores.n) == (0.5, 0.5, 0.5, 2)


def test_split_is_deterministic_and_partitions():
    queries = [EvalQuery(f"查询{i}", "zh", ["A"]) for i in range(200)]
    tune, held = select(queries, "tune"), select(queries, "heldout")
    assert len(tune) + len(held) == 200 and 40 <= len(held) <= 80
    assert {q.q for q in tune}.isdisjoint({q.q for q in held})
    assert all(split_of(q.q) == "heldout" for q in held)
    assert select(queries, "all", "en") == []


def test_flat_filter_over_a_large_subset(monkeypatch):
    from casebook.search import dense
    monkeypatch.setattr(dense, "EXACT_SUBSET_MAX", 1)
    vectors = _unit([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1]])
    index = DenseIndex.build(vectors, threshold=10)
    ids, sims = index.search(_unit([[1, 0, 0]])[0], 3, np.array([False, True, True, False]))
    assert list(ids) == [1, 2] and sims[0] > sims[1]

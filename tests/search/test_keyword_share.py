"""The keyword share in fusion (Fusion.keyword_share_power): a short query's keyword side counts
by how much of the score attainable for its words the best keyword hit reaches; words the index
does not know count unless a synonym or a typo correction stands in for them."""
from __future__ import annotations

import numpy as np
import pytest

from casebook.search.hybrid import DEFAULT, Fusion, fuse, keyword_scale, weighted
from casebook.search.keyword import KeywordIndex, Tokenizer


@pytest.fixture(scope="module")
def small():
    tokenizer = Tokenizer()
    docs = ["群里有人发广告", "群里有人发广告，管理员删除广告并警告", "退款三天到账", "群里有人问退款"]
    return tokenizer, KeywordIndex.build([tokenizer.tokens(d) for d in docs])


def test_term_maxima_are_each_terms_best_score(small):
    tokenizer, index = small
    for term, position in index.vocab.items():
        best = float(np.max(index.weighted_scores([([term], 1.0)])))
        assert index.term_max[position] == pytest.approx(best, rel=1e-5)
    assert 0 < index.unknown_term_max <= float(index.term_max.max())


def test_attainable_sums_known_words_and_counts_unknown_ones(small):
    tokenizer, index = small
    terms = tokenizer.tokens("广告 退款")
    expected = sum(float(index.term_max[index.vocab[t]]) for t in terms)
    assert index.attainable(terms) == pytest.approx(expected)
    assert index.attainable([*terms, "从没见过的词"]) == pytest.approx(expected)      # unknown, not counted …
    assert index.attainable(terms, unknown=2) == pytest.approx(expected + 2 * index.unknown_term_max)   # … unless told
    assert index.attainable(["广告", "广告"]) == pytest.approx(index.attainable(["广告"]))   # once per word


def test_an_empty_index_attains_nothing():
    index = KeywordIndex.build([])
    assert index.attainable(["广告"], unknown=1) == 0.0


def test_keyword_scale_and_weighted_fusion():
    on = Fusion("weighted", alpha=0.4, keyword_share_power=0.5)
    assert keyword_scale(on, 0.25) == pytest.approx(0.5)
    assert keyword_scale(on, None) == 1.0 and keyword_scale(on, 3.0) == 1.0
    assert keyword_scale(on.with_(keyword_share_power=0.0), 0.25) == 1.0     # off
    scores = weighted([(0, 4.0), (1, 2.0)], [(1, 0.9)], alpha=0.4, keyword_scale=0.5)
    assert scores[0] == pytest.approx(0.6 * 0.5) and scores[1] == pytest.approx(0.4)


def test_a_keyword_hit_on_a_small_share_of_the_query_gives_way_to_the_dense_one():
    keyword = [(0, 1.0), (2, 0.2)]      # doc 0 matches the query's everyday words only
    dense = [(1, 0.9), (0, 0.5), (2, 0.4)]
    fusion = Fusion("weighted", alpha=0.4, keyword_share_power=0.5)
    assert fuse(keyword, dense, fusion)[0][0] == 0                       # share unknown: as before
    assert fuse(keyword, dense, fusion, keyword_share=1.0)[0][0] == 0    # the hit holds every word
    assert fuse(keyword, dense, fusion, keyword_share=0.1)[0][0] == 1    # it holds a tenth: dense leads
    assert fuse(keyword, dense, fusion.with_(keyword_share_power=0.0), keyword_share=0.1)[0][0] == 0


def test_unknown_words_are_those_nothing_stands_in_for(searcher):
    vocab = searcher.index.keyword.vocab
    assert "拍板" not in vocab and searcher.unknown_words("谁来拍板") == ["拍板"]
    assert "踢人" not in vocab and searcher.unknown_words("能踢人吗") == []     # a synonym stands in (移出群聊)
    assert "克服" not in vocab and searcher.unknown_words("克服回复") == []     # sounds like 客服: corrected
    assert searcher.unknown_words("群里有人发广告") == []                      # every word is known


def test_keyword_share_of_a_searcher(searcher):
    keyword = searcher.keyword_ranking("广告", 10, None)
    assert searcher.keyword_share("广告", keyword) == pytest.approx(1.0)   # the top hit has the word's best score
    assert searcher.keyword_share("广告", []) is None
    known = searcher.keyword_share("广告处理", searcher.keyword_ranking("广告处理", 10, None))
    unknown = searcher.keyword_share("广告拍板", searcher.keyword_ranking("广告拍板", 10, None))
    assert 0 < unknown < known <= 1.0      # a word no document has lowers the share


def test_the_share_changes_short_queries_only(searcher, monkeypatch):
    calls = []
    original = searcher.keyword_share
    monkeypatch.setattr(searcher, "keyword_share", lambda q, k: calls.append(q) or original(q, k))
    on = DEFAULT.with_(keyword_share_power=0.5, keyword_share_chars=40)
    searcher.search("广告拍板", fusion=on)
    searcher.search("群里有人发广告" * 8, fusion=on)                          # a pasted message: left alone
    searcher.search("广告拍板", fusion=on.with_(keyword_share_power=0.0))   # off
    searcher.search("广告拍板", mode="keyword", fusion=on)                  # one ranking: nothing to fuse
    assert calls == ["广告拍板"]

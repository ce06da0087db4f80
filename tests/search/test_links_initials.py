"""Ranking mechanisms of the second blind round: items linked to a named ID, cases citing the
top rules, pinyin initials, English rule passages, transposed letters in English typos."""
from __future__ import annotations

import numpy as np
import pytest

from casebook.search.hybrid import DEFAULT
from casebook.search.typos import TermIndex


def _pos(searcher, item_id: str) -> int:
    return searcher.index.position[item_id]


def _ids(searcher, ranked) -> list[str]:
    return [searcher.index.docs[p].id for p, _ in ranked]


# ---------------------------------------------------------------- links of a named ID

def test_linked_positions_follow_case_and_rule_links(searcher):
    case_links = _ids(searcher, [(p, 0) for p in searcher.linked_positions(_pos(searcher, "CASE-001"))])
    assert {"AAA-01", "AAA-02"} <= set(case_links)
    rule_links = _ids(searcher, [(p, 0) for p in searcher.linked_positions(_pos(searcher, "AAA-01"))])
    assert "CASE-001" in rule_links and "RES-1001" in rule_links        # cases and resolutions citing it
    assert all(searcher.index.docs[_pos(searcher, i)].kind != "question" for i in rule_links)
    assert "AAA-01" not in rule_links and "RES-1002" not in rule_links


def test_items_linked_to_a_named_id_follow_it(searcher):
    case, rule, other = _pos(searcher, "CASE-001"), _pos(searcher, "AAA-02"), _pos(searcher, "RES-1002")
    keyword = [(other, 3.0), (case, 2.0), (rule, 0.5)]
    dense = [(other, 0.9), (case, 0.8), (rule, 0.7)]
    plain = _ids(searcher, searcher.rank("CASE-001", "hybrid", keyword, dense, DEFAULT.with_(linked_weight=0.0)))
    linked = _ids(searcher, searcher.rank("CASE-001", "hybrid", keyword, dense, DEFAULT.with_(linked_weight=1.0)))
    assert plain[0] == linked[0] == "CASE-001"                   # the named item first either way
    assert plain.index("AAA-02") > plain.index("RES-1002")
    assert linked.index("AAA-02") < linked.index("RES-1002")     # its cited rule now comes before the stranger


def test_cases_citing_the_top_rule_are_brought_up(searcher):
    rule, case, other = _pos(searcher, "AAA-01"), _pos(searcher, "CASE-001"), _pos(searcher, "RES-1002")
    ranked = [(rule, 1.0), (other, 0.5), (case, 0.2)]
    lifted = _ids(searcher, searcher._bring_up_citing_items(ranked, 0.4, 1, None))
    assert lifted.index("CASE-001") < lifted.index("RES-1002")
    assert _ids(searcher, searcher._bring_up_citing_items(ranked, 0.0, 1, None)) == _ids(searcher, ranked)
    mask = np.ones(len(searcher.index), dtype=bool)
    mask[case] = False
    assert dict(searcher._bring_up_citing_items(ranked, 0.4, 1, mask))[case] == pytest.approx(0.2)   # filters apply


# ---------------------------------------------------------------- pinyin initials

def test_pinyin_initials_expand_to_the_most_frequent_content_word():
    terms = TermIndex.build(["客服", "咖啡", "售后", "退款", "公告"],
                            frequency={"客服": 9, "咖啡": 1, "售后": 4, "退款": 3, "公告": 2})
    assert terms.initials_expansions("kf回复太慢", vocab={}) == ["客服"]          # not 咖啡
    assert terms.initials_expansions("sh单没等确认就关了", vocab={}) == ["售后"]
    assert terms.initials_expansions("tk进度", vocab={"tk": 0}) == []          # a word of the content itself
    assert terms.initials_expansions("kf回复", vocab={}, skip={"kf"}) == []     # a synonym already covers it
    assert terms.initials_expansions("refund please", vocab={}) == []          # long English words are words
    # domain words (user dictionary, synonyms) come before more frequent everyday words
    preferred = TermIndex.build(["为了", "物流"], frequency={"为了": 20, "物流": 3}, preferred={"物流"})
    assert preferred.initials_expansions("wl卡住了", vocab={}) == ["物流"]
    # … but only words the content uses: a synonym term no document holds matches nothing
    unused = TermIndex.build(["封嘴", "反诈"], frequency={"反诈": 2}, preferred={"封嘴"})
    assert unused.initials_expansions("fz专线", vocab={}) == ["反诈"]
    assert TermIndex.build(["封嘴"], frequency={}, preferred={"封嘴"}).initials_expansions("fz专线", vocab={}) == []


def test_pinyin_initials_find_the_word_in_a_built_index(searcher):
    groups = searcher.keyword_groups("群里有人发gg怎么办")
    assert "广告" in groups[3][0]
    found = searcher.search("群里有人发gg", k=5, mode="keyword")
    assert found.hits and all("广告" in h.doc.keyword_text for h in found.hits)
    off = searcher.search("群里有人发gg", k=5, mode="keyword", fusion=DEFAULT.with_(initials_weight=0.0))
    assert "AAA-01" in [h.doc.id for h in found.hits] and "AAA-01" not in [h.doc.id for h in off.hits]


# ---------------------------------------------------------------- English

def test_english_typos_count_a_swap_as_one_edit():
    terms = TermIndex.build(["mute", "refund"])
    assert terms.latin_corrections(["muet"], vocab={}) == ["mute"]        # Levenshtein would say 2
    assert terms.latin_corrections(["mtue"], vocab={}) == ["mute"]


def test_rules_have_an_english_passage_and_it_lifts_them(searcher):
    docs = searcher.index.docs
    rule = docs[_pos(searcher, "AAA-02")]
    assert rule.english_passage == "Rule two. refund, second rule"
    assert docs[_pos(searcher, "CASE-001")].english_passage == ""
    assert {docs[p].id for p in searcher.index.english_positions} == {"AAA-01", "AAA-02"}
    row = list(searcher.index.english_positions).index(_pos(searcher, "AAA-02"))
    vector = searcher.index.english_vectors[row]
    other, aaa02 = _pos(searcher, "RES-1002"), _pos(searcher, "AAA-02")
    lifted = searcher._lift_english_passages([(other, 0.5), (aaa02, 0.1)], vector, None)
    assert lifted[0][0] == aaa02 and lifted[0][1] == pytest.approx(float(vector @ vector), abs=1e-4)
    assert len(lifted) == 2                                              # the ranking keeps its length
    kept = dict(searcher._lift_english_passages([(aaa02, 2.0), (other, 0.5)], vector, None))
    assert kept[aaa02] == pytest.approx(2.0)                             # never lowered
    mask = np.ones(len(docs), dtype=bool)
    mask[_pos(searcher, "AAA-02")] = False
    assert _pos(searcher, "AAA-02") not in dict(searcher._lift_english_passages([(other, 0.5)], vector, mask))


def test_the_database_index_has_the_english_passages_without_embedding(index_loaded_without_embedding):
    index = index_loaded_without_embedding
    assert {index.docs[p].id for p in index.english_positions} == {"AAA-01", "AAA-02"}
    assert index.english_vectors.shape[0] == 2


def test_abbreviations_are_spelt_out_for_the_embedding_but_english_is_left_alone(searcher):
    assert searcher.dense_text("群里有人发gg") == "群里有人发广告"              # pinyin initials of a content word
    assert searcher.dense_text("群裡有人發GG") == "群里有人发广告"              # normalised first, any case
    assert searcher.dense_text("how to handle gg by the rules") == "how to handle gg by the rules"
    assert searcher.dense_text("AAA-01 广告") == "AAA-01 广告"                  # IDs are not abbreviations
    assert searcher.index.terms.initials_expansions("by the way 群里", vocab={}) == []   # English stop words


def test_misspelt_words_are_respelt_for_the_embedding():
    from casebook.search.keyword import Tokenizer
    terms = TermIndex.build(["危机", "处理", "位及"], frequency={"危机": 5, "处理": 9, "位及": 1})
    tokenizer = Tokenizer()
    vocab = {"危机": 0, "处理": 1, "位及": 2}
    spans = tokenizer.word_spans("危鸡处理", vocab)
    assert terms.respell("危鸡处理", spans) == "危机处理"              # the most frequent homophone
    spans = tokenizer.word_spans("危机处理", vocab)
    assert terms.respell("危机处理", spans) == "危机处理"              # correct text is left alone
    assert terms.respell("危鸡处理", []) == "危鸡处理"                  # only whole suspect words


def test_only_rare_or_unknown_words_are_respelt():
    from casebook.search.engine import RESPELL_MAX_FREQ
    from casebook.search.keyword import Tokenizer
    tokenizer = Tokenizer()
    assert tokenizer.word_frequency("政治") >= RESPELL_MAX_FREQ          # a word typed as meant
    assert tokenizer.word_frequency("危鸡") < RESPELL_MAX_FREQ           # a typo of 危机

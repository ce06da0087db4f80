"""How staff actually type: Traditional and full-width text, typos and homophones, IDs, pasted
messages, honest confidence, graded evaluation, the gap log."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from casebook.bench.search_eval import EvalQuery, ndcg_at, recall_at, reciprocal_rank, score_rankings
from casebook.search.keyword import KeywordIndex, Tokenizer
from casebook.search.normalize import find_ids, normalize
from casebook.search.typos import TermIndex, fuzzy_syllable


# ---------------------------------------------------------------- normalisation

def test_traditional_and_full_width_text_is_normalised():
    assert normalize("群裡有人發廣告怎麼辦") == "群里有人发广告怎么办"
    assert normalize("ＳＡＮＣ－０３ 禁言２４小時", fold_case=True) == "sanc-03 禁言24小时"


def test_traditional_and_full_width_queries_give_the_same_tokens():
    tokenizer = Tokenizer([("首次响应", 50, "n")])
    assert tokenizer.tokens("首次響應要多久") == tokenizer.tokens("首次响应要多久")
    assert tokenizer.tokens("ＫＰＩ　指標") == tokenizer.tokens("kpi 指标")
    base, expansion = Tokenizer(synonyms=[["广告", "推广"]]).query_terms("群裡有人發廣告")
    assert "广告" in base and "推广" in expansion      # synonyms found in Traditional text too


def test_english_synonyms_match_whole_words_only():
    tokenizer = Tokenizer(synonyms=[["私聊", "dm"], ["管理员", "admin"]])
    _, expansion = tokenizer.query_terms("admin 怎么处理")
    assert "管理员" in expansion and "私聊" not in expansion     # "dm" is inside "admin", not a word


# ---------------------------------------------------------------- IDs

@pytest.mark.parametrize("query, ids", [
    ("SANC-03", ["SANC-03"]), ("MBR-02 是什么", ["MBR-02"]), ("case 5", ["CASE-005"]), ("CASE-012", ["CASE-012"]),
    ("案例12怎么处理", ["CASE-012"]), ("mbr-q03", ["MBR-Q03"]), ("ＳＡＮＣ－０３", ["SANC-03"]), ("RES-1001", ["RES-1001"]),
    ("first response within 15 min", []), ("data 1 week", []), ("群里有人发广告", []),
])
def test_ids_in_queries(query, ids):
    assert find_ids(query) == ids


def test_a_query_naming_an_id_returns_that_item_first(searcher):
    from casebook.search.engine import Filters
    for query, expected in (("AAA-02", "AAA-02"), ("AAA-02 是什么", "AAA-02"), ("aaa-q01", "AAA-Q01")):
        result = searcher.search(query, k=5)
        assert result.hits[0].doc.id == expected and not result.weak
    # the neighbour that shares most words must not win over the named rule
    assert searcher.ids("第一条 AAA-02", k=3)[0] == "AAA-02"
    # an ID outside the filters is not forced in; one that does not exist is ignored
    filtered = searcher.search("AAA-02", k=5, filters=Filters(kinds=["case"]))
    assert filtered.hits and all(h.doc.kind == "case" for h in filtered.hits)
    assert searcher.search("ZZZ-09 广告", k=3).hits[0].doc.id != "ZZZ-09"


def test_resolution_ids_are_found_when_resolutions_are_searched(searcher):
    assert searcher.ids("RES-1003", k=3)[0] == "RES-1003"


# ---------------------------------------------------------------- typos and homophones

def test_fuzzy_pinyin_merges_input_method_confusions():
    assert fuzzy_syllable("zhong") == fuzzy_syllable("zon")
    assert fuzzy_syllable("shi") == fuzzy_syllable("si")
    assert fuzzy_syllable("lan") == fuzzy_syllable("nan")
    assert fuzzy_syllable("jin") != fuzzy_syllable("jun")


def test_homophone_typos_find_the_domain_word():
    terms = TermIndex.build(["禁言", "首响", "引流", "退款"])
    assert "禁言" in terms.chinese_corrections("他被进言了", typed={"他", "进言"})
    assert "引流" in terms.chinese_corrections("有人在群里引留", typed=set())
    assert "首响" in terms.chinese_corrections("手响多久", typed=set())
    assert terms.chinese_corrections("禁言多久", typed={"禁言"}) == []      # correct words are left alone


def test_a_dropped_character_finds_the_four_character_domain_word():
    terms = TermIndex.build(["未成年人", "禁言", "成年"])
    assert "未成年人" in terms.chinese_corrections("未成人进群", typed={"未", "成人", "进群"})
    assert terms.chinese_corrections("未成年人进群", typed={"未成年人", "进群"}) == []   # typed right: nothing added
    assert TermIndex.build(["禁言"]).chinese_corrections("禁了", typed=set()) == []   # two characters: no drop search


def test_digits_and_initials_typed_together_are_two_words():
    tokenizer = Tokenizer()
    assert tokenizer.tokens("用户说要去12315ts")[-2:] == ["12315", "ts"]
    assert tokenizer.tokens("ts12315")[:2] == ["ts", "12315"]
    assert tokenizer.tokens("E5报错")[0] == "e5" and tokenizer.tokens("3C认证")[0] == "3c"   # short runs stay whole


def test_english_typos_within_a_small_edit_distance():
    terms = TermIndex.build(["refund", "escal", "advertis", "mute"])
    assert terms.latin_corrections(["refnd"], vocab={}) == ["refund"]
    assert terms.latin_corrections(["advertsi"], vocab={}) == ["advertis"]
    assert terms.latin_corrections(["refund"], vocab={"refund": 0}) == []     # known words are not corrected
    assert terms.latin_corrections(["zzzzzz"], vocab={}) == []


def test_typo_tolerance_on_a_fixture_keeps_exact_matches_first():
    tokenizer = Tokenizer([("禁言", 80, "v"), ("进言", 80, "v")])
    docs = ["成员刷屏时先提醒，再犯禁言24小时", "向领导进言要讲究方式", "退款三天内到账"]
    tokens = [tokenizer.tokens(d) for d in docs]
    index = KeywordIndex.build(tokens)
    terms = TermIndex.build([t for ts in tokens[:1] + tokens[2:] for t in ts])   # 进言 is not a domain word
    typo_query = "刷屏进言"
    base, _ = tokenizer.query_terms(typo_query)
    corrections = terms.chinese_corrections(normalize(typo_query, True), set(base))
    assert "禁言" in corrections
    scores = index.weighted_scores([(base, 1.0), (corrections, 0.6)])
    assert int(np.argmax(scores)) == 0                       # the typo finds the 禁言 rule
    exact = index.weighted_scores([(tokenizer.tokens("进言"), 1.0), (["禁言"], 0.6)])
    assert exact[1] > exact[0]                               # a document with the typed word wins


def test_typo_queries_find_the_right_rule_in_a_built_index(searcher):
    # "光告" (guang gao) is a homophone typo of 广告, a word of the mini content
    from casebook.search.hybrid import DEFAULT
    corrected = searcher.search("光告", k=3, mode="keyword")
    assert corrected.hits and "广告" in corrected.hits[0].doc.keyword_text
    uncorrected = searcher.search("光告", k=3, mode="keyword", fusion=DEFAULT.with_(typo_weight=0.0))
    assert not any("广告" in h.doc.keyword_text for h in uncorrected.hits)


# ---------------------------------------------------------------- honest confidence

def test_nonsense_is_weak_and_a_good_filtered_query_is_not(searcher):
    from casebook.search.engine import Filters
    assert searcher.search("asdfqwer", k=10).weak
    assert searcher.search("zxcvbnm qwop", k=10).weak
    # a short query on a word that is specific in this tree, filtered to one kind: not weak
    good = searcher.search("第二条", k=5, filters=Filters(kinds=["rule"]))
    assert good.hits and good.hits[0].doc.id == "AAA-02" and not good.weak
    assert not searcher.search("客服不得违反第二条", k=5).weak


def test_similar_is_honest_when_nothing_is_close_and_embeds_once(searcher, monkeypatch):
    calls = []
    original = searcher.embedder.query

    def counting(texts):
        calls.append(list(texts))
        return original(texts)

    monkeypatch.setattr(searcher.embedder, "query", counting)
    out = searcher.similar("asdfqwer zxcv", k=3)
    assert out["weak"] and out["resolutions"] == [] and out["cases"] == [] and out["rules"] == []
    assert len(calls) == 1
    calls.clear()
    close = searcher.similar("你好，我刚进群就看到有人发微商广告，还贴了二维码，能管管吗", k=3)
    assert len(calls) == 1
    assert not close["weak"] and close["resolutions"][0]["id"] == "RES-1001"
    assert any(r["id"] == "AAA-01" for r in close["rules"])


def test_pasted_messages_bring_up_the_rules_their_cases_cite(searcher):
    from casebook.search.hybrid import DEFAULT
    message = "你好，我刚进群就看到有人在发微商代购广告，还贴了一个二维码让大家加他好友，这种情况你们管不管？"
    fusion = DEFAULT.with_(cited_rule_weight=0.8, long_query_chars=20)
    keyword = searcher.keyword_ranking(message, 100, None, fusion)
    dense = searcher.dense_ranking(searcher.query_vector(message), 100, None)
    plain = [searcher.index.docs[p].id for p, _ in searcher.rank(message, "hybrid", keyword, dense, fusion.with_(cited_rule_weight=0.0))]
    boosted = [searcher.index.docs[p].id for p, _ in searcher.rank(message, "hybrid", keyword, dense, fusion)]
    top_citing = next(d for d in boosted if searcher.index.docs[searcher.index.position[d]].kind in ("case", "resolution"))
    cited = [r for r in searcher.index.docs[searcher.index.position[top_citing]].rules if r in searcher.index.position]
    assert cited
    for rule in cited:
        assert boosted.index(rule) <= plain.index(rule)


# ---------------------------------------------------------------- graded evaluation

def test_graded_ndcg_on_a_hand_computed_example():
    ranked = ["A", "X", "B", "Y"]
    grades = {"A": 2, "B": 1, "C": 2}
    # DCG = (2^2-1)/log2(2) + (2^1-1)/log2(4) = 3 + 0.5; ideal = 3/1 + 3/log2(3) + 1/log2(4)
    expected = 3.5 / (3 + 3 / math.log2(3) + 0.5)
    assert ndcg_at(ranked, grades, 10) == pytest.approx(expected)
    assert expected == pytest.approx(0.6490, abs=1e-4)
    assert recall_at(ranked, grades, 5) == pytest.approx(2 / 3)
    assert reciprocal_rank(["X", "B", "A"], grades) == 0.5
    # the old list form counts every ID as grade 2
    assert ndcg_at(["X", "A"], ["A"], 10) == pytest.approx(1 / math.log2(3))
    scores = score_rankings([ranked, ["Z"]], [EvalQuery("q1", "zh", grades, "short"), EvalQuery("q2", "en", ["Z"])])
    assert scores.n == 2 and scores.ndcg10 == pytest.approx((expected + 1.0) / 2)


def test_eval_file_accepts_graded_and_list_relevance_and_kinds(mini):
    from casebook.content import load_project
    (mini / "search/eval/blind.yml").write_text(
        "queries:\n"
        "  - q: 发广告怎么办\n    lang: zh\n    kind: short\n    relevant: {AAA-01: 2, AAA-Q01: 1}\n"
        "  - q: ad spam\n    lang: mixed\n    kind: english\n    relevant: [AAA-01]\n", encoding="utf-8")
    project = load_project(mini)
    assert not project.problems.errors
    queries = project.eval_sets["blind"].obj.queries
    assert queries[0].grades == {"AAA-01": 2, "AAA-Q01": 1} and queries[1].grades == {"AAA-01": 2}
    (mini / "search/eval/blind.yml").write_text(
        "queries:\n  - q: x\n    lang: zh\n    kind: weird\n    relevant: {AAA-01: 7, NOPE-01: 1}\n", encoding="utf-8")
    messages = [p.format() for p in load_project(mini).problems.errors]
    assert any("search/eval/blind.yml:" in m and "kind" in m for m in messages)


# ---------------------------------------------------------------- gap log

def test_gaps_group_similar_queries_and_count_unopened_searches(database):
    from casebook.search import gaps
    from casebook.search.engine import Hit, SearchResult
    from casebook.search.documents import Document
    for text in ("明年的高考是哪天", "明年的高考是哪天？", "明年高考是哪天", "今天天气怎么样"):
        gaps.record(database, text, 0.5, 0, "test")
    doc = Document(kind="rule", id="AAA-01", title="t", url="/", text="x")
    strong = SearchResult("怎么禁言", "hybrid", [Hit(doc, 1.0, "")], 0.95, 1.0, weak_flag=False)
    opened = gaps.record_search(database, strong, "web")
    unopened = gaps.record_search(database, SearchResult("禁言多久", "hybrid", [Hit(doc, 1.0, "")], 0.95, 1.0, weak_flag=False), "web")
    assert opened and unopened and opened != unopened
    assert gaps.record_click(database, opened, "AAA-01") and not gaps.record_click(database, "nope" * 4, "AAA-01")
    later = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) + gaps.UNOPENED_AFTER + dt.timedelta(minutes=1)
    rows = gaps.summary(database, now=later)
    assert rows[0].count == 3 and rows[0].weak == 3 and "明年" in rows[0].query
    by_query = {r.query: r for r in rows}
    assert by_query["禁言多久"].unopened == 1 and "怎么禁言" not in by_query
    assert by_query["今天天气怎么样"].count == 1
    # not yet "never opened" right after the search
    assert "禁言多久" not in {r.query for r in gaps.summary(database)}


def test_keyword_mode_never_embeds_the_query(searcher, monkeypatch):
    """Issue #9: a keyword search costs no embedding (a long query would cost seconds of CPU)."""
    calls = []
    real = searcher.embedder.query
    monkeypatch.setattr(searcher.embedder, "query", lambda texts: calls.append(texts) or real(texts))
    result = searcher.search("群里有人发广告怎么办", mode="keyword")
    assert result.hits and calls == []
    assert all(h.similarity is None for h in result.hits)
    searcher.search("群里有人发二维码广告，要先警告吗", mode="hybrid")
    assert len(calls) == 1


# ---------------------------------------------------------------- typo windows, rule passages, feedback

def test_typo_correction_leaves_correctly_typed_words_alone():
    from casebook.search.typos import _plausible
    tokenizer = Tokenizer([("禁言", 50, "v"), ("危机", 50, "n")])
    vocabulary = {"禁言": 0, "直接": 1, "处理": 2, "流程": 3, "危机": 4}
    terms = TermIndex.build(["禁言", "危机", "一直", "可疑", "基础", "接近"])
    query = normalize("可以直接禁言吗", True)
    spans = tokenizer.word_spans(query, vocabulary)
    assert terms.chinese_corrections(query, set(), spans) == []              # nothing misspelt
    assert set(terms.chinese_corrections(query, set())) & {"可疑", "一直"}     # unrestricted windows are noisy
    typo = normalize("危鸡处理流程", True)
    spans = tokenizer.word_spans(typo, vocabulary)
    assert any(suspect for _s, _e, suspect in spans)
    corrections = terms.chinese_corrections(typo, set(), spans)
    assert "危机" in corrections and "基础" not in corrections                # 鸡处 would cut 处理
    assert not _plausible([(0, 2, False)], 0, 2) and _plausible([(0, 1, True), (1, 3, False)], 0, 3)
    assert not _plausible([(0, 1, True), (1, 3, False)], 0, 2)


def test_questions_are_passages_of_the_rules_they_test(searcher):
    docs = searcher.index.docs
    question = next(i for i, d in enumerate(docs) if d.kind == "question" and d.rules)
    rule = searcher.index.position[docs[question].rules[0]]
    dense = [(question, 0.9), (rule, 0.5)]
    lifted = dict(searcher._lift_tested_rules(dense, None))
    assert lifted[rule] == pytest.approx(0.9) and lifted[question] == pytest.approx(0.9)
    mask = np.ones(len(docs), dtype=bool)
    mask[rule] = False
    assert rule not in dict(searcher._lift_tested_rules([(question, 0.9)], mask))   # filters still apply
    assert searcher._lift_tested_rules([(rule, 0.5)], None) == [(rule, 0.5)]


def test_feedback_moves_the_query_towards_its_top_hits(searcher):
    from casebook.search.hybrid import DEFAULT
    fusion = DEFAULT.with_(prf_weight=1.0, prf_docs=1, question_passages=False)
    vectors = searcher.index.dense.vectors
    vector = searcher.query_vector("群里有人发广告")
    dense = searcher.dense_ranking(vector, 100, None)
    top = dense[0][0]
    rescored = dict(searcher._feedback(vector, [(top, 1.0)], [], dense, fusion, None))
    assert set(rescored) == {p for p, _ in dense}                            # candidates only, no new search
    # every candidate's new score is its similarity to the moved vector: the top hit gains most
    gains = {p: rescored[p] - s for p, s in dense}
    assert max(gains, key=gains.get) == top
    moved = vector + vectors[top]
    assert rescored[top] == pytest.approx(float(vectors[top] @ (moved / np.linalg.norm(moved))), abs=1e-5)


def test_synonym_groups_are_found_by_substring_lookup():
    tokenizer = Tokenizer(synonyms=[["禁言", "全员禁言", "mute"], ["引流", "加v", "qr code"], ["私聊", "dm"]])
    assert [g[0] for g in tokenizer.matched_groups("危机时开全员禁言")] == ["禁言"]
    assert [g[0] for g in tokenizer.matched_groups("第二次发加V卖货")] == ["引流"]      # mixed term, case-folded
    assert [g[0] for g in tokenizer.matched_groups("posting a QR code, then DM me")] == ["引流", "私聊"]
    assert tokenizer.matched_groups("admin qrcode") == []                             # whole words only

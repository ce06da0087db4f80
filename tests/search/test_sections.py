"""Section passages (Fusion.section_passages): rules split by line and cases by section are
embedded apart, and a document's dense similarity reads its best section."""
from __future__ import annotations

import numpy as np
import pytest

from casebook.search.documents import SECTION_CHARS, Document
from casebook.search.hybrid import DEFAULT


def _pos(searcher, item_id: str) -> int:
    return searcher.index.position[item_id]


def test_a_rule_gives_one_passage_per_line_each_with_its_title():
    rule = Document(kind="rule", id="R-01", title="R-01 禁言", url="/", text="规定：先警告\n\n原因：公平\n正确做法：私聊说明")
    assert rule.section_passages == ["R-01 禁言\n规定：先警告", "R-01 禁言\n原因：公平", "R-01 禁言\n正确做法：私聊说明"]


def test_a_case_gives_one_passage_per_section_and_cuts_the_transcript():
    transcript = [f"成员{i}：" + "消息" * 40 for i in range(6)]          # 83 characters a line
    text = "\n".join(["摘要一句", "处理：删除广告", "处理：私聊警告", "常见错误：直接踢人（太重）",
                      "结果：没有再犯", "经验：逐级处理", *transcript])
    case = Document(kind="case", id="CASE-9", title="CASE-9 广告", url="/", text=text)
    sections = case.section_passages
    assert sections[:4] == ["CASE-9 广告\n摘要一句", "CASE-9 广告\n处理：删除广告\n处理：私聊警告",
                            "CASE-9 广告\n常见错误：直接踢人（太重）", "CASE-9 广告\n结果：没有再犯\n经验：逐级处理"]
    pieces = sections[4:]
    assert len(pieces) == 2                                              # 6 × 83 characters in ≤ 400
    assert all(len(p) <= len("CASE-9 广告\n") + SECTION_CHARS for p in pieces)
    assert "\n".join(p.split("\n", 1)[1] for p in pieces) == "\n".join(transcript)   # nothing lost


def test_questions_and_resolutions_have_no_sections():
    assert Document(kind="question", id="Q-1", title="Q-1 ?", url="/", text="一\n二").section_passages == []
    assert Document(kind="resolution", id="RES-1", title="退款", url="/", text="问题：一\n处理：二").section_passages == []


def test_the_index_holds_one_vector_per_section(searcher):
    index = searcher.index
    expected = sum(len(d.section_passages) for d in index.docs)
    assert expected > 0 and index.section_vectors.shape == (expected, index.dense.vectors.shape[1])
    assert {index.docs[p].kind for p in index.section_doc_positions} <= {"rule", "case"}
    counts = np.diff(np.append(index.section_starts, expected))
    assert [len(index.docs[p].section_passages) for p in index.section_doc_positions] == counts.tolist()


def _first_section(searcher, item_id: str):
    """The position of an item and the vector of its first section passage."""
    index = searcher.index
    position = _pos(searcher, item_id)
    row = int(index.section_starts[list(index.section_doc_positions).index(position)])
    return position, index.section_vectors[row]


def test_a_matching_section_lifts_its_document(searcher):
    case, vector = _first_section(searcher, "CASE-001")
    other = _pos(searcher, "RES-1002")
    lifted = searcher._lift_sections([(other, 0.99), (case, 0.1)], vector, None)
    assert lifted[0][0] == case and lifted[0][1] == pytest.approx(1.0, abs=1e-3)    # its own section
    assert len(lifted) == 2                                                        # the length is kept
    with_mean = dict(searcher._lift_sections([(other, 0.99), (case, 0.1)], vector, None, mean_weight=0.5))
    assert with_mean[case] < lifted[0][1]                          # the other sections match less well
    mask = np.ones(len(searcher.index), dtype=bool)
    mask[case] = False
    assert case not in dict(searcher._lift_sections([(other, 0.99)], vector, mask))
    joined = dict(searcher._lift_sections([(other, 0.5)], vector, None))          # outside the ranking
    assert case in joined and len(joined) == 1


def test_sections_apply_to_queries_of_five_characters_or_more(searcher):
    case, vector = _first_section(searcher, "CASE-001")
    dense = searcher.dense_ranking(vector, 100, None)
    off = DEFAULT.with_(section_passages=False)

    def ranked(query, fusion):
        return searcher.rank(query, "dense", [], dense, fusion, vector=vector)
    assert ranked("群里有人发广告", DEFAULT) != ranked("群里有人发广告", off)      # the vector reads a section
    assert dict(ranked("群里有人发广告", DEFAULT))[case] == pytest.approx(1.0, abs=0.05)
    assert ranked("发广告", DEFAULT) == ranked("发广告", off)                   # a bare term: whole documents


def test_the_database_index_has_the_sections_without_embedding(index_loaded_without_embedding):
    index = index_loaded_without_embedding
    assert index.section_vectors.shape[0] == sum(len(d.section_passages) for d in index.docs) > 0

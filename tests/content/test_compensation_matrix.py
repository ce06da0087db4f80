"""The compensation-authority matrix (ESC-07) is consistent with the quick reference, the questions and the cases.

A numeric cross-check of the repository's own content: the same approvers and limits in the rule and
the quick reference, limits that grow with seniority, and no question or case in which a named approver
grants more than the matrix allows.
"""
from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import REPO

ROLES = ["一线客服", "值班主管", "售后组专员", "售后组组长", "售后组负责人会同法务合规组"]
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*元")


def _matrix(text: str) -> dict[str, float | None]:
    """Approver -> single-payment limit in yuan (0 = no extra compensation, None = case by case)."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in ROLES:
            limit = cells[2]
            found = AMOUNT.search(limit)
            rows[cells[0]] = float(found.group(1)) if found else (0.0 if "无" in limit else None)
    return rows


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end != -1 else None]


@pytest.fixture(scope="module")
def matrix():
    esc = (REPO / "docs/rules/esc.md").read_text(encoding="utf-8")
    return _matrix(_section(esc, "## ESC-07"))


def test_rule_table_lists_every_approver_with_growing_limits(matrix):
    assert list(matrix) == ROLES
    assert matrix["一线客服"] == 0 and matrix["售后组负责人会同法务合规组"] is None
    limits = [matrix[r] for r in ROLES[:-1]]
    assert limits == sorted(limits) and len(set(limits)) == len(limits), limits


def test_quick_reference_repeats_the_rule_table(matrix):
    quickref = (REPO / "docs/quickref.md").read_text(encoding="utf-8")
    assert _matrix(_section(quickref, "## 补偿权限")) == matrix


def _questions():
    for path in sorted((REPO / "quiz").glob("*.yml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8")).get("questions", []):
            yield question


def test_matching_question_pairs_each_amount_with_an_approver_who_may_grant_it(matrix):
    checked = 0
    for question in _questions():
        if question.get("type") != "matching" or "ESC-07" not in question.get("rules", []):
            continue
        for pair in question["pairs"]:
            approver = pair["right"]
            assert approver in matrix, (question["id"], approver)
            amounts = [float(a) for a in AMOUNT.findall(pair["left"])]
            limit = matrix[approver]
            if limit is not None:
                assert all(a <= limit for a in amounts), (question["id"], pair)
            checked += 1
    assert checked >= 4


def _sentences():
    paths = sorted((REPO / "cases").glob("0*.yml")) + sorted((REPO / "quiz").glob("*.yml")) \
        + sorted((REPO / "docs/rules").glob("*.md"))
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for sentence in re.split(r"[。！？；]", line):
                yield f"{path.relative_to(REPO)}:{number}", sentence


def test_no_named_approver_grants_more_than_the_matrix_allows(matrix):
    grants = re.compile(r"(值班主管|售后组专员|售后组组长)[^，。]{0,12}(批准|批了|批|发放|同意)[^，。]{0,12}?(\d+)\s*元")
    over = []
    for where, sentence in _sentences():
        if "|" in sentence:  # the matrix tables themselves
            continue
        for approver, _verb, amount in grants.findall(sentence):
            if float(amount) > matrix[approver]:
                over.append(f"{where}: {approver} grants {amount}元 > {matrix[approver]:.0f}元")
    assert over == []

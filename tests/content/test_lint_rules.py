"""Lint on broken rule chapters and pages: one test per kind of problem, exact path and line."""
from __future__ import annotations

import datetime as dt

import pytest

from casebook.content import load_project
from tests.conftest import edit, line_of


def messages(root):
    return [p.format() for p in load_project(root, today=dt.date(2026, 11, 23)).problems]


def test_mini_fixture_is_clean(mini):
    assert messages(mini) == []


# (id, file, text to replace, replacement, line of: (needle, occurrence, offset) or a fixed line,
#  the expected message with {line}, whole message or only its start)
EDITS = [
    ("duplicate_rule_id", "docs/rules/aaa.md", "## AAA-02 第二条", "## AAA-01 第二条", ("## AAA-01 第二条", 1, 0),
     "docs/rules/aaa.md:{line}: duplicate rule ID AAA-01", "start"),
    ("malformed_rule_heading", "docs/rules/aaa.md", "## AAA-02 第二条", "## 第二条", ("## 第二条", 1, 0),
     "docs/rules/aaa.md:{line}: '## 第二条' is not a rule heading: write '## AAA-NN 标题'", "whole"),
    ("rule_id_from_wrong_chapter", "docs/rules/aaa.md", "## AAA-02 第二条", "## BBB-02 第二条", ("## BBB-02", 1, 0),
     "docs/rules/aaa.md:{line}: rule BBB-02 does not belong to chapter AAA", "start"),
    ("missing_metadata_field", "docs/rules/aaa.md", "review_days: 180\nrelated: []", "related: []", ("```rule", 2, 1),
     "docs/rules/aaa.md:{line}: rule AAA-02: missing required field 'review_days'", "whole"),
    ("unknown_metadata_key", "docs/rules/aaa.md", "owner: 社群运营组", "owner: 社群运营组\nownr: 错字", ("ownr:", 1, 0),
     "docs/rules/aaa.md:{line}: unknown key 'ownr'", "whole"),
    ("missing_statement", "docs/rules/aaa.md", "**规定**：客服不得违反第二条。", "", ("## AAA-02", 1, 0),
     "docs/rules/aaa.md:{line}: rule AAA-02 is missing **规定**", "whole"),
    ("statement_not_normative", "docs/rules/aaa.md", "**规定**：客服不得违反第二条。", "**规定**：客服最好遵守第二条。",
     ("**规定**：客服最好", 1, 0), "docs/rules/aaa.md:{line}: rule AAA-02: the statement must be normative", "start"),
    ("unknown_related_rule", "docs/rules/aaa.md", "related: [AAA-02]", "related: [AAA-09]", ("```rule", 1, 0),
     "docs/rules/aaa.md:{line}: rule AAA-01: related rule AAA-09 does not exist", "whole"),
    ("malformed_related_rule_id", "docs/rules/aaa.md", "related: [AAA-02]", "related: [aaa-2]", ("related: [aaa-2]", 1, 0),
     "docs/rules/aaa.md:{line}: related[0]: malformed rule ID 'aaa-2'", "whole"),
    ("unknown_tag", "docs/rules/aaa.md", "tags: [广告]", "tags: [广告, 不存在的标签]", ("```rule", 1, 0),
     "docs/rules/aaa.md:{line}: rule AAA-01: unknown tag '不存在的标签'", "start"),
    ("bad_front_matter_yaml", "docs/rules/aaa.md", "title: 第一章", "title: [第一章", 4,
     "docs/rules/aaa.md:{line}: YAML syntax error", "start"),
    ("broken_link", "docs/index.md", "(rules/aaa.md#AAA-01)", "(rules/zzz.md#AAA-01)", 3,
     "docs/index.md:{line}: broken link 'rules/zzz.md#AAA-01': no page docs/rules/zzz.md", "whole"),
    ("link_to_missing_rule_anchor", "docs/index.md", "(rules/aaa.md#AAA-01)", "(rules/aaa.md#AAA-07)", 3,
     "docs/index.md:{line}: broken link 'rules/aaa.md#AAA-07': rule AAA-07 is not in docs/rules/aaa.md", "whole"),
]


@pytest.mark.parametrize("file, old, new, where, expected, match", [case[1:] for case in EDITS],
                         ids=[case[0] for case in EDITS])
def test_one_fault_is_reported_at_its_line(mini, file, old, new, where, expected, match):
    """One edit that breaks the content; lint names the file and the exact line."""
    path = mini / file
    edit(path, old, new)
    line = where if isinstance(where, int) else line_of(path, where[0], where[1]) + where[2]
    message = expected.format(line=line)
    found = messages(mini)
    if match == "whole":
        assert message in found
    else:
        assert any(m.startswith(message) for m in found)


def test_rule_without_english_title_and_keywords_is_named(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, 'title_en: "Rule two"\n', "")
    edit(path, 'keywords_en: ["refund", "second rule"]\n', "")
    line = line_of(path, "```rule", 2)
    found = messages(mini)
    assert f"docs/rules/aaa.md:{line + 1}: rule AAA-02: missing required field 'title_en'" in found
    assert f"docs/rules/aaa.md:{line + 1}: rule AAA-02: missing required field 'keywords_en'" in found


def test_missing_examples(mini):
    path = mini / "docs/rules/aaa.md"
    text = path.read_text(encoding="utf-8")
    head, tail = text.split("## AAA-02", 1)
    path.write_text(head + "## AAA-02" + tail.replace("**错误做法**\n\n- 那样做", ""), encoding="utf-8")
    line = line_of(path, "## AAA-02")
    assert f"docs/rules/aaa.md:{line}: rule AAA-02 is missing **错误做法** with at least one bullet" in messages(mini)


def test_overdue_review_is_a_warning(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "reviewed: 2026-10-01", "reviewed: 2025-01-01")
    line = line_of(path, "```rule")
    problems = load_project(mini, today=dt.date(2026, 11, 23)).problems
    assert not problems.errors
    assert [p.format() for p in problems.warnings] == [
        f"docs/rules/aaa.md:{line}: warning: rule AAA-01: review overdue since 2025-06-30 (reviewed 2025-01-01, every 180 days)"]


def test_missing_front_matter(mini):
    path = mini / "docs/rules/aaa.md"
    path.write_text(path.read_text(encoding="utf-8").split("---\n", 2)[2], encoding="utf-8")
    assert "docs/rules/aaa.md:1: missing front matter (chapter, title, order)" in messages(mini)


def test_wrong_encoding(mini):
    path = mini / "docs/rules/aaa.md"
    path.write_bytes("---\nchapter: AAA\n".encode() + "标题".encode("gbk"))
    assert "docs/rules/aaa.md:3: file is not valid UTF-8 text (save it as UTF-8)" in messages(mini)


def test_huge_file(mini):
    path = mini / "docs/rules/aaa.md"
    path.write_text("x" * (3 * 1024 * 1024), encoding="utf-8")
    assert any(m.startswith("docs/rules/aaa.md:1: file is too large") for m in messages(mini))


def test_empty_tags_file(mini):
    (mini / "docs/tags.yml").write_text("", encoding="utf-8")
    assert "docs/tags.yml:1: file is empty" in messages(mini)

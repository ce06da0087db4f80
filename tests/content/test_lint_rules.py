"""Lint on broken rule chapters and pages: one test per kind of problem, exact path and line."""
from __future__ import annotations

import datetime as dt

from casebook.content import load_project
from tests.conftest import edit, line_of


def messages(root):
    return [p.format() for p in load_project(root, today=dt.date(2026, 11, 23)).problems]


def test_mini_fixture_is_clean(mini):
    assert messages(mini) == []


def test_duplicate_rule_id(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "## AAA-02 第二条", "## AAA-01 第二条")
    line = line_of(path, "## AAA-01 第二条")
    assert any(m.startswith(f"docs/rules/aaa.md:{line}: duplicate rule ID AAA-01") for m in messages(mini))


def test_malformed_rule_heading(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "## AAA-02 第二条", "## 第二条")
    line = line_of(path, "## 第二条")
    assert f"docs/rules/aaa.md:{line}: '## 第二条' is not a rule heading: write '## AAA-NN 标题'" in messages(mini)


def test_rule_id_from_wrong_chapter(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "## AAA-02 第二条", "## BBB-02 第二条")
    line = line_of(path, "## BBB-02")
    assert any(m.startswith(f"docs/rules/aaa.md:{line}: rule BBB-02 does not belong to chapter AAA") for m in messages(mini))


def test_missing_metadata_field(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "review_days: 180\nrelated: []", "related: []")
    line = line_of(path, "```rule", 2)
    assert f"docs/rules/aaa.md:{line + 1}: rule AAA-02: missing required field 'review_days'" in messages(mini)


def test_rule_without_english_title_and_keywords_is_named(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, 'title_en: "Rule two"\n', "")
    edit(path, 'keywords_en: ["refund", "second rule"]\n', "")
    line = line_of(path, "```rule", 2)
    found = messages(mini)
    assert f"docs/rules/aaa.md:{line + 1}: rule AAA-02: missing required field 'title_en'" in found
    assert f"docs/rules/aaa.md:{line + 1}: rule AAA-02: missing required field 'keywords_en'" in found


def test_unknown_metadata_key(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "owner: 社群运营组", "owner: 社群运营组\nownr: 错字")
    line = line_of(path, "ownr:")
    assert f"docs/rules/aaa.md:{line}: unknown key 'ownr'" in messages(mini)


def test_missing_statement(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "**规定**：客服不得违反第二条。", "")
    line = line_of(path, "## AAA-02")
    assert f"docs/rules/aaa.md:{line}: rule AAA-02 is missing **规定**" in messages(mini)


def test_statement_not_normative(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "**规定**：客服不得违反第二条。", "**规定**：客服最好遵守第二条。")
    line = line_of(path, "**规定**：客服最好")
    assert any(m.startswith(f"docs/rules/aaa.md:{line}: rule AAA-02: the statement must be normative") for m in messages(mini))


def test_missing_examples(mini):
    path = mini / "docs/rules/aaa.md"
    text = path.read_text(encoding="utf-8")
    head, tail = text.split("## AAA-02", 1)
    path.write_text(head + "## AAA-02" + tail.replace("**错误做法**\n\n- 那样做", ""), encoding="utf-8")
    line = line_of(path, "## AAA-02")
    assert f"docs/rules/aaa.md:{line}: rule AAA-02 is missing **错误做法** with at least one bullet" in messages(mini)


def test_unknown_related_rule(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "related: [AAA-02]", "related: [AAA-09]")
    line = line_of(path, "```rule")
    assert f"docs/rules/aaa.md:{line}: rule AAA-01: related rule AAA-09 does not exist" in messages(mini)


def test_malformed_related_rule_id(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "related: [AAA-02]", "related: [aaa-2]")
    line = line_of(path, "related: [aaa-2]")
    assert f"docs/rules/aaa.md:{line}: related[0]: malformed rule ID 'aaa-2'" in messages(mini)


def test_unknown_tag(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "tags: [广告]", "tags: [广告, 不存在的标签]")
    line = line_of(path, "```rule")
    assert any(m.startswith(f"docs/rules/aaa.md:{line}: rule AAA-01: unknown tag '不存在的标签'") for m in messages(mini))


def test_overdue_review_is_a_warning(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "reviewed: 2026-10-01", "reviewed: 2025-01-01")
    line = line_of(path, "```rule")
    problems = load_project(mini, today=dt.date(2026, 11, 23)).problems
    assert not problems.errors
    assert [p.format() for p in problems.warnings] == [
        f"docs/rules/aaa.md:{line}: warning: rule AAA-01: review overdue since 2025-06-30 (reviewed 2025-01-01, every 180 days)"]


def test_bad_front_matter_yaml(mini):
    path = mini / "docs/rules/aaa.md"
    edit(path, "title: 第一章", "title: [第一章")
    assert any(m.startswith("docs/rules/aaa.md:4: YAML syntax error") for m in messages(mini))


def test_missing_front_matter(mini):
    path = mini / "docs/rules/aaa.md"
    path.write_text(path.read_text(encoding="utf-8").split("---\n", 2)[2], encoding="utf-8")
    assert "docs/rules/aaa.md:1: missing front matter (chapter, title, order)" in messages(mini)


def test_broken_link(mini):
    path = mini / "docs/index.md"
    edit(path, "(rules/aaa.md#AAA-01)", "(rules/zzz.md#AAA-01)")
    assert "docs/index.md:3: broken link 'rules/zzz.md#AAA-01': no page docs/rules/zzz.md" in messages(mini)


def test_link_to_missing_rule_anchor(mini):
    path = mini / "docs/index.md"
    edit(path, "(rules/aaa.md#AAA-01)", "(rules/aaa.md#AAA-07)")
    assert "docs/index.md:3: broken link 'rules/aaa.md#AAA-07': rule AAA-07 is not in docs/rules/aaa.md" in messages(mini)


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

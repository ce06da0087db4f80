"""Rule changes reach the training material: after a rule edit, lint and the rule page list every
question, case, scenario and golden citing the rule, until a trainer confirms it."""
from __future__ import annotations

import datetime as dt

import yaml
from click.testing import CliRunner

from casebook.cli import cli
from casebook.content import load_project
from casebook.content.reviews import REVIEWS_FILE
from casebook.site.build import build_site
from tests.conftest import REPO, edit, line_of


def messages(root):
    return [p.format() for p in load_project(root, today=dt.date(2026, 11, 23)).problems]


def confirm(root, *args):
    result = CliRunner().invoke(cli, ["review", "confirm", "--root", str(root), "--by", "林老师", *args])
    assert result.exit_code == 0, result.output
    return result.output


def recheck(root):
    return [m for m in messages(root) if "re-check" in m]


def test_repository_reviews_are_seeded_and_clean():
    project = load_project(REPO)
    recorded = {e.rule for e in project.reviews.obj.confirmed}
    assert recorded == set(project.rules)
    assert not [p for p in project.problems if p.code == "review-changed"]


def test_rule_edit_lists_material_until_confirmed(mini, tmp_path):
    assert "confirmed 2 rule(s)" in confirm(mini, "--all")
    assert messages(mini) == []

    rules = mini / "docs/rules/aaa.md"
    edit(rules, "**规定**：成员必须遵守第一条。", "**规定**：成员必须遵守第一条，初犯也要私聊警告。")
    found = recheck(mini)
    quiz, case = mini / "quiz/aaa.yml", mini / "cases/001-sample.yml"
    assert f"docs/rules/aaa.md:{line_of(rules, '## AAA-01')}: warning: rule AAA-01 changed since 林老师 confirmed it on " \
           f"{dt.date.today():%Y-%m-%d}; 5 item(s) to re-check, then run `casebook review confirm AAA-01`" in found
    assert f"quiz/aaa.yml:{line_of(quiz, 'rules: [AAA-01]')}: warning: question AAA-Q01: to re-check, it cites AAA-01, whose text changed" in found
    assert f"cases/001-sample.yml:1: warning: case CASE-001: to re-check, it cites AAA-01, whose text changed" in found
    assert f"cases/001-sample.yml:{line_of(case, 'scenario:')}: warning: scenario of CASE-001: to re-check, it cites AAA-01, whose text changed" in found
    assert f"cases/001-sample.yml:{line_of(case, '- name: 示范')}: warning: golden '示范' of CASE-001: to re-check, it cites AAA-01, whose text changed" in found
    assert f"cases/001-sample.yml:{line_of(case, '- name: 跳级')}: warning: golden '跳级' of CASE-001: to re-check, it cites AAA-01, whose text changed" in found
    assert not [m for m in found if "AAA-02" in m]  # the other rule did not change

    # the rule page says so too
    page = (build_site(mini, out=tmp_path / "site") / "rules/aaa/index.html").read_text(encoding="utf-8")
    assert "本规则已修改，以下题目/案例待复核" in page and "AAA-Q01" in page and "示范对话“跳级”" in page

    status = CliRunner().invoke(cli, ["review", "status", "--root", str(mini)])
    assert "AAA-01 changed since 林老师" in status.output and "question AAA-Q01" in status.output

    # metadata-only and whitespace edits are not text changes
    confirm(mini, "AAA-01")
    assert recheck(mini) == []
    edit(rules, "reviewed: 2026-10-01", "reviewed: 2026-10-02")
    edit(rules, "**原因**：因为需要。", "**原因**：因为需要。   \n")
    assert recheck(mini) == []

    page = (build_site(mini, out=tmp_path / "site2") / "rules/aaa/index.html").read_text(encoding="utf-8")
    assert "本规则已修改" not in page

    recorded = yaml.safe_load((mini / REVIEWS_FILE).read_text(encoding="utf-8"))["confirmed"]
    assert [e["rule"] for e in recorded] == ["AAA-01", "AAA-02"] and all(e["by"] == "林老师" for e in recorded)


def test_rule_without_a_record_is_not_tracked(mini):
    confirm(mini, "AAA-02")
    edit(mini / "docs/rules/aaa.md", "**规定**：成员必须遵守第一条。", "**规定**：成员必须遵守第一条和补充条款。")
    assert recheck(mini) == []


def test_reviews_file_problems(mini):
    record = "  - rule: {}\n    hash: {}\n    by: 林老师\n    at: 2026-11-01T08:00:00Z\n"
    (mini / REVIEWS_FILE).write_text("confirmed:\n" + record.format("AAA-09", "0123456789abcdef"), encoding="utf-8")
    assert messages(mini) == ["docs/reviews.yml:2: review record for unknown rule AAA-09"]
    (mini / REVIEWS_FILE).write_text("confirmed:\n" + record.format("AAA-01", "nothex"), encoding="utf-8")
    assert messages(mini) == ["docs/reviews.yml:3: confirmed[0].hash: String should match pattern '^[0-9a-f]{16}$'"]


def test_confirm_unknown_rule_is_a_clear_error(mini):
    result = CliRunner().invoke(cli, ["review", "confirm", "--root", str(mini), "AAA-77"])
    assert result.exit_code == 1 and "unknown rule(s): AAA-77" in result.output and "Traceback" not in result.output

"""The casebook command line: help everywhere, lint exit codes, stats, scaffolds, --root."""
from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from casebook.cli import cli
from tests.conftest import edit


def _commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,)
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


@pytest.mark.parametrize("path", sorted(_commands(cli)))
def test_every_command_has_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    command = cli
    for name in path:
        command = command.commands[name]
    assert command.help or command.short_help, f"{' '.join(path)} has no help text"


def test_lint_clean_and_broken(mini):
    runner = CliRunner()
    ok = runner.invoke(cli, ["lint", "--root", str(mini)])
    assert ok.exit_code == 0 and "content is clean" in ok.output
    edit(mini / "cases/001-sample.yml", "rules: [AAA-01, AAA-02]", "rules: [AAA-01, ZZZ-02]")
    bad = runner.invoke(cli, ["lint", "--root", str(mini)])
    assert bad.exit_code == 1 and "cases/001-sample.yml:7: case CASE-001: unknown rule ZZZ-02" in bad.output
    data = json.loads(runner.invoke(cli, ["lint", "--root", str(mini), "--json"]).output)
    assert data["ok"] is False and data["errors"][0]["line"] == 7


def test_lint_never_shows_a_traceback(mini):
    (mini / "cases/002-bad.yml").write_bytes(b"\xff\xfe\x00garbage: [")
    (mini / "quiz/empty.yml").write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--root", str(mini)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cases/002-bad.yml:1:" in result.output and "quiz/empty.yml:1: file is empty" in result.output


def test_stats_json(mini):
    result = CliRunner().invoke(cli, ["stats", "--root", str(mini), "--json"])
    data = json.loads(result.output)
    for key in ("rules", "chapters", "cases", "questions", "scenarios", "resolutions"):
        assert isinstance(data[key], int)
    assert (data["rules"], data["chapters"], data["cases"], data["questions"], data["scenarios"]) == (2, 1, 1, 2, 1)
    assert data["rules_per_chapter"] == {"AAA": 2}
    assert data["questions_by_type"] == {"single": 1, "true_false": 1}


def _fill_in(path):
    """What a trainer does: replace every placeholder (here: keep the sample text, drop the mark)."""
    path.write_text(path.read_text(encoding="utf-8").replace("【待填写】", ""), encoding="utf-8")


def _placeholder_lines(path) -> list[int]:
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1) if "【待填写】" in line]


def test_new_rule_scaffold_fails_lint_until_filled_in(mini):
    runner = CliRunner()
    result = runner.invoke(cli, ["new", "rule", "AAA", "--title", "第三条", "--root", str(mini)])
    assert result.exit_code == 0 and "AAA-03" in result.output
    chapter = mini / "docs/rules/aaa.md"
    assert "## AAA-03 第三条" in chapter.read_text(encoding="utf-8")
    lint = runner.invoke(cli, ["lint", "--root", str(mini)])
    lines = _placeholder_lines(chapter)
    assert lint.exit_code == 1 and len(lines) == 4
    for line in lines:
        assert f"docs/rules/aaa.md:{line}: placeholder from `casebook new` not replaced yet" in lint.output
    _fill_in(chapter)
    assert runner.invoke(cli, ["lint", "--root", str(mini)]).exit_code == 0


def test_new_rule_unknown_chapter(mini):
    result = CliRunner().invoke(cli, ["new", "rule", "ZZZ", "--root", str(mini)])
    assert result.exit_code == 1 and "unknown chapter 'ZZZ'" in result.output


def test_new_case_scaffold_fails_lint_until_filled_in(mini):
    runner = CliRunner()
    result = runner.invoke(cli, ["new", "case", "AAA", "--slug", "Late refund", "--root", str(mini)])
    assert result.exit_code == 0 and "CASE-002" in result.output
    case = mini / "cases/002-late-refund.yml"
    assert case.is_file()
    lint = runner.invoke(cli, ["lint", "--root", str(mini)])
    first = _placeholder_lines(case)[0]
    assert lint.exit_code == 1 and f"cases/002-late-refund.yml:{first}: placeholder from `casebook new` not replaced yet: “title: 【待填写】案例标题" in lint.output
    _fill_in(case)
    lint = runner.invoke(cli, ["lint", "--root", str(mini)])
    assert lint.exit_code == 0, lint.output


def test_users_commands(mini, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'u.db'}")
    runner = CliRunner()
    assert runner.invoke(cli, ["users", "add", "lin", "--role", "trainer", "--password", "secret-123", "--root", str(mini)]).exit_code == 0
    dup = runner.invoke(cli, ["users", "add", "lin", "--password", "secret-123", "--root", str(mini)])
    assert dup.exit_code == 1 and "already exists" in dup.output
    short = runner.invoke(cli, ["users", "passwd", "lin", "--password", "short", "--root", str(mini)])
    assert short.exit_code == 1 and "at least 8" in short.output
    listing = runner.invoke(cli, ["users", "list", "--root", str(mini)])
    assert "lin" in listing.output and "trainer" in listing.output


@pytest.mark.parametrize("name", ["bob\n", "bob\r\n", " bob", "b", "bob/evil"])
def test_users_add_refuses_a_malformed_name(mini, monkeypatch, tmp_path, name):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'names.db'}")
    result = CliRunner().invoke(cli, ["users", "add", name, "--password", "secret-123", "--root", str(mini)])
    assert result.exit_code == 1 and "username must be 2-64 letters" in result.output
    assert "bob" not in CliRunner().invoke(cli, ["users", "list", "--root", str(mini)]).output

"""`casebook scenario` commands, the lint check, and the calibration maths."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from casebook.cli import cli
from casebook.scoring.agreement import agreement, cohen_kappa, pearson
from tests.conftest import edit


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_scenario_list(mini):
    result = run("scenario", "list", "--root", str(mini))
    assert result.exit_code == 0 and "CASE-001" in result.output


def test_scenario_score_json(mini, tmp_path):
    t = tmp_path / "t.yml"
    t.write_text("steps:\n  - {step: s1, actions: [delete_message, warn_member, reply], reply: 您好，群内禁止发布广告，消息已删除，请您理解。, minutes: 2}\n"
                 "  - {step: s2, actions: [reply], reply: 感谢您的配合！, minutes: 1}\n", encoding="utf-8")
    result = run("scenario", "score", "CASE-001", "--transcript", str(t), "--json", "--root", str(mini))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["score"] == 100 and data["max"] == 100 and data["critical"] == []
    assert {"step", "kind", "status", "weight", "evidence", "rule"} <= set(data["criteria"][0])


@pytest.mark.parametrize("content,suffix", [("{not json", ".json"), ("steps: [", ".yml"), ("- a\n- b\n", ".yml"),
                                            ("steps:\n  - {step: s9, actions: [], reply: x, minutes: 1}\n", ".yml")])
def test_scenario_score_bad_files(mini, tmp_path, content, suffix):
    t = tmp_path / f"bad{suffix}"
    t.write_text(content, encoding="utf-8")
    result = run("scenario", "score", "CASE-001", "--transcript", str(t), "--root", str(mini))
    assert result.exit_code == 1 and "Error" in result.output and "Traceback" not in result.output


def test_lint_reports_golden_out_of_range(mini):
    edit(mini / "cases" / "001-sample.yml", "expect_score: [80, 100]", "expect_score: [0, 10]")
    result = run("lint", "--root", str(mini))
    assert result.exit_code == 1
    assert "warning: golden '示范' scored 100, trainer range [0, 10]" in result.output
    assert "only 1 of 2 golden transcripts score inside their trainer ranges" in result.output


def test_blind_lint_shows_no_score_but_still_checks_validation_files(mini):
    """A trainer writing blind transcripts runs `lint --blind`: no golden's score is shown, and a validation
    transcript off its scenario's path is still an error with file and line."""
    edit(mini / "cases" / "001-sample.yml", "expect_score: [80, 100]", "expect_score: [0, 10]")
    result = run("lint", "--blind", "--root", str(mini))
    assert result.exit_code == 0 and "scored" not in result.output and "golden" not in result.output, result.output
    _validation_file(mini, "  - id: CASE-001-A01\n    kind: excellent\n    grade: 95\n    critical: false\n    reason: 好\n"
                           "    steps:\n      - {step: s9, actions: [reply], reply: 您好, minutes: 1}\n")
    result = run("lint", "--blind", "--root", str(mini))
    assert result.exit_code == 1 and "cases/validation/CASE-001.yml:4:" in result.output
    assert "trainer range" not in result.output and "floor" not in result.output


def _validation_file(mini, transcripts: str) -> None:
    """cases/validation/CASE-001.yml of the mini project with the given transcripts."""
    folder = mini / "cases" / "validation"
    folder.mkdir()
    (folder / "CASE-001.yml").write_text("case: CASE-001\ngrader: 培训师\ntranscripts:\n" + transcripts, encoding="utf-8")


def _lint_rejects(mini) -> str:
    """Run lint on the mini project; it must fail with messages, not a traceback. Returns its output."""
    result = run("lint", "--root", str(mini))
    assert result.exit_code == 1 and "Traceback" not in result.output
    return result.output


def test_lint_checks_the_validation_set(mini):
    _validation_file(
        mini,
        "  - id: CASE-001-A01\n    kind: excellent\n    grade: 95\n    critical: false\n    reason: 好\n"
        "    steps:\n      - {step: s9, actions: [reply], reply: 您好, minutes: 1}\n"
        "  - id: CASE-001-A02\n    kind: subtly_unacceptable\n    grade: 50\n    critical: true\n    reason: 坏\n"
        "    steps:\n      - {step: s1, actions: [reply], reply: 您好, minutes: 1}\n")
    output = _lint_rejects(mini)
    assert "cases/validation/CASE-001.yml:" in output and "critical transcript is graded 0-9" in output


def test_kappa_and_correlation():
    assert cohen_kappa(["pass", "fail", "pass", "fail"], ["pass", "fail", "pass", "fail"]) == 1.0
    # classic example: po = 0.7, pe = 0.5 -> kappa 0.4
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    crit = [{"kind": "tone", "status": "pass", "weight": 2}, {"kind": "key_points", "status": "fail", "weight": 6}]
    out = agreement([(crit, {0: "pass", 1: "pass"}, 25.0), (crit, {0: "fail", 1: "fail"}, 25.0)])
    assert out["attempts"] == 2 and out["kinds"]["tone"]["n"] == 2
    assert out["human_totals"] == [100.0, 0.0]


def test_lint_rejects_a_verdict_for_a_key_point_the_step_does_not_have(mini):
    """A misspelt key point in a trainer's verdicts would silently leave the agreement figures."""
    _validation_file(
        mini,
        "  - id: CASE-001-A01\n    kind: excellent\n    grade: 95\n    critical: false\n    reason: 好\n"
        "    steps:\n"
        "      - step: s1\n        actions: [delete_message, warn_member, reply]\n        reply: 群内禁止发广告，消息已删除。\n"
        "        minutes: 1\n        verdicts: {key_points: {说明群里禁止广告: true}}\n"
        "      - {step: s2, actions: [reply], reply: 感谢配合, minutes: 1}\n")
    output = _lint_rejects(mini)
    assert "cases/validation/CASE-001.yml:4:" in output
    assert "verdict for '说明群里禁止广告', which is not a key point of that step" in output

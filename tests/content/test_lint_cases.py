"""Lint on broken case files: one test per kind of problem, exact path and line."""
from __future__ import annotations

import datetime as dt

import pytest

from casebook.content import load_project
from tests.conftest import edit, line_of

CASE = "cases/001-sample.yml"


def messages(root):
    return [p.format() for p in load_project(root, today=dt.date(2026, 11, 23)).problems]


# (id, text to replace in the sample case, replacement, a text on the faulty line (or (text, n): its n-th line),
#  the expected message after "path:line: ", whole message or only its start)
EDITS = [
    ("unknown_rule_id", "rules: [AAA-01, AAA-02]", "rules: [AAA-01, AAA-09]", "rules: [AAA-01, AAA-09]",
     "case CASE-001: unknown rule AAA-09", "whole"),
    ("unknown_rule_in_note", "      text: 正确\n      rules: [AAA-02]", "      text: 正确\n      rules: [AAA-08]", "rules: [AAA-08]",
     "case CASE-001: unknown rule AAA-08", "whole"),
    ("unknown_action", "forbid: [remove_member]", "forbid: [kick_member]", "forbid: [kick_member]",
     "scenario.steps[0].expect.forbid[0]: unknown action 'kick_member'", "start"),
    ("unknown_tag", "tags: [广告]", "tags: [广告, 闲聊]", "tags: [广告, 闲聊]",
     "case CASE-001: unknown tag '闲聊'", "start"),
    ("times_out_of_order", 'at: "10:03"', 'at: "09:03"', 'at: "09:03"',
     "time 09:03 is earlier than the message before it", "start"),
    ("malformed_time", 'at: "10:03"', 'at: "10点03"', 'at: "10点03"',
     "transcript[3].at: malformed time '10点03'", "start"),
    ("unreachable_step", "        - if_any: [remove_member]\n          goto: s2_complaint\n", "", "- id: s2_complaint",
     "step 's2_complaint' can never be reached from the first step 's1'", "start"),
    ("duplicate_step_id", "    - id: s2_complaint", "    - id: s2", ("- id: s2", 2),
     "duplicate step ID 's2'", "whole"),
    ("missing_nested_field", "  group_size: 100\n", "", "setting:",
     "missing required field 'group_size' in setting", "whole"),
    ("unknown_key", "outcome: 解决。", "outcome: 解决。\nresult: 多余", "result: 多余",
     "unknown key 'result'", "whole"),
    ("sender_not_in_cast", "    from: 阿杰\n    text: 好的", "    from: 路人\n    text: 好的", "from: 路人",
     "transcript message from '路人', who is not in the cast", "whole"),
    ("too_few_notes", "    note:\n      text: 结束\n      rules: [AAA-01]\n", "", "transcript:",
     "transcript has 2 annotated messages; at least 3 need a note", "whole"),
    ("golden_off_its_branch", "        - step: s2_complaint", "        - step: s2", ("- step: s2", 2),
     "golden '跳级': expected step 's2_complaint' here (the path its actions take), found 's2'", "whole"),
    ("difficulty_out_of_range", "difficulty: 1", "difficulty: 5", "difficulty: 5",
     "difficulty: Input should be less than or equal to 3", "start"),
    ("key_point_example_repeats_point", "key_points: [说明群内禁止广告]",
     "key_points:\n          - point: 说明群内禁止广告\n            accept: [群里不能发广告, 说明群内禁止广告]",
     "- point: 说明群内禁止广告", "scenario.steps[0].expect.key_points[0]: an example repeats the key point itself", "whole"),
    ("key_point_wording_both_ways", "key_points: [说明群内禁止广告]",
     "key_points:\n          - point: 说明群内禁止广告\n            accept: [群里不能发广告]\n            reject: [群里不能发广告]",
     "- point: 说明群内禁止广告", "scenario.steps[0].expect.key_points[0]: a wording is both accepted and rejected", "start"),
    ("key_point_unknown_key", "key_points: [说明群内禁止广告]",
     "key_points:\n          - point: 说明群内禁止广告\n            acept: [群里不能发广告]", "acept:",
     "unknown key 'acept' in scenario.steps[0].expect.key_points[0]", "whole"),
    ("duplicate_yaml_key", "outcome: 解决。", "outcome: 解决。\noutcome: 又写了一次", "outcome: 又写了一次",
     "duplicate key 'outcome'", "whole"),
]


@pytest.mark.parametrize("old, new, needle, expected, match", [case[1:] for case in EDITS],
                         ids=[case[0] for case in EDITS])
def test_one_fault_in_a_case_is_reported_at_its_line(mini, old, new, needle, expected, match):
    """One edit that breaks the sample case; lint names the file and the exact line."""
    path = mini / CASE
    edit(path, old, new)
    text, occurrence = needle if isinstance(needle, tuple) else (needle, 1)
    message = f"{CASE}:{line_of(path, text, occurrence)}: {expected}"
    found = messages(mini)
    if match == "whole":
        assert message in found
    else:
        assert any(m.startswith(message) for m in found)


def test_step_points_to_missing_step(mini):
    path = mini / CASE
    edit(path, "        - goto: s2\n", "        - goto: s3\n")
    line = line_of(path, "goto: s3")
    found = messages(mini)
    assert f"{CASE}:{line}: step 's1' points to missing step 's3'" in found


def test_duplicate_case_id(mini):
    text = (mini / CASE).read_text(encoding="utf-8")
    (mini / "cases/002-copy.yml").write_text(text, encoding="utf-8")
    found = messages(mini)
    assert "cases/002-copy.yml:1: duplicate case ID CASE-001 (also in cases/001-sample.yml:1)" in found


def test_missing_field(mini):
    path = mini / CASE
    edit(path, "outcome: 解决。\n", "")
    assert f"{CASE}:1: missing required field 'outcome'" in messages(mini)


def test_yaml_syntax_error_line(mini):
    path = mini / CASE
    edit(path, "outcome: 解决。", "outcome: [解决。")
    line = line_of(path, "outcome: [解决。")
    assert any(m.startswith(f"{CASE}:") and "YAML syntax error" in m for m in messages(mini))
    assert any(int(m.split(":")[1]) >= line for m in messages(mini) if "YAML syntax error" in m)


def test_quiz_problems(mini):
    path = mini / "quiz/aaa.yml"
    edit(path, "        correct: true\n", "")
    line = line_of(path, "- id: AAA-Q01")
    found = messages(mini)
    assert f"quiz/aaa.yml:{line}: questions[0]: a single-choice question needs exactly one correct option (found 0)" in found


def test_quiz_duplicate_and_unknown_rule(mini):
    path = mini / "quiz/aaa.yml"
    edit(path, "id: AAA-Q02", "id: AAA-Q01")
    edit(path, "rules: [AAA-02]", "rules: [AAA-07]")
    found = messages(mini)
    line = line_of(path, "id: AAA-Q01", 2)
    assert any(m.startswith(f"quiz/aaa.yml:{line}: duplicate question ID AAA-Q01") for m in found)


def test_eval_query_unknown_id(mini):
    path = mini / "search/eval/queries.yml"
    edit(path, "relevant: [AAA-01, CASE-001]", "relevant: [AAA-01, CASE-404]")
    line = line_of(path, "CASE-404")
    assert f"search/eval/queries.yml:{line}: eval query '发广告怎么办': unknown ID CASE-404" in messages(mini)


def test_synonym_in_two_groups(mini):
    path = mini / "search/synonyms.yml"
    path.write_text("groups:\n  - [踢人, 移出群聊]\n  - [踢人, 踢出群]\n", encoding="utf-8")
    assert any(m.startswith("search/synonyms.yml:3: synonym '踢人' is in two groups") for m in messages(mini))


def test_quiz_unknown_rule_points_at_the_value(mini):
    path = mini / "quiz/aaa.yml"
    edit(path, "rules: [AAA-02]", "rules:\n      - AAA-02\n      - AAA-07")
    line = line_of(path, "- AAA-07")
    assert f"quiz/aaa.yml:{line}: question AAA-Q02: unknown rule AAA-07" in messages(mini)


def test_exam_blueprint_problems(mini):
    exam = mini / "quiz/exam"
    exam.mkdir()
    (exam / "exam.yml").write_text("blueprint:\n  AAA: 5\n  ZZZ: 1\n", encoding="utf-8")
    found = messages(mini)
    assert "quiz/exam/exam.yml:2: exam blueprint asks 5 AAA questions; the bank has 2" in found
    assert "quiz/exam/exam.yml:3: exam blueprint: unknown chapter ZZZ" in found


def test_exam_pass_mark_out_of_range(mini):
    exam = mini / "quiz/exam"
    exam.mkdir()
    (exam / "exam.yml").write_text("blueprint:\n  AAA: 1\npass_mark: 1.5\n", encoding="utf-8")
    assert any(m.startswith("quiz/exam/exam.yml:3: pass_mark: Input should be less than or equal to 1") for m in messages(mini))


def test_removed_member_speaking_is_a_warning(mini):
    path = mini / CASE
    edit(path, "          text: 凭什么踢我\n          private: true\n", "          text: 凭什么踢我\n")
    line = line_of(path, "text: 凭什么踢我") - 1          # the `from:` line of the removed member's message
    assert f"{CASE}:{line}: warning: step 's2_complaint': '阿杰' speaks in the group after being removed at step 's1' (mark the message `private: true`, or let another member speak)" in messages(mini)
    problems = load_project(mini, today=dt.date(2026, 11, 23)).problems
    assert not [p for p in problems.errors if p.code == "removed-speaks"]          # a warning, not an error
    edit(path, "          text: 凭什么踢我\n", "          text: 凭什么踢我\n          private: true\n")
    assert not [m for m in messages(mini) if "after being removed" in m]


def test_key_points_with_examples_load_as_plain_points(mini):
    """The mapping form of a key point validates; the point stays a plain string and its examples are
    kept beside it for the scorer."""
    path = mini / CASE
    edit(path, "key_points: [说明群内禁止广告]",
         "key_points:\n          - point: 说明群内禁止广告\n            accept: [群里不能发广告哦]\n"
         "            reject: [广告可以发在群里]")
    project = load_project(mini, today=dt.date(2026, 11, 23))
    assert not [p for p in project.problems if p.severity == "error"]
    expect = project.cases["CASE-001"].obj.scenario.steps[0].expect
    assert expect.key_points == ["说明群内禁止广告"]
    assert expect.examples["说明群内禁止广告"].accept == ["群里不能发广告哦"]
    assert expect.examples["说明群内禁止广告"].reject == ["广告可以发在群里"]


def test_scenario_clock_must_not_run_backwards_on_any_path(mini):
    """A step reached from another must not start before that step's last message (found in three real
    cases by a validation author: a branch step at 10:06 leading to a step at 10:04)."""
    path = mini / CASE
    edit(path, '        - at: "10:10"\n          from: 阿杰\n          text: 知道了', '        - at: "09:58"\n          from: 阿杰\n          text: 知道了')
    found = messages(mini)
    line = line_of(path, 'at: "09:58"')
    assert f"{CASE}:{line}: step 's2' starts at 09:58, before step 's1' that leads to it ends (10:00): times must not go " \
           "backwards on any path" in found

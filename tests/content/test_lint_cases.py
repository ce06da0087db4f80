"""Lint on broken case files: one test per kind of problem, exact path and line."""
from __future__ import annotations

import datetime as dt

from casebook.content import load_project
from tests.conftest import edit, line_of

CASE = "cases/001-sample.yml"


def messages(root):
    return [p.format() for p in load_project(root, today=dt.date(2026, 11, 23)).problems]


def test_unknown_rule_id(mini):
    path = mini / CASE
    edit(path, "rules: [AAA-01, AAA-02]", "rules: [AAA-01, AAA-09]")
    line = line_of(path, "rules: [AAA-01, AAA-09]")
    assert f"{CASE}:{line}: case CASE-001: unknown rule AAA-09" in messages(mini)


def test_unknown_rule_in_note(mini):
    path = mini / CASE
    edit(path, "      text: 正确\n      rules: [AAA-02]", "      text: 正确\n      rules: [AAA-08]")
    line = line_of(path, "rules: [AAA-08]")
    assert f"{CASE}:{line}: case CASE-001: unknown rule AAA-08" in messages(mini)


def test_unknown_action(mini):
    path = mini / CASE
    edit(path, "forbid: [remove_member]", "forbid: [kick_member]")
    line = line_of(path, "forbid: [kick_member]")
    assert any(m.startswith(f"{CASE}:{line}: scenario.steps[0].expect.forbid[0]: unknown action 'kick_member'") for m in messages(mini))


def test_unknown_tag(mini):
    path = mini / CASE
    edit(path, "tags: [广告]", "tags: [广告, 闲聊]")
    line = line_of(path, "tags: [广告, 闲聊]")
    assert any(m.startswith(f"{CASE}:{line}: case CASE-001: unknown tag '闲聊'") for m in messages(mini))


def test_times_out_of_order(mini):
    path = mini / CASE
    edit(path, 'at: "10:03"', 'at: "09:03"')
    line = line_of(path, 'at: "09:03"')
    assert any(m.startswith(f"{CASE}:{line}: time 09:03 is earlier than the message before it") for m in messages(mini))


def test_malformed_time(mini):
    path = mini / CASE
    edit(path, 'at: "10:03"', 'at: "10点03"')
    line = line_of(path, 'at: "10点03"')
    assert any(m.startswith(f"{CASE}:{line}: transcript[3].at: malformed time '10点03'") for m in messages(mini))


def test_step_points_to_missing_step(mini):
    path = mini / CASE
    edit(path, "        - goto: s2\n", "        - goto: s3\n")
    line = line_of(path, "goto: s3")
    found = messages(mini)
    assert f"{CASE}:{line}: step 's1' points to missing step 's3'" in found


def test_unreachable_step(mini):
    path = mini / CASE
    edit(path, "        - if_any: [remove_member]\n          goto: s2_complaint\n", "")
    line = line_of(path, "- id: s2_complaint")
    assert any(m.startswith(f"{CASE}:{line}: step 's2_complaint' can never be reached from the first step 's1'") for m in messages(mini))


def test_duplicate_case_id(mini):
    text = (mini / CASE).read_text(encoding="utf-8")
    (mini / "cases/002-copy.yml").write_text(text, encoding="utf-8")
    found = messages(mini)
    assert "cases/002-copy.yml:1: duplicate case ID CASE-001 (also in cases/001-sample.yml:1)" in found


def test_duplicate_step_id(mini):
    path = mini / CASE
    edit(path, "    - id: s2_complaint", "    - id: s2")
    line = line_of(path, "- id: s2", 2)
    assert f"{CASE}:{line}: duplicate step ID 's2'" in messages(mini)


def test_missing_field(mini):
    path = mini / CASE
    edit(path, "outcome: 解决。\n", "")
    assert f"{CASE}:1: missing required field 'outcome'" in messages(mini)


def test_missing_nested_field(mini):
    path = mini / CASE
    edit(path, "  group_size: 100\n", "")
    line = line_of(path, "setting:")
    assert f"{CASE}:{line}: missing required field 'group_size' in setting" in messages(mini)


def test_unknown_key(mini):
    path = mini / CASE
    edit(path, "outcome: 解决。", "outcome: 解决。\nresult: 多余")
    line = line_of(path, "result: 多余")
    assert f"{CASE}:{line}: unknown key 'result'" in messages(mini)


def test_sender_not_in_cast(mini):
    path = mini / CASE
    edit(path, "    from: 阿杰\n    text: 好的", "    from: 路人\n    text: 好的")
    line = line_of(path, "from: 路人")
    assert f"{CASE}:{line}: transcript message from '路人', who is not in the cast" in messages(mini)


def test_too_few_notes(mini):
    path = mini / CASE
    edit(path, "    note:\n      text: 结束\n      rules: [AAA-01]\n", "")
    line = line_of(path, "transcript:")
    assert f"{CASE}:{line}: transcript has 2 annotated messages; at least 3 need a note" in messages(mini)


def test_golden_off_its_branch(mini):
    path = mini / CASE
    edit(path, "        - step: s2_complaint", "        - step: s2")
    line = line_of(path, "- step: s2", 2)
    assert f"{CASE}:{line}: golden '跳级': expected step 's2_complaint' here (the path its actions take), found 's2'" in messages(mini)


def test_difficulty_out_of_range(mini):
    path = mini / CASE
    edit(path, "difficulty: 1", "difficulty: 5")
    line = line_of(path, "difficulty: 5")
    assert any(m.startswith(f"{CASE}:{line}: difficulty: Input should be less than or equal to 3") for m in messages(mini))


def test_yaml_syntax_error_line(mini):
    path = mini / CASE
    edit(path, "outcome: 解决。", "outcome: [解决。")
    line = line_of(path, "outcome: [解决。")
    assert any(m.startswith(f"{CASE}:") and "YAML syntax error" in m for m in messages(mini))
    assert any(int(m.split(":")[1]) >= line for m in messages(mini) if "YAML syntax error" in m)


def test_duplicate_yaml_key(mini):
    path = mini / CASE
    edit(path, "outcome: 解决。", "outcome: 解决。\noutcome: 又写了一次")
    line = line_of(path, "outcome: 又写了一次")
    assert f"{CASE}:{line}: duplicate key 'outcome'" in messages(mini)


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

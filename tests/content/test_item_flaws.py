"""Item-writing flaws: one broken copy of the mini fixture per problem, exact path:line messages."""
from __future__ import annotations

import datetime as dt

from casebook.content import load_project
from tests.conftest import edit, line_of


def messages(root):
    return [p.format() for p in load_project(root, today=dt.date(2026, 11, 23)).problems]


def _append(root, text: str) -> None:
    path = root / "quiz/aaa.yml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


MATCHING = """  - id: AAA-Q10
    type: matching
    chapter: AAA
    difficulty: 1
    rules: [AAA-01]
    prompt: 请把情形和处理对应起来。
    pairs:
      - left: 第一次
        right: 警告
      - left: 第二次
        right: 禁言
      - left: 第三次
        right: 警告
    explanation: 见 AAA-01。
"""


def test_matching_repeats_a_right_hand_answer(mini):
    _append(mini, MATCHING)
    line = line_of(mini / "quiz/aaa.yml", "right: 警告", 2)
    assert (f"quiz/aaa.yml:{line}: question AAA-Q10: right-hand answer '警告' repeats pair 1; "
            "every right-hand answer must be different") in messages(mini)


def test_matching_with_distinct_answers_is_clean(mini):
    _append(mini, MATCHING.replace("right: 警告\n    explanation", "right: 移出\n    explanation"))
    assert messages(mini) == []


def test_all_of_the_above_option(mini):
    path = mini / "quiz/aaa.yml"
    edit(path, "      - text: 不遵守\n", "      - text: 以上都对\n")
    line = line_of(path, "text: 以上都对")
    assert (f"quiz/aaa.yml:{line}: question AAA-Q01: option '以上都对' is an all/none-of-the-above option; "
            "write a real option instead") in messages(mini)


def test_none_of_the_above_option(mini):
    path = mini / "quiz/aaa.yml"
    edit(path, "      - text: 不遵守\n", "      - text: 以上都不对\n")
    line = line_of(path, "text: 以上都不对")
    assert any(m.startswith(f"quiz/aaa.yml:{line}: question AAA-Q01: option '以上都不对' is an all/none-of-the-above option")
               for m in messages(mini))


def test_negative_stem_without_emphasis(mini):
    path = mini / "quiz/aaa.yml"
    edit(path, "prompt: 第一条说什么？", "prompt: 以下哪项不属于第一条的要求？")
    line = line_of(path, "prompt: 以下哪项不属于")
    assert (f"quiz/aaa.yml:{line}: warning: question AAA-Q01: negative stem ('不属于') without emphasis; "
            "mark it **不属于** or ask positively") in messages(mini)


def test_emphasised_negative_stem_is_accepted(mini):
    path = mini / "quiz/aaa.yml"
    edit(path, "prompt: 第一条说什么？", "prompt: 以下哪项**不属于**第一条的要求？")
    assert messages(mini) == []


def test_negation_in_the_scenario_before_the_question_is_accepted(mini):
    path = mini / "quiz/aaa.yml"
    edit(path, "prompt: 第一条说什么？", "prompt: 成员没有违规记录。第一条说什么？")
    assert messages(mini) == []


def test_option_repeats_the_stem(mini):
    path = mini / "quiz/aaa.yml"
    edit(path, "prompt: 第一条说什么？", "prompt: 客服遵守第一条的规定时应当怎么做？")
    edit(path, "      - text: 不遵守\n", "      - text: 遵守第一条的规定\n")
    line = line_of(path, "text: 遵守第一条的规定")
    assert f"quiz/aaa.yml:{line}: warning: question AAA-Q01: option '遵守第一条的规定' repeats the stem" in messages(mini)


def _true_false(n: int, answer: bool, start: int = 20) -> str:
    return "".join(f"""  - id: AAA-Q{start + i}
    type: true_false
    chapter: AAA
    difficulty: 1
    rules: [AAA-02]
    prompt: 第二条的第{i + 1}种说法。
    answer: {'true' if answer else 'false'}
    explanation: 见 AAA-02。
""" for i in range(n))


def test_true_false_share_outside_the_band(mini):
    _append(mini, _true_false(10, False))  # the fixture already has one false answer
    assert "quiz:1: warning: bank: 0 of 11 true/false answers are true (0%); keep the share between 35% and 65%" in messages(mini)


def test_true_false_share_inside_the_band(mini):
    _append(mini, _true_false(5, False) + _true_false(5, True, start=40))
    assert not [m for m in messages(mini) if "true/false answers" in m]


def _single(n: int, correct_longest: bool, start: int = 60) -> str:
    right = "按第一条先删除内容再私聊提醒" if correct_longest else "删除并提醒"
    return "".join(f"""  - id: AAA-Q{start + i}
    type: single
    chapter: AAA
    difficulty: 1
    rules: [AAA-01]
    prompt: 第一条的第{i + 1}个情形怎么处理？
    options:
      - text: {right}
        correct: true
      - text: 不处理
      - text: 直接移出群聊
    explanation: 见 AAA-01。
""" for i in range(n))


def test_correct_option_too_often_the_longest(mini):
    _append(mini, _single(10, True))  # the fixture's AAA-Q01 is not a longest-correct question
    assert ("quiz:1: warning: bank: the correct option is the unique longest in 10 of 11 single-choice questions (91%); "
            "keep it at or below 35%") in messages(mini)


def test_correct_option_longest_in_few_questions(mini):
    _append(mini, _single(3, True) + _single(7, False, start=80))
    assert not [m for m in messages(mini) if "unique longest" in m]


def test_multiple_choice_always_the_same_number_correct(mini):
    text = "".join(f"""  - id: AAA-Q{30 + i}
    type: multiple
    chapter: AAA
    difficulty: 1
    rules: [AAA-01]
    prompt: 第一条的第{i + 1}组做法里哪些可以？
    options:
      - text: 做法甲
        correct: true
      - text: 做法乙
        correct: true
      - text: 做法丙
    explanation: 见 AAA-01。
""" for i in range(10))
    _append(mini, text)
    assert any(m.startswith("quiz:1: warning: bank: 10 of 10 multiple-choice questions have exactly 2 correct options (100%)")
               for m in messages(mini))


def _exam(root, red: str) -> None:
    (root / "quiz/exam").mkdir(exist_ok=True)
    (root / "quiz/exam/exam.yml").write_text("blueprint:\n  AAA: 2\nred_line:\n" + red, encoding="utf-8")


def _tag_privacy(root) -> None:
    """Tag AAA-02 (cited by AAA-Q02) as a privacy rule."""
    edit(root / "docs/tags.yml", "  警告: 警告", "  警告: 警告\n  隐私: 隐私")
    edit(root / "docs/rules/aaa.md", "related: []\n", "related: []\ntags: [隐私]\n")


def test_red_line_questions_valid(mini):
    _tag_privacy(mini)
    _exam(mini, "  per_exam: 1\n  questions: [AAA-Q02]\n")
    assert messages(mini) == []


def test_red_line_unknown_question(mini):
    _tag_privacy(mini)
    _exam(mini, "  per_exam: 1\n  questions:\n    - AAA-Q02\n    - AAA-Q09\n")
    assert "quiz/exam/exam.yml:7: red-line question AAA-Q09 does not exist" in messages(mini)


def test_red_line_question_must_cite_a_privacy_fraud_or_compensation_rule(mini):
    _exam(mini, "  per_exam: 1\n  questions: [AAA-Q01]\n")   # AAA-01 is tagged 广告 only
    found = messages(mini)
    assert any(m.startswith("quiz/exam/exam.yml:5: red-line question AAA-Q01 cites no privacy, fraud or compensation rule") for m in found)
    assert "quiz/exam/exam.yml:4: red_line.per_exam is 1 but only 0 valid red-line questions are listed" in found


def test_red_line_question_needs_an_exact_answer(mini):
    _tag_privacy(mini)
    _append(mini, """  - id: AAA-Q05
    type: short_answer
    chapter: AAA
    difficulty: 1
    rules: [AAA-02]
    prompt: 怎么处理？
    reference: [先删除再提醒。]
    key_points: [删除]
    explanation: 见 AAA-01。
""")
    _exam(mini, "  per_exam: 1\n  questions: [AAA-Q05]\n")
    assert any(m.startswith("quiz/exam/exam.yml:5: red-line question AAA-Q05 is short_answer; a must-pass question needs an exact answer")
               for m in messages(mini))

"""A mini content tree with one question of every type (for the training tests)."""
from __future__ import annotations

from pathlib import Path

EXTRA_QUIZ = """\
questions:
  - id: AAA-Q03
    type: multiple
    chapter: AAA
    tags: [广告]
    difficulty: 2
    rules: [AAA-01]
    prompt: 哪些做法正确？
    options:
      - text: 甲
        correct: true
      - text: 乙
        correct: true
      - text: 丙
        feedback: 丙是错的
      - text: 丁
    explanation: 甲和乙正确。
  - id: AAA-Q04
    type: ordering
    chapter: AAA
    difficulty: 2
    rules: [AAA-02]
    prompt: 排列处理步骤。
    items: [先确认, 再处理, 然后记录, 最后回访]
    explanation: 先确认再处理。
  - id: AAA-Q05
    type: matching
    chapter: AAA
    difficulty: 3
    rules: [AAA-02]
    prompt: 违规与处罚配对。
    pairs:
      - left: 发广告
        right: 撤回并警告
      - left: 人身攻击
        right: 禁言
      - left: 诈骗
        right: 移出群聊
    explanation: 按严重程度递增。
  - id: AAA-Q06
    type: short_answer
    chapter: AAA
    difficulty: 3
    rules: [AAA-01, AAA-02]
    prompt: 有人在群里发广告，你怎么处理？
    reference:
      - 我会先撤回这条广告消息，然后私聊提醒发布者群规，如果再犯就禁言。
    key_points:
      - 撤回广告消息
      - 私聊提醒群规
    explanation: 先撤回，再提醒。
"""

EXAM = "time_limit_min: 30\npass_mark: 0.8\nblueprint:\n  AAA: 4\n"


def add_training_content(root: Path) -> Path:
    (root / "quiz" / "bbb.yml").write_text(EXTRA_QUIZ, encoding="utf-8")
    (root / "quiz" / "exam").mkdir(exist_ok=True)
    (root / "quiz" / "exam" / "exam.yml").write_text(EXAM, encoding="utf-8")
    return root


def to_client(bank_question, shown: dict, bank_response: dict) -> dict:
    """A bank-index answer (what the tests write down) in an attempt's opaque ids, found by the
    texts the attempt shows -- what an agent who knows the answer would click."""
    def id_of(entries, text):
        return next(e["id"] for e in entries if e["text"] == text)

    t = bank_question.type
    if t == "single":
        return {"choice": id_of(shown["options"], bank_question.options[bank_response["choice"]].text)}
    if t == "multiple":
        return {"choices": [id_of(shown["options"], bank_question.options[i].text) for i in bank_response["choices"]]}
    if t == "ordering":
        return {"order": [id_of(shown["items"], bank_question.items[i]) for i in bank_response["order"]]}
    if t == "matching":
        pairs = bank_question.pairs
        return {"matches": {id_of(shown["lefts"], pairs[int(k)].left): id_of(shown["rights"], pairs[v].right)
                            for k, v in bank_response["matches"].items()}}
    return dict(bank_response)


def client_answer(app, item: dict, bank_response: dict) -> dict:
    """to_client for an item of an attempt as the API returns it."""
    from casebook.web.extensions import content
    with app.app_context():
        question = content().questions[item["question_id"]].obj
    return to_client(question, item["question"], bank_response)

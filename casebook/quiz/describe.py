"""Human-readable answers (Chinese) for review pages: the agent's answer beside the right one."""
from __future__ import annotations

from .types import QUESTION_TYPES


def describe(question, response: dict | None) -> str:
    if not response:
        return "（未作答）"
    try:
        t = question.type
        if t == "single":
            return question.options[int(response["choice"])].text
        if t == "multiple":
            picks = [question.options[int(i)].text for i in response.get("choices", [])]
            return "；".join(picks) if picks else "（未选择）"
        if t == "true_false":
            return "正确" if response["answer"] else "错误"
        if t == "ordering":
            return " → ".join(question.items[int(i)] for i in response["order"])
        if t == "matching":
            pairs = sorted(((int(k), int(v)) for k, v in response["matches"].items()))
            return "；".join(f"{question.pairs[k].left} ↔ {question.pairs[v].right}" for k, v in pairs)
        if t == "short_answer":
            return response.get("text", "")
    except (KeyError, IndexError, TypeError, ValueError):
        return "（无法解析的答案）"
    return str(response)


def describe_right(question) -> str:
    if question.type == "short_answer":
        return question.reference[0] + "\n要点：" + "；".join(question.key_points)
    return describe(question, QUESTION_TYPES[question.type].right_answer(question))

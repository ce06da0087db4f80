"""Human-readable answers (Chinese) for review pages: the agent's answer beside the right one.
Each question type says how its answers read (question_types/)."""
from __future__ import annotations

from ..content.question_types import QUESTION_TYPES


def describe(question, response: dict | None) -> str:
    if not response:
        return "（未作答）"
    kind = QUESTION_TYPES.get(question.type)
    if kind is None:
        return str(response)
    try:
        return kind.describe(question, response)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return "（无法解析的答案）"


def describe_right(question) -> str:
    return QUESTION_TYPES[question.type].describe_right(question)

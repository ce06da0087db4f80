"""Short answer: graded by meaning against the key points."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..schema import Text, QuestionBase
from .base import Grade, QuestionType, ResponseError, _require


class ShortAnswer(QuestionBase):
    type: Literal["short_answer"]
    reference: Annotated[list[Text], Field(min_length=1)]
    key_points: Annotated[list[Text], Field(min_length=1)]


class ShortAnswerType(QuestionType):
    """Graded by meaning: each key point is matched to the answer's closest sentence."""
    name, label, model = "short_answer", "简答题", ShortAnswer
    xapi_interaction = "long-fill-in"
    MAX_CHARS = 2000

    @classmethod
    def grade(cls, question, response):
        text = _require(response, "text")
        if not isinstance(text, str):
            raise ResponseError("text must be a string")
        if len(text) > cls.MAX_CHARS:
            raise ResponseError(f"the answer is longer than {cls.MAX_CHARS} characters")
        from ...quiz.semantic import match_key_points
        result = match_key_points(text, list(question.key_points))
        hit = [m for m in result["matches"] if m["matched"]]
        score = len(hit) / len(question.key_points)
        feedback = [f"未覆盖要点：{m['point']}" for m in result["matches"] if not m["matched"]]
        return Grade(round(score, 4), len(hit) == len(question.key_points), feedback, {"text": text, **result})

    @classmethod
    def right_answer(cls, question):
        return {"text": question.reference[0], "key_points": list(question.key_points)}

    @classmethod
    def describe(cls, question, response):
        return response.get("text", "")

    @classmethod
    def describe_right(cls, question):
        return question.reference[0] + "\n要点：" + "；".join(question.key_points)

    @classmethod
    def from_form(cls, question, presented, get, getlist):
        return {"text": get("text")} if get("text").strip() else None

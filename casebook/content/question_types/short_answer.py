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
    """Graded by the scenario scorer's key-point matcher (scoring.matcher): each clause of the answer may
    convey at most one key point, polarity and numbers are checked, and generic sentences that are close
    to every point earn nothing (hubness-corrected similarity)."""
    name, label, model = "short_answer", "简答题", ShortAnswer
    #: its form fields on the quiz page (Jinja; q: the presented view, r: the saved response, f: the field prefix)
    form_fields = """<textarea name="{{ f }}text" rows="5" maxlength="2000" aria-label="你的回答">{{ r.text or '' }}</textarea>"""
    xapi_interaction = "long-fill-in"
    free_text = True
    MAX_CHARS = 2000

    @classmethod
    def sample_response(cls, view, rng):
        return {"text": rng.choice(["我会先安抚顾客情绪，确认问题后按规定处理，并说明后续跟进时间。",
                                     "先私聊了解情况，再按群规处理，最后在群里同步结果。"])}

    @classmethod
    def grade(cls, question, response, matcher=None):
        text = _require(response, "text")
        if not isinstance(text, str):
            raise ResponseError("text must be a string")
        if len(text) > cls.MAX_CHARS:
            raise ResponseError(f"the answer is longer than {cls.MAX_CHARS} characters")
        if matcher is None:
            raise ValueError("short answers are graded with the project's key-point matcher (scoring.point_matcher)")
        found = matcher.match_text(list(question.key_points), text, question.id) if text.strip() else []
        matches = []
        for point in question.key_points:
            m = next((x for x in found if x.point == point), None)
            ok, contradicted = matcher.verdict(m) if m else (False, False)
            reason = "说法与要点相反" if contradicted else (m.reason if m else "回答为空")
            matches.append({"point": point, "sentence": m.span if m else None, "probability": round(m.prob, 3) if m else 0.0,
                            "matched": ok, "reason": reason})
        hit = [m for m in matches if m["matched"]]
        score = len(hit) / len(question.key_points)
        feedback = [f"未覆盖要点：{m['point']}（{m['reason']}）" for m in matches if not m["matched"]]
        return Grade(round(score, 4), len(hit) == len(question.key_points), feedback,
                     {"text": text, "threshold": matcher.model.threshold, "matches": matches})

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

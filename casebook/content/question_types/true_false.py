"""True or false."""
from __future__ import annotations

from typing import Literal

from ..schema import QuestionBase
from .base import Grade, QuestionType, ResponseError, _require


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool


class TrueFalseType(QuestionType):
    name, label, model = "true_false", "判断题", TrueFalse
    #: its form fields on the quiz page (Jinja; q: the presented view, r: the saved response, f: the field prefix)
    form_fields = """{% set tf = r.answer|string|lower if r.answer is defined else '' %}
{% for o in (q.options or [{'value': true, 'text': '正确'}, {'value': false, 'text': '错误'}]) %}{% set v = o.value|string|lower %}
<label class="opt"><input type="radio" name="{{ f }}answer" value="{{ v }}" {% if tf == v %}checked{% endif %}> {{ o.text }}</label>{% endfor %}"""
    xapi_interaction = "true-false"
    red_line = True

    @classmethod
    def present_keyed(cls, question, rng):
        return {**cls.base_view(question), "options": [{"value": True, "text": "正确"}, {"value": False, "text": "错误"}]}, {}

    @classmethod
    def sample_response(cls, view, rng):
        return {"answer": rng.random() < 0.5}

    @classmethod
    def grade(cls, question, response, matcher=None):
        answer = _require(response, "answer")
        if isinstance(answer, str) and answer.lower() in ("true", "false"):
            answer = answer.lower() == "true"
        if not isinstance(answer, bool):
            raise ResponseError("answer must be true or false")
        ok = answer == question.answer
        return Grade(1.0 if ok else 0.0, ok, [], {"answer": answer})

    @classmethod
    def right_answer(cls, question):
        return {"answer": question.answer}

    @classmethod
    def describe(cls, question, response):
        return "正确" if response["answer"] else "错误"

    @classmethod
    def from_form(cls, question, presented, get, getlist):
        return {"answer": get("answer")} if get("answer") != "" else None

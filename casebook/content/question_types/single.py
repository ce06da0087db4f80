"""Single choice: one correct option."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..schema import Option, QuestionBase
from .base import Grade, OptionsType, _index, _lookup, _part, _require


class SingleChoice(QuestionBase):
    type: Literal["single"]
    options: Annotated[list[Option], Field(min_length=2)]

    @model_validator(mode="after")
    def _one_correct(self):
        n = sum(o.correct for o in self.options)
        if n != 1:
            raise ValueError(f"a single-choice question needs exactly one correct option (found {n})")
        return self


class SingleChoiceType(OptionsType):
    name, label, model = "single", "单选题", SingleChoice
    #: its form fields on the quiz page (Jinja; q: the presented view, r: the saved response, f: the field prefix)
    form_fields = """{% for o in q.options %}<label class="opt"><input type="radio" name="{{ f }}choice" value="{{ o.id }}" {% if r.choice is defined and r.choice|string == o.id %}checked{% endif %}> {{ o.text }}</label>{% endfor %}"""
    xapi_interaction = "choice"
    one_correct = True
    red_line = True

    @classmethod
    def sample_response(cls, view, rng):
        return {"choice": rng.choice(view["options"])["id"]}

    @classmethod
    def grade(cls, question, response, matcher=None):
        choice = _index(_require(response, "choice"), len(question.options), "choice")
        option = question.options[choice]
        feedback = [option.feedback] if option.feedback else []
        return Grade(1.0 if option.correct else 0.0, option.correct, feedback, {"choice": choice})

    @classmethod
    def to_bank(cls, question, key, response):
        return {"choice": _lookup(_part(key, "options"), _require(response, "choice"), "choice")}

    @classmethod
    def right_answer(cls, question):
        return {"choice": next(i for i, o in enumerate(question.options) if o.correct)}

    @classmethod
    def describe(cls, question, response):
        return question.options[int(response["choice"])].text

    @classmethod
    def from_form(cls, question, presented, get, getlist):
        return {"choice": get("choice")} if get("choice") != "" else None

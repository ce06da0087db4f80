"""Multiple choice: partial credit for right picks minus wrong picks."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..schema import Option, QuestionBase
from .base import Grade, OptionsType, ResponseError, _index, _lookup, _part, _require


class MultipleChoice(QuestionBase):
    type: Literal["multiple"]
    options: Annotated[list[Option], Field(min_length=3)]

    @model_validator(mode="after")
    def _some_correct(self):
        if not any(o.correct for o in self.options):
            raise ValueError("a multiple-choice question needs at least one correct option (found 0)")
        return self


class MultipleChoiceType(OptionsType):
    """Partial credit: (right picks - wrong picks) / number of correct options, floored at 0."""
    name, label, model = "multiple", "多选题", MultipleChoice
    #: its form fields on the quiz page (Jinja; q: the presented view, r: the saved response, f: the field prefix)
    form_fields = """{% set picked = (r.choices or [])|map('string')|list %}
{% for o in q.options %}<label class="opt"><input type="checkbox" name="{{ f }}choices" value="{{ o.id }}" {% if o.id in picked %}checked{% endif %}> {{ o.text }}</label>{% endfor %}"""
    xapi_interaction = "choice"
    red_line = True

    @classmethod
    def sample_response(cls, view, rng):
        picked = [o["id"] for o in view["options"] if rng.random() < 0.5]
        return {"choices": picked or [view["options"][0]["id"]]}

    @classmethod
    def grade(cls, question, response, matcher=None):
        raw = _require(response, "choices")
        if not isinstance(raw, list):
            raise ResponseError("choices must be a list of indexes")
        picks = sorted({_index(v, len(question.options), "choice") for v in raw})
        correct = {i for i, o in enumerate(question.options) if o.correct}
        right = len(correct.intersection(picks))
        wrong = len(set(picks) - correct)
        score = max(0.0, (right - wrong) / len(correct))
        feedback = [question.options[i].feedback for i in picks if question.options[i].feedback]
        return Grade(round(score, 4), set(picks) == correct, feedback,
                     {"choices": picks, "right_picks": right, "wrong_picks": wrong, "missed": len(correct) - right})

    @classmethod
    def to_bank(cls, question, key, response):
        raw = _require(response, "choices")
        if not isinstance(raw, list):
            raise ResponseError("choices must be a list of ids")
        return {"choices": [_lookup(_part(key, "options"), v, "choice") for v in raw]}

    @classmethod
    def right_answer(cls, question):
        return {"choices": [i for i, o in enumerate(question.options) if o.correct]}

    @classmethod
    def describe(cls, question, response):
        picks = [question.options[int(i)].text for i in response.get("choices", [])]
        return "；".join(picks) if picks else "（未选择）"

    @classmethod
    def from_form(cls, question, presented, get, getlist):
        picks = getlist("choices")
        return {"choices": picks} if picks else None

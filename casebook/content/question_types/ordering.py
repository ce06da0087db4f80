"""Ordering: put the steps in order; partial credit by pairs."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from ..schema import Text, QuestionBase
from .base import Grade, QuestionType, ResponseError, _index, _lookup, _part, _require, form_int, new_ids


class Ordering(QuestionBase):
    type: Literal["ordering"]
    items: Annotated[list[Text], Field(min_length=3)]

    @field_validator("items")
    @classmethod
    def _unique(cls, value):
        if len(set(value)) != len(value):
            raise ValueError("ordering items must be distinct")
        return value


class OrderingType(QuestionType):
    """Partial credit by pairs: the share of item pairs the agent put in the right relative order
    (Kendall-style), so one misplaced step costs a little, a reversed list scores 0."""
    name, label, model = "ordering", "排序题", Ordering
    #: its form fields on the quiz page (Jinja; q: the presented view, r: the saved response, f: the field prefix)
    form_fields = """<p><small>为每个步骤选择顺序号（1 = 第一步），每个序号只用一次。</small></p>
{% set order = r.order or [] %}
{% for it in q['items'] %}{% set current = (order.index(it.id) + 1) if it.id in order else 0 %}
<label class="opt"><select name="{{ f }}pos_{{ it.id }}" data-item="{{ it.id }}"><option value="">—</option>
  {% for n in range(1, q['items']|length + 1) %}<option value="{{ n }}" {% if n == current %}selected{% endif %}>{{ n }}</option>{% endfor %}
</select> {{ it.text }}</label>{% endfor %}"""
    xapi_interaction = "sequencing"

    @classmethod
    def present_keyed(cls, question, rng):
        order = list(range(len(question.items)))
        while len(order) > 1 and order == sorted(order):   # never shown in the right order
            rng.shuffle(order)
        ids = new_ids(len(order))
        return ({**cls.base_view(question), "items": [{"id": k, "text": question.items[i]} for k, i in zip(ids, order)]},
                {"items": dict(zip(ids, order))})

    @classmethod
    def to_bank(cls, question, key, response):
        raw = _require(response, "order")
        if not isinstance(raw, list):
            raise ResponseError(f"order must list all {len(question.items)} items")
        return {"order": [_lookup(_part(key, "items"), v, "item") for v in raw]}

    @classmethod
    def sample_response(cls, view, rng):
        order = [item["id"] for item in view["items"]]
        rng.shuffle(order)
        return {"order": order}

    @classmethod
    def grade(cls, question, response, matcher=None):
        raw = _require(response, "order")
        n = len(question.items)
        if not isinstance(raw, list) or len(raw) != n:
            raise ResponseError(f"order must list all {n} items")
        order = [_index(v, n, "item") for v in raw]
        if len(set(order)) != n:
            raise ResponseError("order lists an item twice")
        position = {item: pos for pos, item in enumerate(order)}
        pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
        good = sum(position[a] < position[b] for a, b in pairs)
        score = good / len(pairs)
        return Grade(round(score, 4), good == len(pairs), [],
                     {"order": order, "pairs_in_order": good, "pairs": len(pairs),
                      "positions_right": sum(order[i] == i for i in range(n))})

    @classmethod
    def right_answer(cls, question):
        return {"order": list(range(len(question.items)))}

    @classmethod
    def describe(cls, question, response):
        return " → ".join(question.items[int(i)] for i in response["order"])

    @classmethod
    def from_form(cls, question, presented, get, getlist):
        ids = [entry["id"] for entry in presented.get("items", [])]
        n = len(ids)
        ranks = [(form_int(get(f"pos_{k}"), 0), k) for k in ids]
        if all(r == 0 for r, _ in ranks):
            return None
        if sorted(r for r, _ in ranks) != list(range(1, n + 1)):
            return {"order": "每个步骤需要不同的序号（1–%d）" % n}
        return {"order": [k for _, k in sorted(ranks)]}

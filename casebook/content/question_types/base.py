"""The base of every question type, and the helpers they share.

A question type owns everything about its kind of question: the schema of its YAML (`model`, a
pydantic class checked by `casebook lint`), how it is presented without its answers
(`present_keyed`), how a client response maps back to the bank (`to_bank`), grading (`grade`),
the right answer and how an answer reads on review pages (`right_answer`, `describe`), how a
form posts it (`from_form`), whether it may be a must-pass question (`red_line`) and its label.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

class ResponseError(ValueError):
    """The response does not fit the question (wrong shape, index out of range...)."""


@dataclass
class Grade:
    score: float                 # 0..1
    correct: bool                # full marks
    feedback: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _index(value, size: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ResponseError(f"{what} must be an index")
    try:
        number = int(value)
    except ValueError:
        raise ResponseError(f"{what} must be an index") from None
    if not 0 <= number < size:
        raise ResponseError(f"{what} {number} is out of range 0..{size - 1}")
    return number


def _part(key: dict | None, name: str) -> dict | None:
    return None if key is None else key.get(name, {})


def _require(response, key: str):
    if not isinstance(response, dict) or key not in response:
        raise ResponseError(f"the response needs '{key}'")
    return response[key]


def new_ids(count: int) -> list[str]:
    """`count` distinct opaque ids (random, so their order says nothing; never digits only)."""
    ids: list[str] = []
    while len(ids) < count:
        token = "k" + secrets.token_hex(4)
        if token not in ids:
            ids.append(token)
    return ids


def _lookup(key: dict | None, value, what: str):
    """Translate one opaque id to its bank index (legacy attempts without a key pass through)."""
    if key is None:
        return value
    if not isinstance(value, str) or value not in key:
        raise ResponseError(f"{what} must be one of this question's ids")
    return key[value]


class QuestionType:
    name = ""          # the schema's `type`
    label = ""         # what pages, exports and charts call it (Chinese)
    model: Any = None  # the pydantic model of its YAML (a subclass of content.schema.QuestionBase)
    red_line = False   # may be a must-pass exam question (needs an exact, objective answer)
    one_correct = False  # exactly one right option (item-writing checks: the longest option cue)
    xapi_interaction = "other"  # its xAPI cmi.interaction type (exported training records)
    free_text = False  # graded by meaning: `grade` needs the project's key-point matcher
    form_fields = ""   # its form fields on the quiz page (Jinja source; see web/training.question_fields)

    @classmethod
    def base_view(cls, question) -> dict:
        return {"id": question.id, "type": question.type, "label": cls.label, "prompt": question.prompt,
                "chapter": question.chapter, "difficulty": question.difficulty}

    @classmethod
    def present(cls, question, rng: random.Random) -> dict:
        return cls.present_keyed(question, rng)[0]

    @classmethod
    def present_keyed(cls, question, rng: random.Random) -> tuple[dict, dict]:
        """(view for the client, key kept on the server: opaque id -> bank index, per list)."""
        return cls.base_view(question), {}

    @classmethod
    def to_bank(cls, question, key: dict | None, response):
        """A client response (opaque ids) as a bank response (indexes); ResponseError when it does not fit."""
        return response

    @classmethod
    def grade(cls, question, response, matcher=None) -> Grade:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def sample_response(cls, view: dict, rng: random.Random) -> dict:
        """A well-formed client response to a presented view (its opaque ids), right or wrong: what
        `casebook bench load` sends for an agent who answers."""
        return {}

    @classmethod
    def right_answer(cls, question) -> dict:
        """The right answer, as a response would carry it (for review pages)."""
        raise NotImplementedError  # pragma: no cover

    @classmethod
    def describe(cls, question, response: dict) -> str:
        """A bank response in words (Chinese), for review pages; KeyError/IndexError/TypeError/
        ValueError when it does not fit (the caller says so)."""
        return str(response)

    @classmethod
    def describe_right(cls, question) -> str:
        return cls.describe(question, cls.right_answer(question))

    @classmethod
    def from_form(cls, question, presented: dict, get: Callable[[str], str],
                  getlist: Callable[[str], list[str]]) -> dict | None:
        """The client response a server-rendered form posted for this question (its opaque ids, as
        `presented` shows them); None when it was left unanswered. `get`/`getlist` read one field."""
        raise NotImplementedError  # pragma: no cover


def _keyed(texts: list[str], rng) -> tuple[list[dict], dict]:
    """The texts in a shuffled order, each under a fresh opaque id; and the id -> index key."""
    order = list(range(len(texts)))
    rng.shuffle(order)
    ids = new_ids(len(order))
    return [{"id": k, "text": texts[i]} for k, i in zip(ids, order)], dict(zip(ids, order))


def form_int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class OptionsType(QuestionType):
    """Question types answered by picking from the options, shown in a shuffled order."""

    @classmethod
    def present_keyed(cls, question, rng):
        options, key = _keyed([o.text for o in question.options], rng)
        return {**cls.base_view(question), "options": options}, {"options": key}



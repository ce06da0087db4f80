"""Using question types (one module each in question_types/): look a type up, present, translate, grade.

Like CTFd's CHALLENGE_CLASSES: ``QUESTION_TYPES[type]`` is the class for a schema ``type``.
``present(question, rng)`` returns a JSON-able view *without answers* (options shuffled);
``grade(question, response)`` returns a Grade with a score in 0..1.

Two vocabularies:

- **Bank responses** (what ``grade`` takes) name options, items and pairs by their index in the
  question bank: single ``{"choice": i}``, multiple ``{"choices": [i, ...]}``, true_false
  ``{"answer": bool}``, ordering ``{"order": [i, ...]}`` (all items, in the agent's order),
  matching ``{"matches": {"<left i>": <right i>}}``, short_answer ``{"text": "..."}``.
- **Client responses** (what the API and the pages send) use the same shapes, but every option,
  item, left and right is named by an *opaque id* that ``present_keyed`` draws at random for each
  attempt; the id → bank index map (the "key") stays on the server with the attempt, and
  ``to_bank`` translates a client response before grading. A payload therefore carries nothing
  about the answer: neither the bank order, nor a pairing, nor a sortable position.

Matching is graded by value: a left side is right when the chosen right-hand text is the text of
its own pair, so a repeated right-hand answer is never marked wrong (and is shown once).
"""
from __future__ import annotations

import random

from ..content.question_types import QUESTION_TYPES, Grade, QuestionType, ResponseError

__all__ = ["QUESTION_TYPES", "Grade", "QuestionType", "ResponseError", "grade", "present", "present_keyed",
           "question_type", "to_bank"]


def question_type(question) -> type[QuestionType]:
    try:
        return QUESTION_TYPES[question.type]
    except KeyError:
        raise ResponseError(f"unknown question type '{question.type}'") from None


def present(question, rng: random.Random | None = None) -> dict:
    return question_type(question).present(question, rng or random.SystemRandom())


def present_keyed(question, rng: random.Random | None = None) -> tuple[dict, dict]:
    """The client view (opaque ids, shuffled) and the server-side key for one question."""
    return question_type(question).present_keyed(question, rng or random.SystemRandom())


def to_bank(question, key: dict | None, response) -> dict:
    """Translate a client response (opaque ids) into bank indexes using the attempt's key."""
    return question_type(question).to_bank(question, key, response)


def grade(question, response, matcher=None) -> Grade:
    """Grade a bank response. `matcher` (scoring.point_matcher(project)) judges free-text answers;
    types with exact answers ignore it."""
    return question_type(question).grade(question, response, matcher)

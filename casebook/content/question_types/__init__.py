"""Question types, one module each (CTFd's CHALLENGE_CLASSES pattern).

Adding a type means writing one module here — its YAML schema (`model`), presentation, grading,
the right answer, how answers read and how a form posts them — plus its tests, and naming its
class in TYPES below. Nothing registers itself by being imported: this list is the registry.
"""
from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from ..schema import Strict
from .base import Grade, QuestionType, ResponseError, new_ids
from .matching import Matching, MatchingType
from .multiple import MultipleChoice, MultipleChoiceType
from .ordering import Ordering, OrderingType
from .short_answer import ShortAnswer, ShortAnswerType
from .single import SingleChoice, SingleChoiceType
from .true_false import TrueFalse, TrueFalseType

TYPES: tuple[type[QuestionType], ...] = (SingleChoiceType, MultipleChoiceType, TrueFalseType, OrderingType,
                                         MatchingType, ShortAnswerType)

QUESTION_TYPES: dict[str, type[QuestionType]] = {cls.name: cls for cls in TYPES}
#: What pages, exports and charts call each question type (never the raw `matching`/`short_answer`).
QUESTION_TYPE_LABELS: dict[str, str] = {cls.name: cls.label for cls in TYPES}
#: Types that may be must-pass exam questions (an exact, objective answer).
RED_LINE_TYPES: tuple[str, ...] = tuple(cls.name for cls in TYPES if cls.red_line)

#: One question of a quiz file: the model its `type` names.
Question = Annotated[Union[tuple(cls.model for cls in TYPES)], Field(discriminator="type")]


class QuizFile(Strict):
    questions: Annotated[list[Question], Field(min_length=1)]


__all__ = ["Grade", "Matching", "MultipleChoice", "Ordering", "QUESTION_TYPES", "QUESTION_TYPE_LABELS",
           "QuestionType", "QuizFile", "RED_LINE_TYPES", "ResponseError", "ShortAnswer", "SingleChoice", "TYPES",
           "TrueFalse", "Question", "new_ids"]

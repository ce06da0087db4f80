"""The quiz engine: question types and grading, draws, statistics, attempts. No Flask here."""
from .types import QUESTION_TYPES, Grade, grade, present, question_type

__all__ = ["QUESTION_TYPES", "Grade", "grade", "present", "question_type"]

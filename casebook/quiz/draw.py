"""Draws: practice quizzes by chapter, tag or difficulty (unseen questions first), and the
certification exam from its blueprint (quiz/exam/exam.yml)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

EXAM_FILE = "quiz/exam/exam.yml"


class DrawError(ValueError):
    pass


@dataclass
class ExamConfig:
    blueprint: dict[str, int] = field(default_factory=dict)   # chapter code -> questions
    time_limit_min: float = 45
    pass_mark: float = 0.8


def load_exam_config(project) -> ExamConfig:
    """The exam blueprint from the validated content (quiz/exam/exam.yml); without a valid
    file, 2 questions per chapter, 45 minutes, 80%. Problems in the file are lint errors."""
    exam = getattr(project, "exam", None)
    if exam is None:
        return ExamConfig(blueprint={c.code: 2 for c in project.chapters})
    return ExamConfig(blueprint=dict(exam.obj.blueprint), time_limit_min=exam.obj.time_limit_min,
                      pass_mark=exam.obj.pass_mark)


def check_exam_config(project) -> list[str]:
    """Exam problems found by lint (kept for callers that want them as strings)."""
    return [p.format() for p in project.problems if p.path == EXAM_FILE]


def _unseen_first(candidates: list[str], seen: set[str], count: int, rng: random.Random) -> list[str]:
    unseen = [q for q in candidates if q not in seen]
    old = [q for q in candidates if q in seen]
    rng.shuffle(unseen)
    rng.shuffle(old)
    return (unseen + old)[:count]


def practice(project, *, seen: set[str] = frozenset(), chapter: str | None = None, tag: str | None = None,
             difficulty: int | None = None, count: int = 10, rng: random.Random | None = None) -> list[str]:
    """Question IDs for a practice quiz, questions the agent has not seen first."""
    rng = rng or random.Random()
    candidates = sorted(
        qid for qid, q in project.questions.items()
        if (chapter is None or q.obj.chapter == chapter)
        and (tag is None or tag in q.obj.tags)
        and (difficulty is None or q.obj.difficulty == difficulty))
    if not candidates:
        raise DrawError("没有符合条件的题目")
    return _unseen_first(candidates, set(seen), count, rng)


def exam(project, config: ExamConfig, *, seen: set[str] = frozenset(), rng: random.Random | None = None) -> list[str]:
    """Question IDs for the exam: the blueprint's count from each chapter, in chapter order."""
    rng = rng or random.Random()
    chosen: list[str] = []
    for code, n in config.blueprint.items():
        pool = sorted(qid for qid, q in project.questions.items() if q.obj.chapter == code)
        if len(pool) < n:
            raise DrawError(f"章节 {code} 题目不足（需要 {n}，只有 {len(pool)}）")
        chosen.extend(_unseen_first(pool, set(seen), n, rng))
    return chosen

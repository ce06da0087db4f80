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
    red_line: list[str] = field(default_factory=list)   # must-pass question IDs (exam.yml red_line)
    red_line_per_exam: int = 0


def load_exam_config(project) -> ExamConfig:
    """The exam blueprint from the validated content (quiz/exam/exam.yml); without a valid
    file, 2 questions per chapter, 45 minutes, 80%. Problems in the file are lint errors."""
    exam = getattr(project, "exam", None)
    if exam is None:
        return ExamConfig(blueprint={c.code: 2 for c in project.chapters})
    red = exam.obj.red_line
    return ExamConfig(blueprint=dict(exam.obj.blueprint), time_limit_min=exam.obj.time_limit_min,
                      pass_mark=exam.obj.pass_mark, red_line=list(red.questions) if red else [],
                      red_line_per_exam=red.per_exam if red else 0)


def red_line_drawn(config: ExamConfig, ids: list[str]) -> list[str]:
    """The must-pass questions among an exam's question IDs."""
    red = set(config.red_line)
    return [qid for qid in ids if qid in red]


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
    """Question IDs for the exam: the blueprint's count from each chapter, in chapter order.
    The red-line (must-pass) questions are drawn first and count towards their chapter's share."""
    rng = rng or random.Random()
    red_pool = sorted(qid for qid in config.red_line if qid in project.questions
                      and project.questions[qid].obj.chapter in config.blueprint)
    red: set[str] = set()
    taken: dict[str, int] = {}
    for qid in _unseen_first(red_pool, set(seen), len(red_pool), rng):
        code = project.questions[qid].obj.chapter
        if len(red) < config.red_line_per_exam and taken.get(code, 0) < config.blueprint[code]:
            red.add(qid)   # never more red-line questions in a chapter than its share of the exam
            taken[code] = taken.get(code, 0) + 1
    chosen: list[str] = []
    for code, n in config.blueprint.items():
        pool = sorted(qid for qid, q in project.questions.items() if q.obj.chapter == code)
        if len(pool) < n:
            raise DrawError(f"章节 {code} 题目不足（需要 {n}，只有 {len(pool)}）")
        fixed = [qid for qid in pool if qid in red]
        listed = set(config.red_line)
        # other listed red-line questions only when the chapter has too few ordinary ones
        rest = _unseen_first([q for q in pool if q not in listed], set(seen), n - len(fixed), rng)
        rest += _unseen_first([q for q in pool if q in listed and q not in red], set(seen), n - len(fixed) - len(rest), rng)
        chosen.extend(fixed + rest)
    return chosen

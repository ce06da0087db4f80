"""Agreement between trainers and the scorer, between trainers, and the gates it opens (pure).

Input rows are trainer grades of stored criteria: `Grade(attempt, criterion, kind, auto, grader, status)`.

- scorer vs trainer: one pair per grade row (the scorer's status, the trainer's), per criterion kind;
- trainer vs trainer: one pair per two trainers who graded the same criterion of the same attempt
  (the lower grader id first), per kind;
- a gate per kind: closed ("需人工复核") when at least `min_n` criteria were graded and Cohen's kappa
  of scorer vs trainer is below `min_kappa`. A closed kind is marked on reports and left out of
  certification decisions until enough agreeing grades bring kappa back up.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import combinations
from typing import NamedTuple

from ..scoring.agreement import cohen_kappa
from ..scoring.rubric import KINDS, kind_label as _raw_label

MIN_KAPPA = 0.6
MIN_N = 30


class Grade(NamedTuple):
    attempt: int
    criterion: int
    kind: str
    auto: str
    grader: int
    status: str


def kind_label(kind: str) -> str:
    """The Chinese name of a criterion kind (never the raw key on a page)."""
    return _raw_label(kind) if kind in KINDS else "其他评分项"


def _summary(pairs: dict[str, tuple[list[str], list[str]]]) -> dict[str, dict]:
    out = {}
    for kind, (a, b) in sorted(pairs.items()):
        kappa = cohen_kappa(a, b)
        out[kind] = {"kind": kind, "label": kind_label(kind), "n": len(a),
                     "agreement": round(sum(x == y for x, y in zip(a, b)) / len(a), 3) if a else None,
                     "kappa": None if kappa is None else round(kappa, 3)}
    return out


def scorer_pairs(grades: list[Grade]) -> dict[str, tuple[list[str], list[str]]]:
    pairs: dict[str, tuple[list[str], list[str]]] = {}
    for g in grades:
        a, b = pairs.setdefault(g.kind, ([], []))
        a.append(g.auto)
        b.append(g.status)
    return pairs


def trainer_pairs(grades: list[Grade]) -> dict[str, tuple[list[str], list[str]]]:
    by_item: dict[tuple[int, int], dict[int, Grade]] = {}
    for g in grades:
        by_item.setdefault((g.attempt, g.criterion), {})[g.grader] = g
    pairs: dict[str, tuple[list[str], list[str]]] = {}
    for (_attempt, _criterion), graders in sorted(by_item.items()):
        for x, y in combinations(sorted(graders), 2):
            a, b = pairs.setdefault(graders[x].kind, ([], []))
            a.append(graders[x].status)
            b.append(graders[y].status)
    return pairs


@dataclass
class Gate:
    kind: str
    label: str
    n: int
    kappa: float | None
    closed: bool          # True: 需人工复核, left out of certification decisions
    reason: str

    @property
    def state(self) -> str:
        return "closed" if self.closed else "open"

    def as_dict(self) -> dict:
        return {**asdict(self), "state": self.state}


def gate(kind: str, n: int, kappa: float | None, min_kappa: float = MIN_KAPPA, min_n: int = MIN_N) -> Gate:
    label = kind_label(kind)
    if n < min_n:
        return Gate(kind, label, n, kappa, False, f"样本不足（{n} < {min_n}），暂不判定")
    if kappa is None or kappa < min_kappa:
        shown = "无法计算" if kappa is None else f"{kappa:.2f}"
        return Gate(kind, label, n, kappa, True, f"κ = {shown} < {min_kappa:g}：需人工复核")
    return Gate(kind, label, n, kappa, False, f"κ = {kappa:.2f} ≥ {min_kappa:g}：可信")


def gates(grades: list[Grade], min_kappa: float = MIN_KAPPA, min_n: int = MIN_N) -> list[Gate]:
    """One gate per criterion kind that trainers graded."""
    return [gate(kind, len(a), cohen_kappa(a, b), min_kappa, min_n)
            for kind, (a, b) in sorted(scorer_pairs(grades).items())]


def closed_kinds(all_gates: list[Gate]) -> set[str]:
    return {g.kind for g in all_gates if g.closed}


def tables(grades: list[Grade], min_kappa: float = MIN_KAPPA, min_n: int = MIN_N) -> dict:
    """Everything the calibration page and API show: per kind scorer–trainer and trainer–trainer
    agreement, and the gates."""
    return {"scorer": _summary(scorer_pairs(grades)), "trainers": _summary(trainer_pairs(grades)),
            "gates": [g.as_dict() for g in gates(grades, min_kappa, min_n)],
            "min_kappa": min_kappa, "min_n": min_n, "grades": len(grades),
            "attempts": len({g.attempt for g in grades}), "graders": len({g.grader for g in grades})}

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

from collections import Counter
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import NamedTuple

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


#: kind -> (first rater's label, second rater's label) -> how many criteria
Counts = dict[str, dict[tuple[str, str], int]]


def kappa_of(table: dict[tuple[str, str], int]) -> float | None:
    """Cohen's kappa from a contingency table {(a, b): n} (the same figure as scoring.agreement.cohen_kappa
    on the lists the table counts)."""
    n = sum(table.values())
    if n == 0:
        return None
    observed = sum(c for (a, b), c in table.items() if a == b) / n
    first: Counter = Counter()
    second: Counter = Counter()
    for (a, b), c in table.items():
        first[a] += c
        second[b] += c
    expected = sum(first[k] * second[k] for k in set(first) | set(second)) / (n * n)
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else None
    return (observed - expected) / (1 - expected)


def _summary(counts: Counts) -> dict[str, dict]:
    out = {}
    for kind, table in sorted(counts.items()):
        n = sum(table.values())
        kappa = kappa_of(table)
        out[kind] = {"kind": kind, "label": kind_label(kind), "n": n,
                     "agreement": round(sum(c for (a, b), c in table.items() if a == b) / n, 3) if n else None,
                     "kappa": None if kappa is None else round(kappa, 3)}
    return out


def _add(counts: Counts, kind: str, a: str, b: str, n: int = 1) -> None:
    table = counts.setdefault(kind, {})
    table[(a, b)] = table.get((a, b), 0) + n


def scorer_counts(grades: list[Grade]) -> Counts:
    counts: Counts = {}
    for g in grades:
        _add(counts, g.kind, g.auto, g.status)
    return counts


def trainer_counts(grades: list[Grade]) -> Counts:
    by_item: dict[tuple[int, int], dict[int, Grade]] = {}
    for g in grades:
        by_item.setdefault((g.attempt, g.criterion), {})[g.grader] = g
    counts: Counts = {}
    for (_attempt, _criterion), graders in sorted(by_item.items()):
        for x, y in combinations(sorted(graders), 2):
            _add(counts, graders[x].kind, graders[x].status, graders[y].status)
    return counts


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


def gates_from(counts: Counts, min_kappa: float = MIN_KAPPA, min_n: int = MIN_N) -> list[Gate]:
    """One gate per criterion kind that trainers graded, from scorer-vs-trainer counts."""
    return [gate(kind, sum(table.values()), kappa_of(table), min_kappa, min_n) for kind, table in sorted(counts.items())]


def gates(grades: list[Grade], min_kappa: float = MIN_KAPPA, min_n: int = MIN_N) -> list[Gate]:
    return gates_from(scorer_counts(grades), min_kappa, min_n)


def closed_kinds(all_gates: list[Gate]) -> set[str]:
    return {g.kind for g in all_gates if g.closed}


def tables_from(scorer: Counts, trainers: Counts, *, grades: int, attempts: int, graders: int,
                min_kappa: float = MIN_KAPPA, min_n: int = MIN_N) -> dict:
    """Everything the calibration page and API show: per kind scorer–trainer and trainer–trainer
    agreement, and the gates."""
    return {"scorer": _summary(scorer), "trainers": _summary(trainers),
            "gates": [g.as_dict() for g in gates_from(scorer, min_kappa, min_n)],
            "min_kappa": min_kappa, "min_n": min_n, "grades": grades, "attempts": attempts, "graders": graders}


def tables(grades: list[Grade], min_kappa: float = MIN_KAPPA, min_n: int = MIN_N) -> dict:
    return tables_from(scorer_counts(grades), trainer_counts(grades), grades=len(grades),
                       attempts=len({g.attempt for g in grades}), graders=len({g.grader for g in grades}),
                       min_kappa=min_kappa, min_n=min_n)

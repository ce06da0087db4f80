"""Agreement between automatic and human grades: Cohen's kappa and Pearson correlation."""
from __future__ import annotations

from collections import Counter

from ..correlation import pearson  # noqa: F401 (also used by callers of this module)


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa of two raters' labels on the same items (None when undefined)."""
    if len(a) != len(b):
        raise ValueError("both raters must grade the same items")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else None
    return (observed - expected) / (1 - expected)


def human_total(criteria: list[dict], grades: dict[int, str]) -> float:
    """The 0-100 total with the trainer's statuses in place of the automatic ones (ungraded kept)."""
    passed = weight = 0.0
    for i, c in enumerate(criteria):
        status = grades.get(i, c["status"])
        if status == "na":
            continue
        weight += c["weight"]
        passed += c["weight"] if status == "pass" else 0
    return round(100 * passed / weight, 1) if weight else 100.0


def agreement(graded: list[tuple[list[dict], dict[int, str], float]]) -> dict:
    """Per criterion kind Cohen's kappa and the correlation of totals.

    `graded`: for each graded attempt, (its report criteria, {criterion index: human status}, automatic total).
    """
    by_kind: dict[str, tuple[list[str], list[str]]] = {}
    auto_totals, human_totals = [], []
    for criteria, grades, auto_total in graded:
        for i, status in grades.items():
            if 0 <= i < len(criteria):
                kind = criteria[i]["kind"]
                pair = by_kind.setdefault(kind, ([], []))
                pair[0].append(criteria[i]["status"])
                pair[1].append(status)
        auto_totals.append(auto_total)
        human_totals.append(human_total(criteria, grades))
    kinds = {}
    for kind, (auto, human) in sorted(by_kind.items()):
        kappa = cohen_kappa(auto, human)
        kinds[kind] = {"n": len(auto), "agreement": round(sum(x == y for x, y in zip(auto, human)) / len(auto), 3),
                       "kappa": None if kappa is None else round(kappa, 3)}
    r = pearson(auto_totals, human_totals)
    return {"attempts": len(graded), "kinds": kinds, "totals_correlation": None if r is None else round(r, 3),
            "auto_totals": auto_totals, "human_totals": human_totals}

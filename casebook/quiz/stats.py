"""Item statistics as Moodle's quiz statistics define them.

Input: a response matrix, one row per (submitted) attempt, one column per question, each cell a
score in 0..1 or None when that attempt did not include the question.
- facility index: mean score of the question, in %.
- discrimination index: item–rest correlation, Pearson r between the question's score and the
  attempt's total on the *other* questions, in %. Negative → the question is flagged, but only once
  it has at least `min_responses` responses (Moodle's rule: a handful of answers, perhaps all from
  one agent, says nothing about a question; MIN_RESPONSES = 20 unless the caller says otherwise).
- Cronbach's alpha for a quiz whose attempts all have the same questions:
  k/(k-1) · (1 − Σ var(item) / var(total)), population variances.
"""
from __future__ import annotations

import csv
import io
import math

from ..correlation import pearson  # noqa: F401 (also used by callers of this module)

#: Responses a question (or a scenario criterion) needs before any discrimination flag.
MIN_RESPONSES = 20


def _mean(xs):
    return sum(xs) / len(xs)


def _var(xs):
    m = _mean(xs)
    return sum((x - m) ** 2 for x in xs) / len(xs)


def item_statistics(rows: list[dict[str, float]], min_responses: int = MIN_RESPONSES) -> list[dict]:
    """rows: attempt -> {question_id: score}. Returns one dict per question, sorted by ID.
    `negative_discrimination` is set only from `min_responses` responses on; `enough_responses` says
    whether the question has that many."""
    # one pass over the answers: each question's scores and, beside each, the rest of its attempt
    # (the attempt's total minus this answer, rounded so that float noise never fakes a variance)
    by_question: dict[str, tuple[list[float], list[float]]] = {}
    for row in rows:
        total = math.fsum(v for v in row.values() if v is not None)
        for q, v in row.items():
            if v is None:
                continue
            scores, rests = by_question.setdefault(q, ([], []))
            scores.append(v)
            rests.append(round(total - v, 9))
    result = []
    for q in sorted(by_question):
        scores, rests = by_question[q]
        r = pearson(scores, rests)
        result.append({"question_id": q, "attempts": len(scores),
                       "facility": round(100 * _mean(scores), 2) if scores else None,
                       "discrimination": round(100 * r, 2) if r is not None else None,
                       "enough_responses": len(scores) >= min_responses,
                       "negative_discrimination": r is not None and r < 0 and len(scores) >= min_responses})
    return result


def cronbach_alpha(rows: list[list[float]]) -> float | None:
    """rows: attempts × items (same items, same order). None when undefined."""
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    item_vars = sum(_var([row[i] for row in rows]) for i in range(k))
    total_var = _var([sum(row) for row in rows])
    if total_var == 0:
        return None
    return k / (k - 1) * (1 - item_vars / total_var)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value):
    """A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR...) gets a leading
    apostrophe, so it is shown as text (OWASP's CSV-injection advice). Numbers stay numbers."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(records: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({key: safe_cell(value) for key, value in record.items()})
    return out.getvalue()

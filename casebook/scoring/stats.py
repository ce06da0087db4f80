"""Item statistics for branching scenarios (plain Python, no Flask, no store).

Input: the reports (`Report.as_dict()`) of the finished attempts at one scenario. Each criterion of
a report is identified across attempts by (step, kind, label). Per step and criterion:

- responses: attempts where the criterion applied (status pass or fail; `na` is left out);
- facility: share of those responses that passed, in %;
- discrimination: point-biserial correlation between passing the criterion (1/0) and the attempt's
  total score, in % (Pearson r of a 0/1 variable against the total; undefined when everyone passed,
  everyone failed or every total is the same);
- points lost: the sum of the criterion's deductions over the responses, and their mean per response
  (where in a scenario agents lose points);
- flags, only from `min_responses` responses on (Moodle's rule; MIN_RESPONSES by default):
  `never_fails` (facility 100 %), `always_fails` (facility 0 %), `negative_discrimination` (r < 0:
  the agents who do well overall fail it more often than those who do badly).

Per step: how many attempts reached it and which step followed (branch frequencies, `None` = the
scenario ended there), from each report's `path`.
"""
from __future__ import annotations

from collections import Counter

from ..correlation import pearson
from ..quiz.stats import MIN_RESPONSES

FLAGS = {
    "never_fails": "从未失分",
    "always_fails": "总是失分",
    "negative_discrimination": "负区分度",
}


def _pct(x: float) -> float:
    return round(100 * x, 2)


def scenario_statistics(reports: list[dict], step_order: list[str] | None = None,
                        min_responses: int = MIN_RESPONSES) -> dict:
    """Statistics of one scenario's finished attempts (see the module docstring)."""
    totals = [float(r.get("score") or 0.0) for r in reports]
    reached: Counter = Counter()
    following: dict[str, Counter] = {}
    order: list[str] = list(step_order or [])
    for report in reports:
        path = list(report.get("path") or [])
        if not path:
            path = list(dict.fromkeys(c.get("step") for c in report.get("criteria") or [] if c.get("step")))
        for i, step in enumerate(path):
            if step not in order:
                order.append(step)
            reached[step] += 1
            following.setdefault(step, Counter())[path[i + 1] if i + 1 < len(path) else None] += 1
    # criterion -> list of (attempt index, passed, deduction)
    seen: dict[tuple, list[tuple[int, bool, float]]] = {}
    for index, report in enumerate(reports):
        for c in report.get("criteria") or []:
            key = (c.get("step") or "", c.get("kind") or "", c.get("label") or "")
            entries = seen.setdefault(key, [])
            if c.get("status") in ("pass", "fail"):
                entries.append((index, c["status"] == "pass", float(c.get("deduction") or 0.0)))
            if key[0] not in order:
                order.append(key[0])
    steps = []
    for step in order:
        n = reached[step]
        branches = [{"next": nxt, "count": count, "share": _pct(count / n) if n else None}
                    for nxt, count in sorted(following.get(step, Counter()).items(),
                                             key=lambda kv: (-kv[1], kv[0] or ""))]
        criteria = [_criterion(key, entries, totals, min_responses)
                    for key, entries in seen.items() if key[0] == step]
        steps.append({"step": step, "reached": n, "branches": branches, "criteria": criteria,
                      "points_lost": round(sum((c["points_lost"] for c in criteria), 0.0), 2)})
    return {"attempts": len(reports), "min_responses": min_responses,
            "mean_score": round(sum(totals) / len(totals), 2) if totals else None, "steps": steps}


def _criterion(key: tuple, entries: list[tuple[int, bool, float]], totals: list[float], min_responses: int) -> dict:
    step, kind, label = key
    n = len(entries)
    passes = sum(1 for _, ok, _ in entries if ok)
    lost = sum((d for _, ok, d in entries if not ok), 0.0)
    r = pearson([1.0 if ok else 0.0 for _, ok, _ in entries], [totals[i] for i, _, _ in entries]) if n else None
    flags = []
    if n >= min_responses:
        if passes == n:
            flags.append("never_fails")
        if passes == 0:
            flags.append("always_fails")
        if r is not None and r < 0:
            flags.append("negative_discrimination")
    return {"step": step, "kind": kind, "label": label, "responses": n, "passes": passes,
            "facility": _pct(passes / n) if n else None,
            "discrimination": _pct(r) if r is not None else None,
            "points_lost": round(lost, 2), "mean_points_lost": round(lost / n, 2) if n else None,
            "enough_responses": n >= min_responses, "flags": flags}


def kind_pass_rates(reports: list[dict]) -> list[dict]:
    """Across any scenarios: per criterion kind, applicable responses and the share passing (%)."""
    counts: dict[str, list[int]] = {}
    for report in reports:
        for c in report.get("criteria") or []:
            if c.get("status") in ("pass", "fail"):
                pair = counts.setdefault(c.get("kind") or "", [0, 0])
                pair[0] += 1
                pair[1] += c["status"] == "pass"
    return [{"kind": kind, "responses": n, "passes": p, "pass_rate": _pct(p / n)}
            for kind, (n, p) in sorted(counts.items())]

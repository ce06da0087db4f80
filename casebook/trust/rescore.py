"""Recompute a stored scenario score with some criteria overridden (pure, no scorer run).

A trainer who accepts a dispute, or a certification decision that leaves out criterion kinds whose
agreement with trainers is too low, changes the status of criteria in a report the scorer already
wrote. This module applies the scorer's own arithmetic (scoring.scorer.Scorer.aggregate) to the
report's criteria and caps with those statuses changed:

- each step starts at 100 and loses the deduction of every failed criterion (key points together at
  most Settings.key_point_max: scoring.rubric.step_score, shared with the scorer); a criterion that the
  scorer passed and a trainer fails loses the deduction the scorer's Settings give its kind;
- the transcript blends the mean and the worst step (Settings.worst_step_weight);
- a cap is dropped when the criterion it came from no longer fails, and added when a trainer fails
  an action criterion (missing, forbidden, quoting) the scorer had passed; caps compound;
- a critical failure still sets the score to the critical score (criticals are not criteria).

`rescore(report, {})` gives back the stored score (tests hold it to that on every golden).
"""
from __future__ import annotations

import re

from ..scoring.rubric import (ESSENTIAL_MISSED, FAIL, FEW_POINTS, NA, PASS, STATUSES, Settings, step_score,
                              transcript_score)

CONTRADICTION = re.compile(r"^回复「.*」与要点「(?P<point>.*)」相反$", re.S)
ESSENTIAL = re.compile("^" + ESSENTIAL_MISSED + r"「(?P<point>.*?)」", re.S)
REPLY_ACTIONS = ("reply", "private_message")


def _settings() -> Settings:
    from ..scoring.scorer import SETTINGS
    return SETTINGS


def _action_of(label: str) -> str:
    return re.sub(r"^执行\s*", "", label or "").strip()


def default_deduction(criterion: dict, st: Settings) -> float:
    """What failing this criterion costs its step, when the scorer had not failed it."""
    kind, label = criterion.get("kind"), criterion.get("label", "")
    if kind == "key_points":
        return st.key_point
    if kind == "avoid":
        return st.avoid
    if kind == "response_time":
        return st.late
    if kind == "tone":
        if label == "篇幅适中":
            return 0.0
        if "您" in label:
            return st.honorific
        return st.tone
    return 0.0  # actions and quoting cap the transcript instead


def default_cap(criterion: dict, st: Settings) -> tuple[str, float] | None:
    """The cap failing this criterion brings, when the scorer had not failed it."""
    kind, label = criterion.get("kind"), criterion.get("label", "")
    if kind == "required_actions":
        action = _action_of(label)
        if action.split(":", 1)[0] in REPLY_ACTIONS:
            return "应回复成员却没有回复", st.cap_no_reply
        return f"缺少必做动作：{action}", st.cap_missing
    if kind == "forbidden_actions":
        return "培训师判定执行了禁止动作", st.cap_forbidden
    if kind == "quoting":
        return "培训师判定回复原样复述了成员的原话", st.cap_quoting
    return None


def cap_source(cap: dict, criteria: list[dict]) -> int | None:
    """The index of the criterion a stored cap came from (None: a cap no single criterion explains,
    such as keyword stuffing)."""
    step, reason = cap.get("step"), cap.get("reason", "")
    here = [(i, c) for i, c in enumerate(criteria) if c.get("step") == step and c.get("status") == FAIL]

    def first(pred):
        return next((i for i, c in here if pred(c)), None)

    if reason == "应回复成员却没有回复":
        return first(lambda c: c["kind"] == "required_actions" and _action_of(c["label"]).split(":")[0] in REPLY_ACTIONS)
    if reason.startswith("缺少必做动作："):
        action = reason.split("：", 1)[1]
        return first(lambda c: c["kind"] == "required_actions" and _action_of(c["label"]) == action)
    if reason.startswith("执行了禁止动作"):
        return first(lambda c: c["kind"] == "forbidden_actions")
    if reason.startswith("回复复述了"):
        return first(lambda c: c["kind"] == "quoting")
    if reason.startswith("响应严重超时"):
        return first(lambda c: c["kind"] == "response_time")
    if reason.startswith("回复约"):
        return first(lambda c: c["kind"] == "tone" and c["label"] == "篇幅适中")
    found = CONTRADICTION.match(reason) or ESSENTIAL.match(reason)
    if found:
        return first(lambda c: c["kind"] == "key_points" and c["label"] == found.group("point"))
    return None


def _few_points(criteria: list[dict], step, st: Settings) -> bool:
    """The step's reply conveys at most `few_points_share` of its key points (with the statuses in force)."""
    points = [c for c in criteria if c.get("step") == step and c.get("kind") == "key_points" and c["status"] != NA]
    return bool(points) and sum(c["status"] == PASS for c in points) <= st.few_points_share * len(points)


def rescore(report: dict, overrides: dict[int, str], settings: Settings | None = None) -> dict:
    """The report's score with `overrides` ({criterion index: pass|fail|na}) in place of the scorer's
    statuses. Returns {score, raw, caps, criteria, changed}: criteria carry `status` (the effective one),
    `auto_status` and `overridden`."""
    st = settings or _settings()
    original = report.get("criteria") or []
    for index, status in overrides.items():
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if not 0 <= index < len(original):
            raise ValueError(f"no criterion {index}")
    criteria = []
    for i, c in enumerate(original):
        status = overrides.get(i, c.get("status", NA))
        changed = status != c.get("status")
        entry = {**c, "status": status, "auto_status": c.get("status"), "overridden": i in overrides and changed}
        if status == FAIL:
            entry["deduction"] = c.get("deduction", 0.0) if c.get("status") == FAIL else default_deduction(c, st)
        else:
            entry["deduction"] = 0.0
        criteria.append(entry)
    caps = []
    for cap in report.get("caps") or []:
        source = cap_source(cap, original)
        if source is not None and criteria[source]["status"] != FAIL:
            continue
        if cap.get("reason", "").startswith(FEW_POINTS) and not _few_points(criteria, cap.get("step"), st):
            continue
        caps.append(dict(cap))
    if st.cap_few_points < 100 and not any(c.get("reason", "").startswith(FEW_POINTS) for c in caps):
        for step in dict.fromkeys(c.get("step") for c in criteria if c["overridden"] and c.get("kind") == "key_points"):
            if _few_points(criteria, step, st):
                points = [c for c in criteria if c.get("step") == step and c.get("kind") == "key_points"]
                caps.append({"step": step, "reason": f"{FEW_POINTS}（培训师判定）", "cap": st.cap_few_points,
                             "rule": points[0].get("rule")})
                break
    for i, c in enumerate(criteria):
        if c["overridden"] and c["status"] == FAIL and c["auto_status"] != FAIL:
            extra = default_cap(c, st)
            if extra:
                caps.append({"step": c.get("step"), "reason": extra[0], "cap": extra[1], "rule": c.get("rule")})
    steps = list(report.get("path") or [])
    for c in criteria:
        if c.get("step") not in steps:
            steps.append(c.get("step"))
    step_scores = [step_score([(c.get("kind"), c["deduction"]) for c in criteria if c.get("step") == s], st)
                   for s in steps]
    score, raw = transcript_score(step_scores, [cap["cap"] for cap in caps], st)
    if report.get("critical"):
        score = st.critical_score
    return {"score": round(score, 1), "raw": raw, "caps": sorted(caps, key=lambda c: c["cap"]), "criteria": criteria,
            "changed": sorted(i for i, c in enumerate(criteria) if c["overridden"])}


def without_kinds(report: dict, kinds: set[str], overrides: dict[int, str] | None = None) -> dict[int, str]:
    """Overrides that leave out every criterion of `kinds` (as not applicable), on top of `overrides`."""
    out = dict(overrides or {})
    for i, c in enumerate(report.get("criteria") or []):
        if c.get("kind") in kinds and i not in out:
            out[i] = NA
    return out


__all__ = ["rescore", "without_kinds", "cap_source", "default_deduction", "PASS", "FAIL", "NA"]

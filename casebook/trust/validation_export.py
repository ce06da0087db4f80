"""Add a resolved scenario dispute to the scorer's validation set with one click.

The transcript goes to cases/validation/CASE-NNN.disputes.yml (`round: disputes`), graded by the
trainer who resolved it: the grade is the recomputed score, and the step's verdict of the disputed
criterion's kind is the trainer-corrected one. These transcripts are not blind (the trainer saw the
scorer's verdict), so the validator reports them as a group of their own and never tunes on them
(scoring.validation.validate_project; tune uses round 1 only).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml

from ..scoring.rubric import NA, PASS
from ..store.scenario_models import ScenarioAttempt
from .disputes import STATE_ZH, accepted_overrides, get, names
from .errors import TrustError
from .reports import effective, report_of

FOLDER = "cases/validation"
ACTION_KINDS = ("required_actions", "forbidden_actions")


def transcript_id(dispute) -> str:
    return f"{dispute.case_id}-D{dispute.id:03d}"


def _verdicts(criteria: list[dict], step: str, kind: str, label: str) -> dict:
    here = [c for c in criteria if c.get("step") == step and c.get("status") != NA]
    if kind == "key_points":
        return {"key_points": {label: next((c["status"] == PASS for c in here if c["kind"] == kind and c["label"] == label),
                                           False)}}
    for names_, field in ((ACTION_KINDS, "actions"), (("tone",), "tone"), (("response_time",), "time")):
        if kind in names_:
            group = [c for c in here if c["kind"] in names_]
            if group:
                return {field: "pass" if all(c["status"] == PASS for c in group) else "fail"}
    return {}


def build(session, dispute) -> tuple[dict, str]:
    """The validation transcript for a resolved scenario dispute, and the grader's name."""
    if dispute.source != "scenario":
        raise TrustError("只有情景演练的申诉可以加入评分验证集")
    if dispute.state == "open":
        raise TrustError("申诉处理后才能加入评分验证集", 409)
    attempt = session.get(ScenarioAttempt, dispute.scenario_attempt_id)
    report = report_of(attempt) if attempt else None
    if report is None:
        raise TrustError("这次练习的报告不存在", 404)
    view = effective(report, accepted_overrides(session, attempt.id))
    who = names(session)
    grader = who.get(dispute.resolver_id, "培训师")
    steps = []
    for t in attempt.turns:
        entry = {"step": t.step, "actions": json.loads(t.actions), "reply": t.reply, "minutes": round(t.minutes, 2)}
        if t.step == dispute.step:
            verdicts = _verdicts(view["criteria"], t.step, dispute.kind, dispute.label)
            if verdicts:
                entry["verdicts"] = verdicts
        steps.append(entry)
    critical = bool(report.get("critical"))
    transcript = {"id": transcript_id(dispute), "kind": "dispute", "grade": float(view["score"]), "critical": critical,
                  "reason": f"学员申诉{STATE_ZH[dispute.state]}（{grader}）：{dispute.label}——{dispute.resolution or ''}".strip(),
                  "steps": steps}
    return transcript, grader


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".disputes-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def add(session, root: str | Path, dispute_id: int) -> dict:
    """Append the dispute's transcript to cases/validation/<case>.disputes.yml (once); returns
    {id, path}. The file keeps every transcript already in it."""
    dispute = get(session, dispute_id)
    if dispute.validation_id:
        raise TrustError(f"这条申诉已加入评分验证集（{dispute.validation_id}）", 409)
    transcript, grader = build(session, dispute)
    rel = f"{FOLDER}/{dispute.case_id}.disputes.yml"
    path = Path(root) / rel
    data = {"case": dispute.case_id, "grader": grader, "round": "disputes", "transcripts": []}
    if path.exists():
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise TrustError(f"{rel} 不是有效的 YAML，未写入（请先修正该文件）：{exc}", 409) from None
        if not isinstance(loaded, dict) or not isinstance(loaded.get("transcripts", []), list):
            raise TrustError(f"{rel} 的格式不对，未写入（请先修正该文件）", 409)
        data.update(loaded)
        graders = [g for g in str(data.get("grader") or "").split("、") if g]
        if grader not in graders:
            graders.append(grader)
        data["grader"] = "、".join(graders)
        data["round"] = "disputes"
    if any(isinstance(t, dict) and t.get("id") == transcript["id"] for t in data["transcripts"]):
        raise TrustError(f"{transcript['id']} 已在 {rel} 中", 409)
    data["transcripts"] = list(data["transcripts"]) + [transcript]
    _write(path, data)
    dispute.validation_id = transcript["id"]
    return {"id": transcript["id"], "path": rel}

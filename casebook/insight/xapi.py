"""A training record (records.record) as xAPI 1.0.3 statements with cmi5's verbs, for a company LMS
or learning record store. Plain Python.

Per attempt (a practice quiz, the exam, a scenario), with one registration UUID for the attempt:
- `initialized` when it started;
- `answered` per answered question or scenario step: the object is a `cmi.interaction` activity
  with its interactionType, `result.response` the answer as the agent gave it, and, once graded,
  `result.score.scaled` and `result.success`;
- for a finished attempt: `passed` or `failed` when it has a pass mark (the exam, scenarios;
  `result.success`, `result.score` and `result.duration`), `completed` (`result.completion`,
  `result.duration`) and `terminated`.

cmi5 "defined" statements (initialized, passed, failed, completed, terminated) carry the cmi5
category activity in context.contextActivities.category (and passed/failed/completed the moveOn
category too); `answered` is a cmi5 "allowed" statement and, as cmi5 §9.6.2 requires, does not.
Statement ids and registrations are UUIDs derived from the site and the attempt (uuid5), so
exporting the same record twice gives the same statements (an LRS ignores the duplicates)."""
from __future__ import annotations

import datetime as dt
import uuid

from ..content.question_types import QUESTION_TYPES

VERBS = {
    "initialized": "http://adlnet.gov/expapi/verbs/initialized",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
}
VERB_DISPLAY = {"initialized": "已开始", "answered": "已作答", "passed": "已通过", "failed": "未通过",
                "completed": "已完成", "terminated": "已结束"}
CMI5_CATEGORY = {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
MOVEON_CATEGORY = {"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}
SESSION_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION_TYPES = {**{name: kind.xapi_interaction for name, kind in QUESTION_TYPES.items()}, "scenario_step": "other"}
VERSION = "1.0.3"


def _uuid(home_page: str, *parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, home_page.rstrip("/") + "/#" + "/".join(str(p) for p in parts)))


def _seconds(start: str | None, end: str | None) -> float:
    if not start or not end:
        return 0.0
    a = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
    b = dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
    return max(0.0, (b - a).total_seconds())


def duration(seconds: float) -> str:
    """ISO 8601 duration (PT…S), centiseconds at most, as xAPI recommends."""
    return f"PT{round(seconds, 2):g}S"


def _activity(home_page: str, attempt: dict) -> dict:
    base = home_page.rstrip("/")
    if attempt["kind"] == "scenario":
        return {"objectType": "Activity", "id": f"{base}/scenarios/{attempt['case_id']}",
                "definition": {"type": SIMULATION, "name": {"zh-CN": attempt["name"]}}}
    path = "exam" if attempt["kind"] == "exam" else "practice"
    return {"objectType": "Activity", "id": f"{base}/training/{path}",
            "definition": {"type": ASSESSMENT, "name": {"zh-CN": attempt["name"]}}}


def _interaction(home_page: str, attempt: dict, item: dict) -> dict:
    base = home_page.rstrip("/")
    if item["type"] == "scenario_step":
        activity_id = f"{base}/scenarios/{attempt['case_id']}/steps/{item['id']}"
    else:
        activity_id = f"{base}/training/questions/{item['id']}"
    return {"objectType": "Activity", "id": activity_id,
            "definition": {"type": INTERACTION, "interactionType": INTERACTION_TYPES.get(item["type"], "other"),
                           "name": {"zh-CN": str(item["name"])[:200]},
                           "description": {"zh-CN": item["type_label"]}}}


def statements(rec: dict, home_page: str) -> list[dict]:
    """The record's statements, in time order within each attempt. `home_page`: the site's address
    (the actor's account.homePage and the base of every activity id)."""
    user = rec["user"]
    actor = {"objectType": "Agent", "name": user["display_name"],
             "account": {"homePage": home_page, "name": user["username"]}}
    out = []
    for attempt in rec["attempts"]:
        registration = _uuid(home_page, "registration", attempt["kind"], attempt["id"])
        parent = _activity(home_page, attempt)

        def context(*categories, grouped: bool = False) -> dict:
            ctx = {"registration": registration, "extensions": {SESSION_EXTENSION: registration}}
            activities = {}
            if categories:
                activities["category"] = list(categories)
            if grouped:
                activities["parent"] = [{"objectType": "Activity", "id": parent["id"]}]
            if activities:
                ctx["contextActivities"] = activities
            return ctx

        def statement(verb: str, obj: dict, timestamp: str, ctx: dict, result: dict | None = None) -> dict:
            s = {"id": _uuid(home_page, "statement", attempt["kind"], attempt["id"], verb, obj["id"]),
                 "actor": actor, "verb": {"id": VERBS[verb], "display": {"zh-CN": VERB_DISPLAY[verb]}},
                 "object": obj, "timestamp": timestamp, "context": ctx, "version": VERSION}
            if result is not None:
                s["result"] = result
            return s

        out.append(statement("initialized", parent, attempt["started_at"], context(CMI5_CATEGORY)))
        for item in attempt["items"]:
            if not item["answered"] or not item["at"]:
                continue
            result = {"response": item["response"] if item["response"] is not None else ""}
            if item["score"] is not None:
                result["score"] = {"scaled": round(max(0.0, min(1.0, float(item["score"]))), 4)}
            if item["success"] is not None:
                result["success"] = bool(item["success"])
            out.append(statement("answered", _interaction(home_page, attempt, item), item["at"],
                                 context(grouped=True), result))
        if not attempt["finished_at"]:
            continue
        spent = duration(_seconds(attempt["started_at"], attempt["finished_at"]))
        if attempt["score"] is not None and attempt["pass_mark"] is not None and attempt["passed"] is not None:
            scaled = round(max(0.0, min(100.0, float(attempt["score"]))) / 100, 4)
            verb = "passed" if attempt["passed"] else "failed"
            out.append(statement(verb, parent, attempt["finished_at"], context(CMI5_CATEGORY, MOVEON_CATEGORY),
                                 {"score": {"scaled": scaled, "raw": attempt["score"], "min": 0, "max": 100},
                                  "success": bool(attempt["passed"]), "duration": spent}))
        out.append(statement("completed", parent, attempt["finished_at"], context(CMI5_CATEGORY, MOVEON_CATEGORY),
                             {"completion": True, "duration": spent}))
        out.append(statement("terminated", parent, attempt["finished_at"], context(CMI5_CATEGORY),
                             {"duration": spent}))
    return out

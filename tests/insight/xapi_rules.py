"""A validator for the statement rules the export must follow (xAPI 1.0.3 Data, and cmi5's rules for
its defined statements), written from the specifications, independent of casebook.insight.xapi.

`problems(statement)` lists what is wrong with one statement; `sequence_problems(statements)` what
is wrong across them (registrations per attempt, order)."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from urllib.parse import urlsplit

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5_VERBS = {ADL + v for v in ("launched", "initialized", "completed", "passed", "failed", "abandoned", "waived",
                                "terminated", "satisfied")}
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                     "likert", "numeric", "other"}
ISO_DURATION = re.compile(r"^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?"
                          r"(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$")
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def is_iri(value) -> bool:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("urn", "mailto", "tag"))


def is_uuid(value) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def is_timestamp(value) -> bool:
    if not isinstance(value, str) or not ISO_TIMESTAMP.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _actor(actor) -> list[str]:
    if not isinstance(actor, dict):
        return ["actor missing"]
    out = []
    if actor.get("objectType", "Agent") != "Agent":
        out.append("actor.objectType must be Agent")
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in actor]
    if len(ifis) != 1:
        out.append(f"actor needs exactly one identifier, has {ifis}")
    account = actor.get("account")
    if account is not None:
        if not is_iri(account.get("homePage")):
            out.append("actor.account.homePage must be an IRL")
        if not isinstance(account.get("name"), str) or not account.get("name"):
            out.append("actor.account.name missing")
    return out


def _language_map(value, where) -> list[str]:
    if not isinstance(value, dict) or not value or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return [f"{where} must be a language map"]
    return []


def problems(s: dict) -> list[str]:
    out = []
    if not is_uuid(s.get("id")):
        out.append("id must be a UUID")
    out += _actor(s.get("actor"))
    verb = s.get("verb") or {}
    if not is_iri(verb.get("id")):
        out.append("verb.id must be an IRI")
    if "display" in verb:
        out += _language_map(verb["display"], "verb.display")
    obj = s.get("object") or {}
    if obj.get("objectType", "Activity") != "Activity" or not is_iri(obj.get("id")):
        out.append("object must be an Activity with an IRI id")
    definition = obj.get("definition") or {}
    if "name" in definition:
        out += _language_map(definition["name"], "object.definition.name")
    if "type" in definition and not is_iri(definition["type"]):
        out.append("object.definition.type must be an IRI")
    if definition.get("type") == INTERACTION and definition.get("interactionType") not in INTERACTION_TYPES:
        out.append(f"cmi.interaction needs a valid interactionType, not {definition.get('interactionType')!r}")
    if not is_timestamp(s.get("timestamp")):
        out.append(f"timestamp must be ISO 8601 with a time zone: {s.get('timestamp')!r}")
    context = s.get("context") or {}
    if not is_uuid(context.get("registration")):
        out.append("context.registration must be a UUID")
    categories = [a.get("id") for a in (context.get("contextActivities") or {}).get("category", [])]
    for key in ("category", "parent", "grouping", "other"):
        for activity in (context.get("contextActivities") or {}).get(key, []):
            if not is_iri(activity.get("id")):
                out.append(f"contextActivities.{key} ids must be IRIs")
    result = s.get("result")
    if result is not None:
        score = result.get("score")
        if score is not None:
            scaled = score.get("scaled")
            if scaled is not None and not (isinstance(scaled, (int, float)) and -1 <= scaled <= 1):
                out.append(f"result.score.scaled must be in [-1, 1]: {scaled!r}")
            low, high, raw = score.get("min"), score.get("max"), score.get("raw")
            if low is not None and high is not None and low > high:
                out.append("result.score.min above max")
            if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
                out.append("result.score.raw outside min..max")
        if "duration" in result and not (isinstance(result["duration"], str) and ISO_DURATION.match(result["duration"])):
            out.append(f"result.duration must be an ISO 8601 duration: {result['duration']!r}")
        for key in ("success", "completion"):
            if key in result and not isinstance(result[key], bool):
                out.append(f"result.{key} must be a boolean")
        if "response" in result and not isinstance(result["response"], str):
            out.append("result.response must be a string")
    # cmi5: defined statements carry the cmi5 category; allowed ones (e.g. answered) must not
    verb_id = verb.get("id")
    if verb_id in CMI5_VERBS and CMI5_CATEGORY not in categories:
        out.append("a cmi5 defined statement needs the cmi5 category")
    if verb_id not in CMI5_VERBS and CMI5_CATEGORY in categories:
        out.append("a cmi5 allowed statement must not carry the cmi5 category")
    if verb_id == ADL + "passed" and not ((result or {}).get("success") is True and MOVEON in categories):
        out.append("passed needs result.success true and the moveOn category")
    if verb_id == ADL + "failed" and not ((result or {}).get("success") is False and MOVEON in categories):
        out.append("failed needs result.success false and the moveOn category")
    if verb_id in (ADL + "passed", ADL + "failed") and "scaled" not in ((result or {}).get("score") or {}):
        out.append("passed/failed need result.score.scaled")
    if verb_id == ADL + "completed" and not ((result or {}).get("completion") is True and MOVEON in categories):
        out.append("completed needs result.completion true and the moveOn category")
    if verb_id == ADL + "answered":
        if definition.get("type") != INTERACTION:
            out.append("answered needs a cmi.interaction activity")
        if not isinstance((result or {}).get("response"), str):
            out.append("answered needs result.response")
    return out


def sequence_problems(statements: list[dict]) -> list[str]:
    """Across statements: unique ids; per registration, initialized first and nothing after terminated."""
    out = []
    ids = [s.get("id") for s in statements]
    if len(ids) != len(set(ids)):
        out.append("statement ids repeat")
    by_registration: dict[str, list[str]] = {}
    for s in statements:
        by_registration.setdefault((s.get("context") or {}).get("registration"), []).append((s.get("verb") or {}).get("id"))
    for registration, verbs in by_registration.items():
        if verbs[0] != ADL + "initialized":
            out.append(f"{registration}: the first statement must be initialized")
        if ADL + "terminated" in verbs and verbs[-1] != ADL + "terminated":
            out.append(f"{registration}: statements after terminated")
        if verbs.count(ADL + "initialized") != 1:
            out.append(f"{registration}: one initialized per registration")
    return out

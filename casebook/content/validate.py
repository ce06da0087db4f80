"""Turn schema validation errors into path:line problems."""
from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .problems import ProblemList
from .source import LineMap
from .question_types import QUESTION_TYPES

M = TypeVar("M", bound=BaseModel)


#: Names pydantic puts into an error's location for union members and validators.
_UNION_TAGS = ("str", "list[Branch]", "tagged-union", "function-after[_check(), str]", "text", "mapping")


def _clean_loc(loc: tuple, data: Any) -> tuple:
    """Drop the union tags pydantic inserts into locations (e.g. the question type)."""
    out: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict):
            # union member name, a validator tag, or a missing/unknown key
            if part in QUESTION_TYPES or part in _UNION_TAGS:
                continue
            out.append(part)
            node = None
        elif part in _UNION_TAGS:
            continue
        else:
            out.append(part)
            node = None
    return tuple(out)


def _dotted(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe(error: dict, loc: tuple) -> str:
    kind = error.get("type", "")
    where = _dotted(loc)
    if kind == "missing":
        parent = _dotted(loc[:-1])
        return f"missing required field '{loc[-1]}'" + (f" in {parent}" if parent else "")
    if kind == "extra_forbidden":
        parent = _dotted(loc[:-1])
        return f"unknown key '{loc[-1]}'" + (f" in {parent}" if parent else "")
    msg = error.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        msg = f"unknown type {ctx.get('tag')!r} (expected one of {ctx.get('expected_tags')})"
    elif kind == "union_tag_not_found":
        msg = "missing required field 'type'"
    return f"{where}: {msg}" if where else msg


def validate(model: type[M], data: Any, rel: str, lines: LineMap, problems: ProblemList,
             context: str = "") -> M | None:
    """The validated model, or None after reporting every error (file:line). context (e.g.
    "rule ADM-01") is put before messages about missing fields, which have no line of their own."""
    if data is None:
        problems.error(rel, lines.line(), "file is empty", "empty")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        seen = set()
        for error in exc.errors():
            loc = _clean_loc(tuple(error.get("loc", ())), data)
            message = describe(error, loc)
            if context and error.get("type") == "missing":
                message = f"{context}: {message}"
            line = lines.line(loc)
            if (line, message) in seen:
                continue
            seen.add((line, message))
            problems.error(rel, line, message, "schema")
        return None

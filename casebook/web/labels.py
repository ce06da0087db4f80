"""Chinese labels for what pages show: question types, criterion kinds, actions, statistics flags.

Every mapping lives next to its definition (content.question_types: QUESTION_TYPE_LABELS; content.schema: ACTION_LABELS;
scoring.rubric: KINDS; scoring.stats: FLAGS); this module only makes them template filters."""
from __future__ import annotations

from ..content.schema import action_label
from ..content.question_types import QUESTION_TYPE_LABELS
from ..scoring.rubric import kind_label
from ..scoring.stats import FLAGS


def type_label(question_type: str | None) -> str:
    return QUESTION_TYPE_LABELS.get(question_type or "", question_type or "—")


def flag_label(flag: str) -> str:
    return FLAGS.get(flag, flag)


def person(row) -> str:
    """A person as pages name them: the display name, the username only when there is none."""
    get = row.get if isinstance(row, dict) else lambda key, default=None: getattr(row, key, default)
    return get("display_name") or get("username") or "—"


def init_app(app) -> None:
    app.add_template_filter(type_label, "type_label")
    app.add_template_filter(kind_label, "kind_label")
    app.add_template_filter(action_label, "action_label")
    app.add_template_filter(flag_label, "flag_label")
    app.add_template_filter(person, "person")

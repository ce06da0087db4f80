"""The one header every app page shares: the areas the signed-in user may use, the current one marked."""
from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

# (label, path prefix, endpoint or fixed path, role needed or None). Order is the header's order.
AREAS: list[tuple[str, str, str, str | None]] = [
    ("规则手册", "/docs/", "/docs/", None),
    ("培训与测验", "/training/", "training.index", None),
    ("情景演练", "/scenarios", "scenarios.index", None),
    ("搜索", "/search", "search.page", None),
    ("相似案例", "/similar", "/similar", None),
    ("申诉", "/disputes", "trust.index", "agent"),
    ("培训师视图", "/training/trainer", "training.trainer_view", "trainer"),
    ("账号管理", "/admin/", "admin.users", "admin"),
]


def _href(target: str) -> str:
    return target if target.startswith("/") else url_for(target)


def nav_items() -> list[dict]:
    """The header's links for this request: only areas the user may use; the longest matching
    prefix is the current one."""
    signed_in = current_user.is_authenticated
    items = []
    for label, prefix, target, role in AREAS:
        if role and not (signed_in and current_user.can(role)):
            continue
        items.append({"label": label, "prefix": prefix, "href": _href(target), "current": False})
    path = request.path
    matching = [i for i in items if path.startswith(i["prefix"]) or path + "/" == i["prefix"]]
    if matching:
        max(matching, key=lambda i: len(i["prefix"]))["current"] = True
    return items


def init_app(app) -> None:
    app.add_template_global(nav_items, "nav_items")

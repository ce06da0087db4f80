"""The home page: the links and notices the app factory gives it (see create_app)."""
from __future__ import annotations

from typing import Callable, NamedTuple

from apiflask import APIBlueprint
from flask import current_app, render_template
from flask_login import current_user

bp = APIBlueprint("home", __name__, enable_openapi=False)


class Section(NamedTuple):
    """A card on the home page: an area's title, its endpoint and one line about it."""
    title: str
    endpoint: str
    description: str


#: f(user) -> (text, url) or None, e.g. reviews that are due
Notice = Callable[[object], "tuple[str, str] | None"]


def init_app(app, sections: list[Section], notices: list[Notice]) -> None:
    """Give the home page its area cards and per-user notices (called once, by create_app)."""
    app.extensions["casebook.home"] = (tuple(sections), tuple(notices))


@bp.get("/")
def index():
    sections, notice_makers = current_app.extensions["casebook.home"]
    notices = []
    if current_user.is_authenticated:
        notices = [n for n in (make(current_user) for make in notice_makers) if n]
    return render_template("index.html", sections=sections, notices=notices)

"""The home page."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import render_template
from flask_login import current_user

bp = APIBlueprint("home", __name__, enable_openapi=False)

# Links other areas add to the home page: (title, endpoint, description)
SECTIONS: list[tuple[str, str, str]] = []
# Per-user notices other areas add: f(user) -> (text, url) or None, e.g. reviews that are due.
NOTICES: list = []


@bp.get("/")
def index():
    notices = []
    if current_user.is_authenticated:
        notices = [n for n in (notice(current_user) for notice in NOTICES) if n]
    return render_template("index.html", sections=SECTIONS, notices=notices)

"""The home page."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import render_template

bp = APIBlueprint("home", __name__, enable_openapi=False)

# Links other areas add to the home page: (title, endpoint, description)
SECTIONS: list[tuple[str, str, str]] = []


@bp.get("/")
def index():
    return render_template("index.html", sections=SECTIONS)

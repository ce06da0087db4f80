"""Serve the built MkDocs site under /docs/, and the API's interactive docs at /api/docs
(Swagger UI from static/vendor, never a CDN)."""
from __future__ import annotations

from pathlib import Path

from apiflask import APIBlueprint
from flask import abort, current_app, redirect, render_template, request, send_from_directory

bp = APIBlueprint("docs", __name__, enable_openapi=False)


@bp.get("/docs")
def docs_root():
    return redirect("/docs/", code=308)


@bp.get("/docs/", defaults={"path": ""})
@bp.get("/docs/<path:path>")
def site(path: str):
    base = Path(current_app.config["SITE_DIR"])
    if not (base / "index.html").is_file():
        return render_template("errors/no_site.html"), 503
    target = (base / path).resolve()
    if base.resolve() not in target.parents and target != base.resolve():
        abort(404)
    if target.is_dir():
        if path and not path.endswith("/"):
            return redirect(request.path + "/", code=308)
        path = (path + "index.html") if path else "index.html"
        target = base / path
    if not target.is_file():
        return send_from_directory(base, "404.html"), 404
    response = send_from_directory(base, path)
    response.headers.setdefault("Cache-Control", "no-cache")
    return response


@bp.get("/api/docs")
def api_docs():
    return render_template("apidocs.html", spec_url="/api/openapi.json")

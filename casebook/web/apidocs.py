"""The interactive API docs (/api/docs) with Swagger UI served from this site (the static files of
the swagger-ui-py package, Swagger UI 5, which reads OpenAPI 3.1), not from a CDN: the page works
offline and satisfies the Content-Security-Policy."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import abort, send_from_directory

bp = APIBlueprint("apidocs", __name__, url_prefix="/api/docs-assets", enable_openapi=False)
FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png")


def _path() -> str:
    from pathlib import Path

    import swagger_ui
    return str(Path(swagger_ui.__file__).with_name("static"))


@bp.get("/<name>")
def asset(name: str):
    if name not in FILES:
        abort(404)
    return send_from_directory(_path(), name, max_age=86400)


def configure(app) -> None:
    base = "/api/docs-assets/"
    app.config.update(SWAGGER_UI_CSS=base + "swagger-ui.css", SWAGGER_UI_BUNDLE_JS=base + "swagger-ui-bundle.js",
                      SWAGGER_UI_STANDALONE_PRESET_JS=base + "swagger-ui-standalone-preset.js",
                      DOCS_FAVICON=base + "favicon-32x32.png")

"""Security headers on every response.

- Content-Security-Policy: scripts only from this site, never inline ('unsafe-inline' is not
  allowed for scripts; the app's pages keep their JavaScript in /static/). The built rulebook
  under /docs/ and the API docs page are static files written by trusted tools (MkDocs Material,
  APIFlask) that carry a few inline scripts: their CSP lists the SHA-256 of exactly those
  scripts, read from the file being served, so nothing else inline can run. Styles may be inline
  (MkDocs Material and Mermaid's SVG need it). Nothing from another host.
- X-Frame-Options DENY and frame-ancestors 'none' (no clickjacking), X-Content-Type-Options
  nosniff, Referrer-Policy same-origin, Cross-Origin-Opener-Policy same-origin, a
  Permissions-Policy that turns off camera, microphone and geolocation.
- Strict-Transport-Security when the request came over HTTPS (directly or via a proxy's
  X-Forwarded-Proto) or CASEBOOK_SECURE_COOKIES=1 says the site is served over HTTPS.
"""
from __future__ import annotations

import base64
import hashlib
import re

from flask import current_app, request

BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
HSTS = "max-age=31536000; includeSubDomains"


def policy(extra_scripts: list[str] | None = None) -> str:
    parts = dict(BASE_POLICY)
    if extra_scripts:
        parts["script-src"] += " " + " ".join(extra_scripts)
    return "; ".join(f"{k} {v}" for k, v in parts.items())


def inline_script_hashes(html: bytes) -> list[str]:
    """'sha256-…' sources for every inline <script> of a trusted static page."""
    out = []
    for body in _INLINE_SCRIPT.findall(html):
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in out:
            out.append(source)
    return out


def _trusted_static_html(response) -> bool:
    path = request.path
    return (response.mimetype == "text/html" and (path.startswith("/docs/") or path == "/api/docs")
            and response.status_code < 400)


def _secure() -> bool:
    return (request.is_secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
            or bool(current_app.config.get("SESSION_COOKIE_SECURE")))


def set_headers(response):
    extra = None
    if _trusted_static_html(response):
        response.direct_passthrough = False      # read the file once to hash its inline scripts
        extra = inline_script_hashes(response.get_data())
    response.headers["Content-Security-Policy"] = policy(extra)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if _secure():
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app) -> None:
    app.after_request(set_headers)

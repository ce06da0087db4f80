"""Input hygiene for the whole app: ids in URLs that fit the database, JSON without lone
surrogates. Bad input gets a 404/400 with a reason, never a 500."""
from __future__ import annotations

import json
import re

from flask import request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

#: Every id column is a 32-bit INTEGER on PostgreSQL (and fits SQLite's 64-bit integers).
MAX_ID = 2**31 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in URLs: at most MAX_ID and at most 10 digits, so an id like 2**63 is a 404
    (no such record) instead of an overflow deep in the database driver."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed)

    regex = r"\d{1,10}"


def _check_text(value, path: str = "$") -> None:
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise ValueError(f"{path}: the text contains an unpaired UTF-16 surrogate (not valid Unicode)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, path)
            _check_text(item, f"{path}.{key}" if isinstance(key, str) and not _SURROGATE.search(key) else path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, f"{path}[{index}]")


class StrictJSONProvider(DefaultJSONProvider):
    """Parsing a request body refuses lone surrogates (\\ud800 ...), which no database can store;
    Flask turns the ValueError into a 400."""

    def dumps(self, obj, **kwargs):
        """As Flask's, but text that cannot be encoded (a lone surrogate echoed back in an error
        message) is escaped instead of failing while the response is built."""
        text = super().dumps(obj, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            kwargs["ensure_ascii"] = True
            text = super().dumps(obj, **kwargs)
        return text

    def loads(self, s, **kwargs):
        data = super().loads(s, **kwargs)
        _check_text(data)
        return data


def _refuse_bad_text() -> None:
    """Before any view (and any parser: APIFlask's webargs reads the body itself), a JSON body
    with a lone surrogate is a 400 with the reason."""
    if not request.is_json:
        return
    raw = request.get_data(cache=True)
    if b"\\u" not in raw:            # a lone surrogate can only arrive escaped
        return
    try:
        data = json.loads(raw)
    except ValueError:
        return                          # not JSON at all: the route's parser says so
    try:
        _check_text(data)
    except ValueError as exc:
        raise BadRequest(description=str(exc)) from None


def init_app(app) -> None:
    app.before_request(_refuse_bad_text)
    app.url_map.converters["int"] = BoundedIntConverter
    provider = StrictJSONProvider(app)
    provider.ensure_ascii = False
    app.json = provider

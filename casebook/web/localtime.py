"""Times on pages in the organisation's local time zone (CASEBOOK_TIMEZONE, default Asia/Shanghai).

The store keeps naive UTC datetimes; the API keeps ISO UTC strings ending in Z. Pages show local time.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

DEFAULT_TIMEZONE = "Asia/Shanghai"


def configured_zone(name: str | None = None) -> ZoneInfo:
    """The zone named by CASEBOOK_TIMEZONE (passed in); a clear error for an unknown name (checked at start-up)."""
    name = name or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"CASEBOOK_TIMEZONE: unknown time zone '{name}' (e.g. Asia/Shanghai, Europe/Berlin)") from None


def _parse(value) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def to_local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC datetime (naive or aware) or ISO string, formatted in the configured zone ('' for none)."""
    moment = _parse(value)
    if moment is None:
        return ""
    return moment.astimezone(current_app.config["CASEBOOK_TZ"]).strftime(fmt)


def zone_label() -> str:
    return current_app.config["CASEBOOK_TZ"].key


def init_app(app) -> None:
    app.config["CASEBOOK_TZ"] = configured_zone(app.config.get("CASEBOOK_TIMEZONE"))
    app.add_template_filter(to_local, "localtime")
    app.add_template_global(zone_label, "zone_label")

"""Shared by the account pages and the account API: limits, labels and how an account is shown."""
from __future__ import annotations

from .. import accounts

MAX_PASSWORD = 256  # the sign-in form accepts at most 256 characters
ROLE_LABELS = {"agent": "客服", "trainer": "培训师", "admin": "管理员"}
USERNAME_RULE = "用户名为 2–64 个字母、数字、'.'、'_' 或 '-'"


def user_dict(user) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "active": bool(user.active), "created_at": user.created_at.isoformat() + "Z" if user.created_at else None}


def valid_username(value: str) -> bool:
    return accounts.USERNAME_RE.fullmatch(value or "") is not None  # fullmatch: no trailing newline either

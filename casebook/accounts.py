"""Accounts: create users, check passwords (argon2), first-run admin. No Flask here."""
from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from .store import Database, User
from .store.models import ROLES

_hasher = PasswordHasher()
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
MIN_PASSWORD = 8


class AccountError(ValueError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _validate(username: str, password: str, role: str) -> None:
    if not USERNAME_RE.match(username or ""):
        raise AccountError("username must be 2-64 letters, digits, '.', '_' or '-'")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"password must be at least {MIN_PASSWORD} characters")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")


def add_user(db: Database, username: str, password: str, role: str = "agent", display_name: str = "") -> User:
    _validate(username, password, role)
    with db.session() as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            raise AccountError(f"user '{username}' already exists")
        user = User(username=username, password_hash=hash_password(password), role=role, display_name=display_name or username)
        session.add(user)
        session.flush()
        return user


def set_password(db: Database, username: str, password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"password must be at least {MIN_PASSWORD} characters")
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise AccountError(f"no user '{username}'")
        user.password_hash = hash_password(password)


def list_users(db: Database) -> list[User]:
    with db.session() as session:
        return list(session.scalars(select(User).order_by(User.username)))


def authenticate(db: Database, username: str, password: str) -> User | None:
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        _hasher.hash("timing-equaliser")  # same cost whether or not the user exists
        return None
    return user if check_password(user, password) else None


def ensure_admin(db: Database) -> tuple[str, str] | None:
    """On first run create an 'admin' account. Returns (username, password) when created."""
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(User).where(User.role == "admin")):
            return None
    password = secrets.token_urlsafe(12)
    add_user(db, "admin", password, role="admin", display_name="管理员")
    return "admin", password

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


# ---------------------------------------------------------------- account management (admins)

MAX_DISPLAY_NAME = 100  # users.display_name is String(100)


class UnknownUser(AccountError):
    """The named account does not exist."""


class DuplicateUser(AccountError):
    """An account with that username already exists."""


class SelfLockout(AccountError):
    """An admin tried to deactivate themselves (action 'deactivate') or drop their own admin role ('demote')."""

    def __init__(self, message: str, action: str):
        super().__init__(message)
        self.action = action


def get_user(db: Database, username: str) -> User | None:
    with db.session() as session:
        return session.scalar(select(User).where(User.username == username))


def create_user(db: Database, username: str, password: str, role: str = "agent", display_name: str = "") -> User:
    """add_user, but a taken username raises DuplicateUser and an over-long display name is refused."""
    if len(display_name or "") > MAX_DISPLAY_NAME:
        raise AccountError(f"display name must be at most {MAX_DISPLAY_NAME} characters")
    if USERNAME_RE.match(username or "") and get_user(db, username) is not None:
        raise DuplicateUser(f"user '{username}' already exists")
    return add_user(db, username, password, role=role, display_name=display_name)


def update_user(db: Database, username: str, *, role: str | None = None, active: bool | None = None,
                display_name: str | None = None, password: str | None = None, acting: str | None = None) -> User:
    """Change any of role/active/display_name/password in one transaction; None leaves a field alone.
    `acting` is the username making the change: it may not deactivate itself or drop its own admin role."""
    if role is not None and role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"password must be at least {MIN_PASSWORD} characters")
    if display_name is not None and len(display_name) > MAX_DISPLAY_NAME:
        raise AccountError(f"display name must be at most {MAX_DISPLAY_NAME} characters")
    if acting is not None and acting == username:
        if active is False:
            raise SelfLockout("you cannot deactivate your own account", "deactivate")
        if role is not None and role != "admin":
            raise SelfLockout("you cannot remove your own admin role", "demote")
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise UnknownUser(f"no user '{username}'")
        if role is not None:
            user.role = role
        if active is not None:
            user.active = bool(active)
        if display_name is not None:
            user.display_name = display_name.strip() or user.username
        if password is not None:
            user.password_hash = hash_password(password)
        session.flush()
        return user


def set_role(db: Database, username: str, role: str, acting: str | None = None) -> User:
    return update_user(db, username, role=role, acting=acting)


def set_active(db: Database, username: str, active: bool, acting: str | None = None) -> User:
    return update_user(db, username, active=active, acting=acting)

"""Accounts: create users, check passwords (argon2), first-run admin. No Flask here."""
from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update

from .store import Database, User
from .store.models import ROLES

USERNAME_RE = re.compile(r"[A-Za-z0-9_.\-]{2,64}")   # always fullmatch: `$` would let "bob\n" through

# argon2id with the library's defaults unless the settings say otherwise (CASEBOOK_PASSWORD_HASH_*:
# tests use a cheap cost). A hash carries its own parameters, so stored hashes verify whatever the
# current cost: the cost changes how long hashing takes, never a result.
_hasher = PasswordHasher()


def configure_hashing(time_cost: int | None = None, memory_kib: int | None = None) -> None:
    """Set the argon2 cost for new hashes (create_app and the CLI call it from the settings)."""
    global _hasher
    defaults = PasswordHasher()
    _hasher = PasswordHasher(time_cost=time_cost or defaults.time_cost,
                             memory_cost=memory_kib or defaults.memory_cost)
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


def _basic_password_check(username: str, password: str) -> None:
    """Every password, whoever sets it: long enough and not the username."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"password must be at least {MIN_PASSWORD} characters")
    if username and password.strip().lower() == username.strip().lower():
        raise AccountError("password must not be the username")


MAX_PASSWORD = 256
MIN_STRENGTH = 3   # zxcvbn score 0..4; 3 = "safely unguessable: moderate protection from offline attacks"


def password_problem(password: str, username: str = "", display_name: str = "") -> str | None:
    """Why a password a user chose for themselves is too weak (Chinese, for the page), or None.

    zxcvbn estimates how guessable it is against its lists of common passwords, words, names,
    keyboard patterns, dates and repeats, and against the user's own name and username."""
    from zxcvbn import zxcvbn

    if len(password or "") < MIN_PASSWORD:
        return f"密码至少需要 {MIN_PASSWORD} 个字符"
    if len(password) > MAX_PASSWORD:
        return f"密码最多 {MAX_PASSWORD} 个字符"
    lowered = password.lower()
    for own in (username, display_name):
        if own and len(own) >= 3 and own.lower() in lowered:
            return "密码不能包含用户名或姓名"
    result = zxcvbn(password[:100], user_inputs=[u for u in (username, display_name) if u])
    if result["score"] < MIN_STRENGTH:
        return "密码太容易被猜到（常见密码、单词、键盘序列、日期或重复字符），请换一个更长、更随机的密码"
    return None


def bump_sessions(session, user_id: int) -> None:
    """End every signed-in session of the user (their next request finds a stale version)."""
    session.execute(update(User).where(User.id == user_id).values(session_version=User.session_version + 1))


def _validate(username: str, password: str, role: str) -> None:
    if not USERNAME_RE.fullmatch(username or ""):
        raise AccountError("username must be 2-64 letters, digits, '.', '_' or '-'")
    _basic_password_check(username, password)
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
    """An admin's reset: the new password applies and every session of the account ends."""
    _basic_password_check(username, password)
    with db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise AccountError(f"no user '{username}'")
        user.password_hash = hash_password(password)
        bump_sessions(session, user.id)


class WrongPassword(AccountError):
    """The current password given to change it was not right."""


def change_own_password(db: Database, user_id: int, current: str, new: str) -> int:
    """Self-service change: the current password, then the strength check. Ends every session of
    the account (the caller signs the current one in again). Returns the new session version."""
    with db.session() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise UnknownUser("no such user")
        username, display_name = user.username, user.display_name
    if not check_password(user, current or ""):
        raise WrongPassword("当前密码不正确")
    if new == current:
        raise AccountError("新密码不能与当前密码相同")
    problem = password_problem(new, username, display_name)
    if problem:
        raise AccountError(problem)
    with db.session() as session:
        user = session.get(User, user_id)
        user.password_hash = hash_password(new)
        bump_sessions(session, user_id)
        session.flush()
        session.refresh(user)
        return user.session_version


def end_all_sessions(db: Database, user_id: int) -> int:
    """"Sign out everywhere": returns the new session version."""
    with db.session() as session:
        bump_sessions(session, user_id)
        return session.scalar(select(User.session_version).where(User.id == user_id))


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
    if USERNAME_RE.fullmatch(username or "") and get_user(db, username) is not None:
        raise DuplicateUser(f"user '{username}' already exists")
    return add_user(db, username, password, role=role, display_name=display_name)


def update_user(db: Database, username: str, *, role: str | None = None, active: bool | None = None,
                display_name: str | None = None, password: str | None = None, acting: str | None = None) -> User:
    """Change any of role/active/display_name/password in one transaction; None leaves a field alone.
    `acting` is the username making the change: it may not deactivate itself or drop its own admin role."""
    if role is not None and role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if password is not None:
        _basic_password_check(username, password)
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
        revoke = (role is not None and role != user.role) or (active is False and user.active) or password is not None
        if role is not None:
            user.role = role
        if active is not None:
            user.active = bool(active)
        if display_name is not None:
            user.display_name = display_name.strip() or user.username
        if password is not None:
            user.password_hash = hash_password(password)
        if revoke:   # a role change, deactivation or password reset ends the account's sessions
            user.session_version = (user.session_version or 0) + 1
        session.flush()
        return user


def set_role(db: Database, username: str, role: str, acting: str | None = None) -> User:
    return update_user(db, username, role=role, acting=acting)


def set_active(db: Database, username: str, active: bool, acting: str | None = None) -> User:
    return update_user(db, username, active=active, acting=acting)

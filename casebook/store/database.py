"""The Database handle: engine, sessions, migrations."""
from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x0CA5EB00C   # PostgreSQL advisory lock key held while migrating


def default_url(instance: Path) -> str:
    instance.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(instance / 'casebook.db').as_posix()}"


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    def __init__(self, url: str):
        self.url = url
        kwargs: dict = {"future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._on_dispose: list = []

    def on_dispose(self, callback) -> None:
        """Call callback() when this handle is disposed (e.g. stop a thread that reads through it)."""
        self._on_dispose.append(callback)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision of every branch."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                # several servers starting at once: one migrates, the others wait and find it done
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")  # feature areas add independent branches off 0001

    @contextlib.contextmanager
    def session(self):
        """A session in a transaction: committed on success, rolled back on error."""
        session: Session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        callbacks, self._on_dispose = self._on_dispose, []
        for callback in callbacks:
            callback()
        self.engine.dispose()


def open_database(url: str | None, instance: Path, migrate: bool = True) -> Database:
    """The one way to open the store: `url` (DATABASE_URL), else instance/casebook.db (SQLite, WAL);
    migrated to the newest schema unless migrate=False."""
    database = Database(url or default_url(instance))
    if migrate:
        database.migrate()
    return database


def store_exists(url: str | None, instance: Path) -> bool:
    """Whether there is a store to read (a configured URL, or the default SQLite file)."""
    return bool(url) or (instance / "casebook.db").is_file()

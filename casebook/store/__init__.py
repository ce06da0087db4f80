"""Persistence: SQLAlchemy 2 models, the Database handle and Alembic migrations.

Plain SQLAlchemy (no Flask import): engines (quiz, scenarios, search logs) use it directly;
the web layer attaches one Database to the app with `init_app`.
"""
from .database import Database, default_url, open_database, store_exists
from .models import Base, User

__all__ = ["Base", "Database", "User", "default_url", "open_database", "store_exists"]

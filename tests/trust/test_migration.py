"""Revision 0006_disputes on a store that already holds calibration grades (SQLite and PostgreSQL):
the grades are kept, a second trainer may grade the same criterion, one trainer still once."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from tests.stores import postgres_server, store_url  # noqa: F401 - fixtures


def test_upgrade_keeps_grades_and_allows_several_trainers(store_url):
    from alembic import command
    from alembic.config import Config

    from casebook.store.database import MIGRATIONS
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", store_url.replace("%", "%%"))
    command.upgrade(config, "sec_0003_scenario_turn_unique")
    engine = create_engine(store_url)
    try:
        with engine.begin() as c:
            for uid, name in ((1, "agent"), (2, "coach"), (3, "coach2")):
                c.execute(text("INSERT INTO users (id, username, display_name, role, password_hash, active, created_at) "
                               "VALUES (:i, :n, :n, 'agent', 'x', true, '2026-01-01')"), {"i": uid, "n": name})
            c.execute(text("INSERT INTO scenario_attempts (id, user_id, case_id, status, time_scale, started_at) "
                           "VALUES (1, 1, 'CASE-001', 'finished', 1, '2026-01-01')"))
            c.execute(text("INSERT INTO scenario_grades (attempt_id, grader_id, criterion, kind, status, created_at) "
                           "VALUES (1, 2, 0, 'tone', 'fail', '2026-01-02')"))
        command.upgrade(config, "heads")
        with engine.begin() as c:
            kept = c.execute(text("SELECT grader_id, status, comment, blind FROM scenario_grades")).all()
            assert [tuple(r) for r in kept] == [(2, "fail", None, False)]
            c.execute(text("INSERT INTO scenario_grades (attempt_id, grader_id, criterion, kind, status, blind, created_at) "
                           "VALUES (1, 3, 0, 'tone', 'pass', true, '2026-01-03')"))
            assert c.execute(text("SELECT count(*) FROM disputes")).scalar() == 0
        with pytest.raises(IntegrityError):
            with engine.begin() as c:
                c.execute(text("INSERT INTO scenario_grades (attempt_id, grader_id, criterion, kind, status, blind, "
                               "created_at) VALUES (1, 2, 0, 'tone', 'pass', false, '2026-01-04')"))
    finally:
        engine.dispose()

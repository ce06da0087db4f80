"""Alembic environment: runs on the connection Casebook hands over (or the configured URL)."""
from alembic import context
from sqlalchemy import engine_from_config, pool

from casebook.store.models import Base
import casebook.store.search_models  # noqa: F401,E402 - search tables in the metadata
import casebook.store.training_models  # noqa: F401 - register the training tables
import casebook.store.scenario_models  # noqa: F401,E402 - scenario practice tables
import casebook.store.trust_models  # noqa: F401,E402 - disputes

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()

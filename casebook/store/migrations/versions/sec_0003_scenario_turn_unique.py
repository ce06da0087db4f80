"""scenario turns: one row per (attempt, step)

Revision ID: sec_0003_scenario_turn_unique
Revises: 0004_scenarios
Create Date: 2026-11-30

Attempts broken by a double click before this revision (the same step stored twice) keep their
first answer to each step and become playable again.
"""
from alembic import op

revision = "sec_0003_scenario_turn_unique"
down_revision = "0004_scenarios"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM scenario_turns WHERE id NOT IN "
               "(SELECT keep FROM (SELECT MIN(id) AS keep FROM scenario_turns GROUP BY attempt_id, step) AS firsts)")
    op.create_index("uq_scenario_turn_step", "scenario_turns", ["attempt_id", "step"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_scenario_turn_step", table_name="scenario_turns")

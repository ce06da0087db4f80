"""scenario practice: attempts, turns, grades, settings

Revision ID: 0004_scenarios
Revises: 0001_users
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_scenarios"
down_revision = "0001_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("case_id", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("current_step", sa.String(64), nullable=True),
        sa.Column("step_shown_at", sa.DateTime(), nullable=True),
        sa.Column("time_scale", sa.Float(), nullable=False, server_default="1"),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("report_json", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_scenario_attempts_user_id", "scenario_attempts", ["user_id"])
    op.create_index("ix_scenario_attempts_case_id", "scenario_attempts", ["case_id"])
    op.create_table(
        "scenario_turns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey("scenario_attempts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("reply", sa.Text(), nullable=False, server_default=""),
        sa.Column("visibility", sa.String(16), nullable=False, server_default="public"),
        sa.Column("real_seconds", sa.Float(), nullable=False, server_default="0"),
        sa.Column("minutes", sa.Float(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_scenario_turns_attempt_id", "scenario_turns", ["attempt_id"])
    op.create_table(
        "scenario_grades",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey("scenario_attempts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("grader_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("attempt_id", "criterion", name="uq_scenario_grade"),
    )
    op.create_index("ix_scenario_grades_attempt_id", "scenario_grades", ["attempt_id"])
    op.create_table(
        "scenario_settings",
        sa.Column("case_id", sa.String(16), primary_key=True),
        sa.Column("time_scale", sa.Float(), nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("scenario_settings")
    op.drop_index("ix_scenario_grades_attempt_id", table_name="scenario_grades")
    op.drop_table("scenario_grades")
    op.drop_index("ix_scenario_turns_attempt_id", table_name="scenario_turns")
    op.drop_table("scenario_turns")
    op.drop_index("ix_scenario_attempts_case_id", table_name="scenario_attempts")
    op.drop_index("ix_scenario_attempts_user_id", table_name="scenario_attempts")
    op.drop_table("scenario_attempts")

"""disputes; several trainers per graded criterion, with a comment and blind flag

Revision ID: 0006_disputes
Revises: sec_0003_scenario_turn_unique
Depends on: sec_0001_quiz_answer_key (disputes reference quiz attempts)
Create Date: 2026-11-30

Existing grades keep their grader; the unique key becomes (attempt, criterion, grader).
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_disputes"
down_revision = "sec_0003_scenario_turn_unique"
branch_labels = None
depends_on = "sec_0001_quiz_answer_key"


def upgrade() -> None:
    with op.batch_alter_table("scenario_grades") as batch:
        batch.drop_constraint("uq_scenario_grade", type_="unique")
        batch.add_column(sa.Column("auto_status", sa.String(8), nullable=True))
        batch.add_column(sa.Column("comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("blind", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_unique_constraint("uq_scenario_grade_grader", ["attempt_id", "criterion", "grader_id"])
    op.create_table(
        "disputes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("scenario_attempt_id", sa.Integer(), sa.ForeignKey("scenario_attempts.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("quiz_attempt_id", sa.Integer(), sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), nullable=True),
        sa.Column("question_id", sa.String(16), nullable=True),
        sa.Column("case_id", sa.String(16), nullable=True),
        sa.Column("criterion", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("auto_status", sa.String(8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="open"),
        sa.Column("open_key", sa.String(80), nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolver_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("score_before", sa.Float(), nullable=True),
        sa.Column("score_after", sa.Float(), nullable=True),
        sa.Column("validation_id", sa.String(32), nullable=True),
    )
    op.create_index("ix_disputes_user_id", "disputes", ["user_id"])
    op.create_index("ix_disputes_state", "disputes", ["state"])
    op.create_index("ix_disputes_scenario_attempt_id", "disputes", ["scenario_attempt_id"])
    op.create_index("ix_disputes_quiz_attempt_id", "disputes", ["quiz_attempt_id"])


def downgrade() -> None:
    op.drop_table("disputes")
    with op.batch_alter_table("scenario_grades") as batch:
        batch.drop_constraint("uq_scenario_grade_grader", type_="unique")
        batch.drop_column("blind")
        batch.drop_column("comment")
        batch.drop_column("auto_status")
        batch.create_unique_constraint("uq_scenario_grade", ["attempt_id", "criterion"])

"""a trainer's answer to a possible critical failure the scorer sent for review

Revision ID: 0007_critical_review
Revises: 0006_disputes
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_critical_review"
down_revision = "0006_disputes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_critical_reviews",
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey("scenario_attempts.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("reviewer_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("score_before", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("scenario_critical_reviews")

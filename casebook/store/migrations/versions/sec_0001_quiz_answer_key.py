"""quiz: per-attempt answer key (opaque id -> bank index), kept on the server

Revision ID: sec_0001_quiz_answer_key
Revises: 0003_training
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = "sec_0001_quiz_answer_key"
down_revision = "0003_training"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quiz_attempt_items") as batch:
        batch.add_column(sa.Column("answer_key", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quiz_attempt_items") as batch:
        batch.drop_column("answer_key")

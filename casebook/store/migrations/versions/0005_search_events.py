"""search: searches and the results opened from them (for the content-gap log)

Revision ID: 0005_search_events
Revises: 0002_search
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_search_events"
down_revision = "0002_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_events",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("weak", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("hits", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("top_score", sa.Float(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False, server_default=""),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("opened_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_search_events_created_at", "search_events", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_search_events_created_at", table_name="search_events")
    op.drop_table("search_events")

"""search: past resolutions and the weak-search log

Revision ID: 0002_search
Revises: 0001_users
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_search"
down_revision = "0001_users"
branch_labels = ("search",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resolutions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("channel", sa.String(100), nullable=False, server_default=""),
        sa.Column("category", sa.String(100), nullable=False, server_default=""),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("agent", sa.String(100), nullable=False, server_default=""),
        sa.Column("rule_ids", sa.String(500), nullable=False, server_default=""),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_resolutions_date", "resolutions", ["date"])
    op.create_index("ix_resolutions_category", "resolutions", ["category"])
    op.create_table(
        "search_gaps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("top_score", sa.Float(), nullable=True),
        sa.Column("hits", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("source", sa.String(16), nullable=False, server_default=""),
    )
    op.create_index("ix_search_gaps_created_at", "search_gaps", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_search_gaps_created_at", table_name="search_gaps")
    op.drop_table("search_gaps")
    op.drop_index("ix_resolutions_category", table_name="resolutions")
    op.drop_index("ix_resolutions_date", table_name="resolutions")
    op.drop_table("resolutions")

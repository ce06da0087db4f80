"""users: session version (server-side session revocation)

Revision ID: sec_0002_session_version
Revises: 0001_users
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = "sec_0002_session_version"
down_revision = "0001_users"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")

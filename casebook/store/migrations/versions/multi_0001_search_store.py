"""search: the index in the database (documents, tokens, embeddings, generation)

Revision ID: multi_0001_search_store
Revises: 0005_search_events
Create Date: 2026-11-30

The database becomes the search index's source of truth, so several app servers serve one
index. Existing installations get empty tables: the next `casebook build` or
`casebook search index` fills them (vectors come from the old ~/.cache/casebook file cache when
it has them, so nothing is embedded twice).
"""
from alembic import op
import sqlalchemy as sa

revision = "multi_0001_search_store"
down_revision = "0005_search_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_embeddings",
        sa.Column("embedder", sa.String(120), primary_key=True),
        sa.Column("hash", sa.String(32), primary_key=True),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vec", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "search_tokens",
        sa.Column("tokenizer", sa.String(64), primary_key=True),
        sa.Column("hash", sa.String(32), primary_key=True),
        sa.Column("tokens", sa.Text(), nullable=False),
    )
    op.create_table(
        "search_documents",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("passage_hash", sa.String(32), nullable=False),
        sa.Column("keyword_hash", sa.String(32), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_search_documents_generation", "search_documents", ["generation"])
    op.create_table(
        "search_index_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("generation", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("embedder", sa.String(120), nullable=False, server_default=""),
        sa.Column("embedder_spec", sa.String(500), nullable=False, server_default=""),
        sa.Column("tokenizer", sa.String(64), nullable=False, server_default=""),
        sa.Column("tokenizer_config", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("built_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("search_index_state")
    op.drop_index("ix_search_documents_generation", table_name="search_documents")
    op.drop_table("search_documents")
    op.drop_table("search_tokens")
    op.drop_table("search_embeddings")

"""source_definitions: sources declared in the store (issue 20), each with the definition file
it was added with; child_links.source widened to the 16 characters a source name may have

Declared sources' record tables are created by the store when a source is added, from its
definition (padan.store.declared), not by a revision.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_definitions",
        sa.Column("source", sa.String(length=16), primary_key=True),
        sa.Column("extract", sa.String(length=40), nullable=False, unique=True),
        sa.Column("id_column", sa.String(length=63), nullable=False),
        sa.Column("record_columns", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    # On SQLite a copy of the table (Alembic's batch mode); elsewhere one ALTER.
    with op.batch_alter_table("child_links") as batch:
        batch.alter_column(
            "source",
            type_=sa.String(length=16),
            existing_type=sa.String(length=8),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("child_links") as batch:
        batch.alter_column(
            "source",
            type_=sa.String(length=8),
            existing_type=sa.String(length=16),
            existing_nullable=False,
        )
    op.drop_table("source_definitions")

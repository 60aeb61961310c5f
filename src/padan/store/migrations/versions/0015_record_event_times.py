"""record events: their times on SQLite in the text every other time has (naive UTC with
microseconds), not with a ``+00:00`` suffix; SQLite compares times as text (issue 18 review)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # PostgreSQL keeps timestamptz: nothing to do. On SQLite the events were written by the
    # driver as "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00" (always UTC); the DateTime type writes
    # "YYYY-MM-DD HH:MM:SS.ffffff".
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "UPDATE record_events SET at = substr(at, 1, 19) || CASE WHEN substr(at, 20, 1) = '.' "
        "THEN substr(at, 20, 7) ELSE '.000000' END "
        "WHERE at LIKE '%+00:00' OR length(at) = 19"
    )


def downgrade() -> None:
    # The normalised text is what the DateTime type reads: nothing to undo.
    pass

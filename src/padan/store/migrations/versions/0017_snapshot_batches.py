"""batches: whether a batch was applied as a snapshot (when, in which region), whether it
was the first load of its source (the baseline of the per-child events), and an index of
audit actions for the trends' caches (issue 18)

Batches stored before this revision are filled from what the store already holds:

* a batch that retired records (it has ``removed`` events) was a snapshot, applied when its
  first ``removed`` event was written; its region is not known (NULL: read as the whole
  source). Every other older batch is left NULL ("not known"): a complete extract that retired
  nothing cannot be told from a partial delivery, so the trends keep it as a point, as before.
* the first batch of each source is the baseline.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_COLUMNS = ("snapshot", "snapshot_at", "snapshot_scope", "baseline")


def upgrade() -> None:
    # Plain ADD COLUMN on every database (no table copy: other tables reference batches).
    op.add_column("batches", sa.Column("snapshot", sa.Boolean(), nullable=True))
    op.add_column("batches", sa.Column("snapshot_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("batches", sa.Column("snapshot_scope", sa.String(length=32), nullable=True))
    op.add_column(
        "batches", sa.Column("baseline", sa.Boolean(), nullable=False, server_default="0")
    )
    batches = sa.table(
        "batches",
        sa.column("id", sa.Integer()),
        sa.column("source", sa.String()),
        sa.column("snapshot", sa.Boolean()),
        sa.column("snapshot_at", sa.DateTime(timezone=True)),
        sa.column("baseline", sa.Boolean()),
    )
    events = sa.table(
        "record_events",
        sa.column("batch_id", sa.Integer()),
        sa.column("event", sa.String()),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    removed = sa.select(events.c.batch_id).where(events.c.event == "removed")
    first_removed = (
        sa.select(sa.func.min(events.c.at))
        .where(events.c.batch_id == batches.c.id, events.c.event == "removed")
        .scalar_subquery()
    )
    op.execute(
        batches.update()
        .where(batches.c.id.in_(removed))
        .values(snapshot=sa.true(), snapshot_at=first_removed)
    )
    # The trends' caches read the newest rewrite of history (retention) on every request.
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    first = sa.select(sa.func.min(batches.c.id)).group_by(batches.c.source)
    op.execute(batches.update().where(batches.c.id.in_(first)).values(baseline=sa.true()))


def downgrade() -> None:
    op.drop_index("ix_audit_log_action", table_name="audit_log")
    for name in reversed(_COLUMNS):
        # SQLite >= 3.35 drops a column in place; a table copy would cascade to the records.
        op.execute(f"ALTER TABLE batches DROP COLUMN {name}")

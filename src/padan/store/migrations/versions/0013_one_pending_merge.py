"""one held merge per pair: the first reviewer's approval of a merge across different valid NIKs
is unique per pair, so two reviewers approving at the same moment cannot both be left waiting
for a second reviewer (the later one now confirms the first).

A store may hold such twin rows from before; the first of each pair is kept, so that pair
still waits for a second, different reviewer.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM pending_merges WHERE id NOT IN "
        "(SELECT first_id FROM (SELECT MIN(id) AS first_id FROM pending_merges "
        "GROUP BY uid_a, uid_b) AS firsts)"
    )
    op.drop_index("ix_pending_merges_pair", table_name="pending_merges")
    op.create_index("ix_pending_merges_pair", "pending_merges", ["uid_a", "uid_b"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_pending_merges_pair", table_name="pending_merges")
    op.create_index("ix_pending_merges_pair", "pending_merges", ["uid_a", "uid_b"])

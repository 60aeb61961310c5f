"""link history: child links and pairs hold from a run until a later run changes them

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 22:20:00

Before, every run stored all its links and pairs again. Now a row holds from the run that
gave it (``run_id``) until the run that replaced it (``until_run``). Rows of earlier runs
held only in their own run, so they end in the next run id; the latest run's rows hold on.
The downgrade repeats each row for every run it held in, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("child_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("until_run", sa.Integer(), nullable=True))
        batch_op.drop_index("ix_child_links_child")
        batch_op.create_index("ix_child_links_child", ["child_id"], unique=False)
        batch_op.create_index("ix_child_links_record", ["source", "source_id"], unique=False)
    with op.batch_alter_table("link_pairs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("until_run", sa.Integer(), nullable=True))
        batch_op.drop_index("ix_link_pairs_uid_r")
        batch_op.drop_index("ix_link_pairs_decision")
        batch_op.create_index("ix_link_pairs_uid_r", ["uid_r"], unique=False)
        batch_op.create_index("ix_link_pairs_decision", ["decision"], unique=False)
        batch_op.create_index("ix_link_pairs_pair", ["uid_l", "uid_r"], unique=False)
    for table in ("child_links", "link_pairs"):
        op.execute(
            f"UPDATE {table} SET until_run = run_id + 1"  # noqa: S608 (our own table names)
            " WHERE run_id < (SELECT max(id) FROM link_runs)"
        )


def downgrade() -> None:
    # Back to a full copy per run: every row is repeated for each later run it held in.
    op.execute("""
        INSERT INTO child_links (run_id, source, source_id, child_id, match_probability)
        SELECT r.id, c.source, c.source_id, c.child_id, c.match_probability
        FROM child_links c JOIN link_runs r
          ON r.id > c.run_id AND (c.until_run IS NULL OR r.id < c.until_run)
    """)
    op.execute("""
        INSERT INTO link_pairs (run_id, uid_l, uid_r, match_probability, rule, decision)
        SELECT r.id, p.uid_l, p.uid_r, p.match_probability, p.rule, p.decision
        FROM link_pairs p JOIN link_runs r
          ON r.id > p.run_id AND (p.until_run IS NULL OR r.id < p.until_run)
    """)
    with op.batch_alter_table("link_pairs", schema=None) as batch_op:
        batch_op.drop_index("ix_link_pairs_pair")
        batch_op.drop_index("ix_link_pairs_decision")
        batch_op.drop_index("ix_link_pairs_uid_r")
        batch_op.create_index("ix_link_pairs_decision", ["run_id", "decision"], unique=False)
        batch_op.create_index("ix_link_pairs_uid_r", ["run_id", "uid_r"], unique=False)
        batch_op.drop_column("until_run")
    with op.batch_alter_table("child_links", schema=None) as batch_op:
        batch_op.drop_index("ix_child_links_record")
        batch_op.drop_index("ix_child_links_child")
        batch_op.create_index("ix_child_links_child", ["run_id", "child_id"], unique=False)
        batch_op.drop_column("until_run")

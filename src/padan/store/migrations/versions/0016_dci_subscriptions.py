"""DCI registry: the partners' subscriptions (with the linkage run each was notified up to)
and the recent transactions, kept in the database rather than a server process's memory

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dci_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=32), nullable=False, unique=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("notify_url", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_cursor", sa.Integer(), nullable=False),
        sa.Column("sent_parts", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.String(length=64), nullable=True),
    )
    op.create_index("ix_dci_subscriptions_user", "dci_subscriptions", ["username"])
    op.create_table(
        "dci_transactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("transaction_id", sa.String(length=99), nullable=False),
        sa.Column("txn_type", sa.String(length=16), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("statuses", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("username", "transaction_id", name="uq_dci_transactions_user_txn"),
    )
    op.create_index(
        "ix_dci_transactions_correlation", "dci_transactions", ["username", "correlation_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_dci_transactions_correlation", table_name="dci_transactions")
    op.drop_table("dci_transactions")
    op.drop_index("ix_dci_subscriptions_user", table_name="dci_subscriptions")
    op.drop_table("dci_subscriptions")

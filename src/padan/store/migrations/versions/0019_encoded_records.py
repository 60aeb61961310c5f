"""encoded_records: PPRL encodings (keyed Bloom filters and block keys) an agency sent instead
of its extract (issue 21, item 2); never the secret, never a plaintext identifier

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_FIELDS = ("name", "mother", "birth_date", "sex", "region", "nik", "kk")


def upgrade() -> None:
    op.create_table(
        "encoded_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "batch_id",
            sa.Integer(),
            sa.ForeignKey("batches.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=128), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("superseded_by", sa.Integer()),
        sa.Column("schema_sha256", sa.String(length=64), nullable=False),
        *(sa.Column(f"f_{name}", sa.LargeBinary()) for name in _FIELDS),
        sa.Column("record", sa.LargeBinary()),
        sa.Column("blocks", sa.Text(), nullable=False),
        sa.Column("regency", sa.String(length=16)),
    )
    op.create_index("ix_encoded_records_record", "encoded_records", ["source", "record_id"])
    op.create_index("ix_encoded_records_batch", "encoded_records", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_encoded_records_batch", table_name="encoded_records")
    op.drop_index("ix_encoded_records_record", table_name="encoded_records")
    op.drop_table("encoded_records")

"""account lifecycle: forced password change, API token expiry and revocation time

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 00:10:00

``users.must_change_password`` sends a user to the change-password page after login until the
password is changed. ``api_tokens.expires_at`` (NULL: never, only when asked for explicitly) and
``api_tokens.revoked_at`` (when ``revoked`` was set) let tokens end. Tokens made before this
revision keep no expiry: revoke them (``padan token revoke``) to end them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")

"""Tables of the web app: users, API tokens, sessions, login attempts, audit log, second reviews."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from padan.store.tables import metadata

__all__ = [
    "api_tokens",
    "audit_log",
    "login_attempts",
    "pending_merges",
    "users",
    "web_sessions",
]

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, PHC string
    Column("role", String(32), nullable=False),
    Column("region", String(16)),  # dotted region code; petugas_daerah only
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, server_default="0"),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("client", String(64), nullable=False),
    Column("success", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_client_at", "client", "at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(32), nullable=False),  # search | profile | export | decision | ...
    Column("target", Text, nullable=False),  # what was asked for (query, child id, pair, file)
    Column("child_ids", Text, nullable=False),  # " id1 id2 " the children whose data was shown
    Column("purpose", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("row_hash", String(64), nullable=False),
    Index("ix_audit_log_at", "at"),
)

pending_merges = Table(
    "pending_merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uid_a", String(160), nullable=False),
    Column("uid_b", String(160), nullable=False),
    Column("reviewer", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_pending_merges_pair", "uid_a", "uid_b"),
)

# Indexes on earlier tables for the web app's searches, profiles and review queue.
from padan.store.tables import dtsen_individu, kpai_kasus, link_pairs  # noqa: E402

Index("ix_dtsen_individu_nama_norm", dtsen_individu.c.nama_norm)
Index("ix_dtsen_individu_nik", dtsen_individu.c.nik)
Index("ix_dtsen_individu_id_keluarga", dtsen_individu.c.id_keluarga)
Index("ix_kpai_kasus_nama_anak_norm", kpai_kasus.c.nama_anak_norm)
Index("ix_kpai_kasus_nik_anak", kpai_kasus.c.nik_anak)
Index("ix_link_pairs_uid_r", link_pairs.c.uid_r)
Index("ix_link_pairs_decision", link_pairs.c.decision)

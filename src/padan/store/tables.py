"""Table definitions (SQLAlchemy Core). Changes here need an Alembic revision in ``migrations/``."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    or_,
)

__all__ = [
    "RECORD_TABLES",
    "batches",
    "child_events",
    "child_links",
    "dtsen_individu",
    "held_in_run",
    "kpai_kasus",
    "lembaga",
    "link_pairs",
    "link_runs",
    "metadata",
    "quarantine",
    "record_table_of",
    "review_decisions",
]

metadata = MetaData()

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(16), nullable=False),
    Column("extract", String(32), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_format", String(16), nullable=False),
    Column("file_encoding", String(16)),
    Column("content_sha256", String(64), nullable=False),
    Column("mapping", Text),
    Column("rows_read", Integer, nullable=False),
    Column("rows_accepted", Integer, nullable=False),
    Column("rows_quarantined", Integer, nullable=False),
    Column("rows_superseding", Integer, nullable=False, server_default="0"),
    Column("flag_counts", Text, nullable=False),  # JSON object: "column:reason" -> count
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("padan_version", String(32), nullable=False),
    # Snapshots (migration 0017): True when the batch was applied as a complete extract of its
    # source (``--snapshot``), False when not, NULL for a batch ingested before Padan recorded
    # it; when it was applied (a file stored before may be applied later) and in which region.
    Column("snapshot", Boolean),
    Column("snapshot_at", DateTime(timezone=True)),
    Column("snapshot_scope", String(32)),
    # The first load of its source (or of a snapshot's region): its records are the baseline,
    # not "entered" or "new" (migration 0017).
    Column("baseline", Boolean, nullable=False, server_default="0"),
    UniqueConstraint("source", "content_sha256", name="uq_batches_source_content"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("batch_id", ForeignKey("batches.id", ondelete="CASCADE"), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("column_name", String(64)),
    Column("value", Text),
    Column("reason", String(64), nullable=False),
    Column("reason_id", Text, nullable=False),
    Column("reason_en", Text, nullable=False),
    Column("raw", Text, nullable=False),  # the whole row as written (JSON)
    Index("ix_quarantine_batch_row", "batch_id", "row_number"),
)


def record_table_of(
    name: str, id_column: str, *columns: Column[object], meta: MetaData = metadata
) -> Table:
    """A table of records of one extract: the declared ``columns`` and the batch bookkeeping.
    Declared sources (:mod:`padan.store.declared`) build theirs in a ``meta`` of their own."""
    return Table(
        name,
        meta,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        Column("batch_id", ForeignKey(batches.c.id, ondelete="CASCADE"), nullable=False),
        Column("row_number", Integer, nullable=False),
        Column("is_current", Boolean, nullable=False),
        Column("superseded_by", Integer),
        *columns,
        Column("flags", Text, nullable=False),  # ";"-joined "column:reason" codes
        Column(
            "raw", Text, nullable=False
        ),  # the row as written (JSON), header names as in the file
        Index(f"ix_{name}_{id_column}", id_column),
        Index(f"ix_{name}_batch", "batch_id"),
    )


def _s(name: str, length: int = 64) -> Column[object]:
    return Column(name, String(length))


def _t(name: str) -> Column[object]:
    return Column(name, Text)


def _d(name: str) -> Column[object]:
    return Column(name, Date)


def _i(name: str) -> Column[object]:
    return Column(name, Integer)


def _b(name: str) -> Column[object]:
    return Column(name, Boolean)


kpai_kasus = record_table_of(
    "kpai_kasus",
    "no_pengaduan",
    Column("no_pengaduan", String(128), nullable=False),
    _d("tanggal_pengaduan"),
    _s("nik_anak"),
    _s("nik_anak_status", 8),
    _t("nama_anak"),
    _t("nama_anak_norm"),
    _s("jenis_kelamin", 1),
    _t("tempat_lahir"),
    _d("tanggal_lahir"),
    _i("usia"),
    _t("nama_ibu"),
    _t("nama_ibu_norm"),
    _t("nama_ayah"),
    _t("nama_ayah_norm"),
    _t("alamat"),
    _s("kode_wilayah", 16),
    _s("wilayah_level", 8),
    _s("klaster", 4),
    _s("kategori", 1),
    _s("peran_abh", 8),
    _s("ragam_disabilitas", 16),
    _s("status_penanganan", 8),
)

dtsen_individu = record_table_of(
    "dtsen_individu",
    "id_individu",
    Column("id_individu", String(128), nullable=False),
    _s("id_keluarga", 128),
    _s("no_kk"),
    _s("no_kk_status", 8),
    _s("nik"),
    _s("nik_status", 8),
    _s("status_padan_dukcapil", 12),
    _t("nama"),
    _t("nama_norm"),
    _s("jenis_kelamin", 1),
    _t("tempat_lahir"),
    _d("tanggal_lahir"),
    _s("hubungan_keluarga", 16),
    _t("nama_ibu_kandung"),
    _t("nama_ibu_kandung_norm"),
    _t("alamat"),
    _s("kode_wilayah", 16),
    _s("wilayah_level", 8),
    _i("desil"),
    _s("ragam_disabilitas", 16),
    _s("status_sekolah", 16),
    _b("penerima_pkh"),
    _b("penerima_sembako"),
    _b("penerima_pbi_jk"),
    _b("penerima_pip"),
    _b("penerima_atensi"),
)

lembaga = record_table_of(
    "lembaga",
    "id_lembaga",
    Column("id_lembaga", String(128), nullable=False),
    _t("nama_lembaga"),
    _s("jenis", 16),
    _s("kode_wilayah", 16),
    _s("wilayah_level", 8),
    _t("alamat"),
    _s("status_izin", 16),
    _s("akreditasi", 8),
    _d("tanggal_akreditasi"),
    _i("kapasitas"),
    _i("jumlah_anak"),
    _i("jumlah_pekerja_sosial"),
    _i("jumlah_pekerja_sosial_bersertifikat"),
)

#: Record table by extract name, with the column holding each source's own record id.
RECORD_TABLES: dict[str, tuple[Table, str]] = {
    "kpai_kasus": (kpai_kasus, "no_pengaduan"),
    "dtsen_individu": (dtsen_individu, "id_individu"),
    "lembaga": (lembaga, "id_lembaga"),
}

link_runs = Table(
    "link_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("model_version", String(32), nullable=False),
    Column("link_threshold", Float, nullable=False),
    Column("review_threshold", Float, nullable=False),
    Column("records", Integer, nullable=False),
    Column("children", Integer, nullable=False),
    Column("batches", Text, nullable=False),  # JSON list of the batch ids linked
)

# A run's links and pairs are the rows that hold in it: each row starts in the run that
# first gave it (``run_id``) and holds until a later run changes it (``until_run``, NULL while
# it still holds). An incremental run writes only what changed, not a million rows again.
child_links = Table(
    "child_links",
    metadata,
    Column("run_id", ForeignKey("link_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(16), primary_key=True),
    Column("source_id", String(128), primary_key=True),
    Column("child_id", String(32), nullable=False),
    Column("match_probability", Float),  # strongest link of the record within its child; null alone
    Column("until_run", Integer),  # the run that replaced this row; null: it holds now
    Index("ix_child_links_child", "child_id"),
    Index("ix_child_links_record", "source", "source_id"),
)

link_pairs = Table(
    "link_pairs",
    metadata,
    Column("run_id", ForeignKey("link_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("uid_l", String(160), primary_key=True),
    Column("uid_r", String(160), primary_key=True),
    Column("match_probability", Float, nullable=False),
    Column("rule", String(8), nullable=False),  # nik | model
    Column("decision", String(8), nullable=False),  # link | review | refused | apart
    Column("until_run", Integer),  # as in child_links
    Index("ix_link_pairs_pair", "uid_l", "uid_r"),
)


def held_in_run(table: Table, run_id: object) -> ColumnElement[bool]:
    """The rows of ``child_links`` or ``link_pairs`` that hold in run ``run_id`` (a value or a
    bind parameter)."""
    return and_(
        table.c.run_id <= run_id, or_(table.c.until_run.is_(None), table.c.until_run > run_id)
    )


child_events = Table(
    "child_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("link_runs.id", ondelete="CASCADE"), nullable=False),
    Column("event", String(8), nullable=False),  # new | merge | split | retired
    Column("child_id", String(32), nullable=False),
    Column("other_child_id", String(32)),  # merge: the id merged in; split: the id split from
    Column("records", Integer, nullable=False),
    Index("ix_child_events_run", "run_id"),
)

review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uid_a", String(160), nullable=False),
    Column("uid_b", String(160), nullable=False),
    Column("decision", String(10), nullable=False),  # same | different | unsure
    Column("reviewer", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Index("ix_review_decisions_pair", "uid_a", "uid_b"),
)

# Indexes on earlier tables for the web app's searches, profiles and review queue.
Index("ix_dtsen_individu_nama_norm", dtsen_individu.c.nama_norm)
Index("ix_dtsen_individu_nik", dtsen_individu.c.nik)
Index("ix_dtsen_individu_id_keluarga", dtsen_individu.c.id_keluarga)
Index("ix_kpai_kasus_nama_anak_norm", kpai_kasus.c.nama_anak_norm)
Index("ix_kpai_kasus_nik_anak", kpai_kasus.c.nik_anak)
Index("ix_link_pairs_uid_r", link_pairs.c.uid_r)
Index("ix_link_pairs_decision", link_pairs.c.decision)

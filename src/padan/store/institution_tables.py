"""Tables of the institution registry: institutions, their history, inspections, findings,
complaint links and deduplication runs. Same ``metadata`` as :mod:`padan.store.tables`.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from padan.store.tables import metadata

__all__ = [
    "INSTITUTION_FIELDS",
    "inspection_findings",
    "inspections",
    "institution_clusters",
    "institution_complaints",
    "institution_dedup_runs",
    "institution_history",
    "institution_pairs",
    "institutions",
]

#: The registry's fields an extract or a form may set (the exchange format's ``lembaga`` columns).
INSTITUTION_FIELDS = (
    "nama_lembaga",
    "jenis",
    "kode_wilayah",
    "alamat",
    "status_izin",
    "akreditasi",
    "tanggal_akreditasi",
    "kapasitas",
    "jumlah_anak",
    "jumlah_pekerja_sosial",
    "jumlah_pekerja_sosial_bersertifikat",
)

institutions = Table(
    "institutions",
    metadata,
    Column("id_lembaga", String(128), primary_key=True),
    Column("nama_lembaga", Text, nullable=False),
    Column("jenis", String(16), nullable=False),
    Column("kode_wilayah", String(16), nullable=False),
    Column("alamat", Text),
    Column("status_izin", String(16)),
    Column("akreditasi", String(8)),
    Column("tanggal_akreditasi", Date),
    Column("kapasitas", Integer),
    Column("jumlah_anak", Integer),
    Column("jumlah_pekerja_sosial", Integer),
    Column("jumlah_pekerja_sosial_bersertifikat", Integer),
    Column("origin", String(8), nullable=False),  # extract | form
    Column("extract_batch_id", Integer),  # the lembaga batch last taken over
    Column("extract_values", Text),  # JSON: the extract's values last taken over
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

institution_history = Table(
    "institution_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "id_lembaga",
        ForeignKey("institutions.id_lembaga", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("version", Integer, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", String(64), nullable=False),
    Column("source", String(32), nullable=False),  # extract:BATCH | form
    Column("changes", Text, nullable=False),  # JSON: field -> [old, new]
    Column("reason", Text),
    Index("ix_institution_history_lembaga", "id_lembaga", "version"),
)

inspections = Table(
    "inspections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "id_lembaga",
        ForeignKey("institutions.id_lembaga", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("checklist_id", String(64), nullable=False),
    Column("checklist_version", String(16), nullable=False),
    Column("visited_on", Date, nullable=False),
    Column("inspector", String(64), nullable=False),
    Column("notes", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("input_sha256", String(64), nullable=False),  # same input twice = one inspection
    UniqueConstraint("input_sha256", name="uq_inspections_input"),
    Index("ix_inspections_lembaga", "id_lembaga", "visited_on"),
)

inspection_findings = Table(
    "inspection_findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("inspection_id", ForeignKey("inspections.id", ondelete="CASCADE"), nullable=False),
    Column("item_code", String(32), nullable=False),
    Column("severity", String(8), nullable=False),  # RINGAN | SEDANG | BERAT
    Column("note", Text),
    Column("action", Text),  # corrective action asked for
    Column("due_on", Date),
    Column("status", String(8), nullable=False),  # terbuka | proses | selesai
    Column("closed_on", Date),
    Column("follow_up", Text),  # JSON list of {on, by, status, note}
    Index("ix_inspection_findings_inspection", "inspection_id"),
)

institution_complaints = Table(
    "institution_complaints",
    metadata,
    Column(
        "id_lembaga",
        ForeignKey("institutions.id_lembaga", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("no_pengaduan", String(128), primary_key=True),
    Column("linked_by", String(64), nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
)

institution_dedup_runs = Table(
    "institution_dedup_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("link_threshold", Float, nullable=False),
    Column("review_threshold", Float, nullable=False),
    Column("records", Integer, nullable=False),
    Column("clusters", Integer, nullable=False),
)

institution_pairs = Table(
    "institution_pairs",
    metadata,
    Column("run_id", ForeignKey("institution_dedup_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("id_a", String(128), primary_key=True),
    Column("id_b", String(128), primary_key=True),
    Column("match_probability", Float, nullable=False),
    Column("decision", String(8), nullable=False),  # link | review | refused
)

institution_clusters = Table(
    "institution_clusters",
    metadata,
    Column("run_id", ForeignKey("institution_dedup_runs.id", ondelete="CASCADE"), primary_key=True),
    Column("id_lembaga", String(128), primary_key=True),
    Column("cluster_id", String(128), nullable=False),  # the representative's id_lembaga
)

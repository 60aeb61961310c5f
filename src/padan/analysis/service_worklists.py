"""Named worklists of the service-data indicators (:mod:`padan.analysis.service_gaps`).

``tanpa_layanan_atensi``: ABH and violence victims known to KPAI or SIMFONI-PPA with no
Kemensos service (only when the snapshot holds service records; otherwise ``tanpa_atensi``
lists them on DTSEN's flag). ``simfoni_belum_di_kpai``: SIMFONI-PPA victims KPAI does not know.
``layanan_lembaga_tak_berizin``: services given by an institution the registry holds as
unlicensed, or by an LKS it does not hold.
"""

from __future__ import annotations

import duckdb

from padan.analysis.children import ReportInputs
from padan.analysis.model import Worklist
from padan.analysis.service_gaps import BASIS_SERVICE, atensi_basis

__all__ = ["service_worklists"]

_REVIEW = "CASE WHEN c.uncertain THEN 'ya' ELSE 'tidak' END"
# One row per child of its KPAI complaints and SIMFONI-PPA records (either may be missing).
_KNOWN = """
    SELECT c.child_id,
        (SELECT string_agg(no_pengaduan, ', ' ORDER BY no_pengaduan) FROM k
            WHERE k.child_id = c.child_id) AS no_pengaduan,
        (SELECT string_agg(DISTINCT no_kasus, ', ' ORDER BY no_kasus) FROM s
            WHERE s.child_id = c.child_id) AS no_kasus,
        coalesce(
            (SELECT arg_max(nama_anak, tanggal_pengaduan) FROM k WHERE k.child_id = c.child_id),
            (SELECT arg_max(nama_korban, tanggal_lapor) FROM s WHERE s.child_id = c.child_id))
            AS nama_anak,
        (SELECT string_agg(DISTINCT kategori, ',' ORDER BY kategori) FROM k
            WHERE k.child_id = c.child_id) AS kategori,
        (SELECT string_agg(DISTINCT jenis_kekerasan, ';' ORDER BY jenis_kekerasan) FROM s
            WHERE s.child_id = c.child_id) AS jenis_kekerasan
    FROM child c
"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in con.execute(sql).fetchall()]


def _without_service(con: duckdb.DuckDBPyConnection, inputs: ReportInputs) -> Worklist:
    rows: list[tuple[object, ...]] = []
    if atensi_basis(inputs.kemensos) == BASIS_SERVICE:
        ref = inputs.reference_date.isoformat()
        rows = _rows(
            con,
            f"""
            SELECT CASE WHEN c.abh_without_atensi THEN 'ABH' ELSE 'korban' END, c.child_id,
                p.no_pengaduan, p.no_kasus, p.nama_anak, p.kategori, p.jenis_kekerasan,
                c.first_complaint, date_diff('day', c.first_complaint, DATE '{ref}'),
                c.region, {_REVIEW}
            FROM child c JOIN ({_KNOWN}) p USING (child_id)
            WHERE c.abh_without_atensi OR c.victims_without_atensi
            ORDER BY 1, c.region, c.child_id
        """,
        )
    return Worklist(
        "tanpa_layanan_atensi",
        "ABH dan korban kekerasan (KPAI atau SIMFONI-PPA) tanpa layanan ATENSI tercatat",
        (
            "kelompok",
            "child_id",
            "no_pengaduan",
            "no_kasus",
            "nama_anak",
            "kategori",
            "jenis_kekerasan",
            "tanggal_pengaduan",
            "hari_sejak_pengaduan",
            "kode_wilayah",
            "perlu_tinjauan",
        ),
        rows,
    )


def _simfoni_not_in_kpai(con: duckdb.DuckDBPyConnection) -> Worklist:
    rows = _rows(
        con,
        f"""
        SELECT c.child_id, string_agg(s.id_korban, ', ' ORDER BY s.id_korban),
            string_agg(DISTINCT s.no_kasus, ', ' ORDER BY s.no_kasus),
            arg_max(s.nama_korban, s.tanggal_lapor), arg_max(s.jenis_kelamin, s.tanggal_lapor),
            max(s.usia), string_agg(DISTINCT s.jenis_kekerasan, ';' ORDER BY s.jenis_kekerasan),
            min(s.tanggal_lapor), arg_max(s.id_unit_layanan, s.tanggal_lapor),
            arg_max(s.status_penanganan, s.tanggal_lapor),
            CASE WHEN c.served_children THEN 'ya' ELSE 'tidak' END, c.region, {_REVIEW}
        FROM child c JOIN s USING (child_id)
        WHERE c.simfoni_not_in_kpai
        GROUP BY c.child_id, c.served_children, c.region, c.uncertain
        ORDER BY c.region, c.child_id
    """,
    )
    return Worklist(
        "simfoni_belum_di_kpai",
        "Korban dalam kasus SIMFONI-PPA yang tidak dikenal KPAI",
        (
            "child_id",
            "id_korban",
            "no_kasus",
            "nama_anak",
            "jenis_kelamin",
            "usia",
            "jenis_kekerasan",
            "tanggal_lapor",
            "id_unit_layanan",
            "status_penanganan",
            "mendapat_layanan",
            "kode_wilayah",
            "perlu_tinjauan",
        ),
        rows,
    )


def _unlicensed(con: duckdb.DuckDBPyConnection) -> Worklist:
    rows = _rows(
        con,
        f"""
        SELECT c.child_id, m.id_layanan, m.tanggal_layanan, m.komponen_atensi, m.id_lembaga,
            m.nama_lembaga, m.jenis_lembaga,
            CASE WHEN m.unregistered THEN 'TIDAK_TERDAFTAR' ELSE m.status_izin END,
            m.nama_anak, c.region, {_REVIEW}
        FROM child c JOIN m USING (child_id)
        WHERE m.unlicensed
        ORDER BY c.region, m.id_lembaga, c.child_id, m.id_layanan
    """,
    )
    return Worklist(
        "layanan_lembaga_tak_berizin",
        "Anak yang dilayani lembaga tidak berizin atau tidak terdaftar",
        (
            "child_id",
            "id_layanan",
            "tanggal_layanan",
            "komponen_atensi",
            "id_lembaga",
            "nama_lembaga",
            "jenis_lembaga",
            "status_izin",
            "nama_anak",
            "kode_wilayah",
            "perlu_tinjauan",
        ),
        rows,
    )


def service_worklists(con: duckdb.DuckDBPyConnection, inputs: ReportInputs) -> list[Worklist]:
    """The three worklists for the children of the ``child`` table (names included)."""
    return [_without_service(con, inputs), _simfoni_not_in_kpai(con), _unlicensed(con)]

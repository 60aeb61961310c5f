"""Named worklists for follow-up: who to propose to DTSEN, who to reach with which program."""

from __future__ import annotations

import duckdb

from padan.analysis.children import ReportInputs
from padan.analysis.model import Worklist
from padan.analysis.rules import Rules
from padan.analysis.service_worklists import service_worklists

__all__ = ["build_worklists"]

_KPAI_PART = """
    SELECT child_id, string_agg(no_pengaduan, ', ' ORDER BY no_pengaduan) AS no_pengaduan,
        arg_max(nama_anak, tanggal_pengaduan) AS nama_anak,
        arg_max(jenis_kelamin, tanggal_pengaduan) AS jenis_kelamin,
        min(tanggal_lahir) AS tanggal_lahir, max(usia) AS usia,
        arg_max(nik_anak, nik_anak IS NOT NULL) AS nik_anak,
        arg_max(nik_anak_status, nik_anak IS NOT NULL) AS status_nik,
        string_agg(DISTINCT klaster, ',' ORDER BY klaster) AS klaster,
        string_agg(DISTINCT kategori, ',' ORDER BY kategori) AS kategori,
        string_agg(DISTINCT peran_abh, ',' ORDER BY peran_abh) AS peran_abh
    FROM k GROUP BY child_id
"""
_DTSEN_PART = """
    SELECT child_id, min(id_individu) AS id_individu, arg_min(id_keluarga, id_individu)
        AS id_keluarga, arg_min(nama, id_individu) AS nama_dtsen
    FROM d WHERE child_id IN (SELECT child_id FROM child) GROUP BY child_id
"""
_REASON = {
    "review": "menunggu tinjauan (di antara ambang tinjauan {rt:.2f} dan tautan {lt:.2f})",
    "refused": "penggabungan ditahan penjaga: mungkin kembar, mungkin satu anak tercatat dua kali",
    "apart": "dipisahkan penjaga (NIK terverifikasi berbeda, dua kepala keluarga, kembar, "
    "saudara kandung, atau tanggal lahir berbeda)",
    "link": "dipisahkan oleh keputusan peninjau atau penjaga",
}


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in con.execute(sql).fetchall()]


def _candidates(
    con: duckdb.DuckDBPyConnection, flag: str
) -> dict[str, list[tuple[str, str, str, str, float, str]]]:
    """Closest DTSEN candidates of each child with ``flag``: (kpai uid, other uid, dtsen id,
    name, p, decision). The other record is the DTSEN record, or a record of a child that has
    DTSEN records (each of them is then a candidate)."""
    rows = con.execute(f"""
        WITH kp AS (
            SELECT 'kpai:' || no_pengaduan AS uid, child_id FROM k
            WHERE child_id IN (SELECT child_id FROM child WHERE {flag})
        ), c AS (
            SELECT kp.child_id, kp.uid, p.uid_r AS other, p.match_probability, p.decision
            FROM pairs_in p JOIN kp ON kp.uid = p.uid_l
            UNION ALL
            SELECT kp.child_id, kp.uid, p.uid_l, p.match_probability, p.decision
            FROM pairs_in p JOIN kp ON kp.uid = p.uid_r
        ), via AS (
            SELECT c.*, l.child_id AS other_child FROM c
            JOIN links_in l ON l.source = split_part(c.other, ':', 1)
                AND l.source_id = substr(c.other, length(split_part(c.other, ':', 1)) + 2)
            WHERE NOT starts_with(c.other, 'dtsen:')
        )
        SELECT c.child_id, c.uid, c.other, d.id_individu, d.nama, c.match_probability, c.decision
        FROM c JOIN d ON c.other = 'dtsen:' || d.id_individu
        UNION ALL
        SELECT v.child_id, v.uid, v.other, d.id_individu, d.nama, v.match_probability, v.decision
        FROM via v JOIN d ON d.child_id = v.other_child
        ORDER BY 1, 6 DESC, 4, 2, 3
    """).fetchall()
    found: dict[str, list[tuple[str, str, str, str, float, str]]] = {}
    for child_id, uid, other, id_individu, nama, probability, decision in rows:
        found.setdefault(child_id, []).append(
            (uid, other, id_individu, nama, probability, decision)
        )
    return found


def _not_found(
    con: duckdb.DuckDBPyConnection, inputs: ReportInputs, flag: str
) -> list[tuple[object, ...]]:
    """The children with ``flag`` (not found, or only possibly found, in DTSEN), each with its
    closest DTSEN candidates and why they were not linked."""
    candidates = _candidates(con, flag)
    base = _rows(
        con,
        f"""
        SELECT c.child_id, p.no_pengaduan, p.nama_anak, p.jenis_kelamin, p.tanggal_lahir, p.usia,
            p.nik_anak, p.status_nik, c.region, p.klaster, p.kategori, c.uncertain
        FROM child c JOIN ({_KPAI_PART}) p USING (child_id)
        WHERE c.{flag} ORDER BY c.region, c.child_id
    """,
    )
    rows = []
    for row in base:
        found = candidates.get(str(row[0]), [])[:3]
        if found:
            evidence = "; ".join(
                f"{idv} {nama} (peluang {p:.2f}): "
                + _REASON.get(decision, decision).format(
                    rt=inputs.review_threshold, lt=inputs.link_threshold
                )
                for _, _, idv, nama, p, decision in found
            )
            check = f"padan explain {found[0][0]} {found[0][1]}"
        else:
            evidence = (
                f"tidak ada kandidat DTSEN dengan peluang ≥ {inputs.review_threshold:.2f} "
                "(dicari dengan NIK, nama, tanggal lahir, wilayah dan nama orang tua)"
            )
            check = ""
        rows.append((*row[:-1], "ya" if row[-1] else "tidak", evidence, check))
    return rows


_NOT_FOUND_COLUMNS = (
    "child_id",
    "no_pengaduan",
    "nama_anak",
    "jenis_kelamin",
    "tanggal_lahir",
    "usia",
    "nik_anak",
    "status_nik",
    "kode_wilayah",
    "klaster",
    "kategori",
    "perlu_tinjauan",
    "kandidat_terdekat",
    "periksa",
)


def _usulan_dtsen(con: duckdb.DuckDBPyConnection, inputs: ReportInputs) -> Worklist:
    return Worklist(
        "usulan_dtsen",
        "Usulan DTSEN: anak KPAI yang tidak ditemukan di DTSEN",
        _NOT_FOUND_COLUMNS,
        _not_found(con, inputs, "kpai_children_not_in_dtsen"),
    )


def _mungkin_terdaftar(con: duckdb.DuckDBPyConnection, inputs: ReportInputs) -> Worklist:
    # Not proposed to DTSEN: a reviewer's "same" on the waiting pair would find them there.
    return Worklist(
        "mungkin_terdaftar",
        "Mungkin terdaftar di DTSEN: anak KPAI yang pasangan DTSEN-nya menunggu pemeriksaan",
        _NOT_FOUND_COLUMNS,
        _not_found(con, inputs, "kpai_children_maybe_in_dtsen"),
    )


def _eligible(con: duckdb.DuckDBPyConnection, rules: Rules) -> Worklist:
    parts = [
        f"SELECT '{key}' AS program, c.child_id, c.desil, c.age, c.region, c.uncertain "
        f"FROM child c WHERE c.eligible_not_receiving_{key}"
        for key in rules.programs
    ]
    rows = _rows(
        con,
        f"""
        SELECT e.program, e.child_id, d.id_individu, d.id_keluarga, d.nama_dtsen, e.desil, e.age,
            e.region, p.no_pengaduan, CASE WHEN e.uncertain THEN 'ya' ELSE 'tidak' END
        FROM ({" UNION ALL ".join(parts)}) e
        JOIN ({_DTSEN_PART}) d USING (child_id) JOIN ({_KPAI_PART}) p USING (child_id)
        ORDER BY e.program, e.region, e.child_id
    """,
    )
    return Worklist(
        "layak_belum_menerima",
        "Layak tetapi belum menerima bantuan",
        (
            "program",
            "child_id",
            "id_individu",
            "id_keluarga",
            "nama",
            "desil",
            "usia",
            "kode_wilayah",
            "no_pengaduan",
            "perlu_tinjauan",
        ),
        rows,
    )


def _atensi(con: duckdb.DuckDBPyConnection) -> Worklist:
    rows = _rows(
        con,
        f"""
        SELECT CASE WHEN c.abh_without_atensi THEN 'ABH' ELSE 'korban' END, c.child_id,
            p.no_pengaduan, p.nama_anak, p.kategori, p.peran_abh,
            CASE WHEN c.kpai_children_in_dtsen THEN 'ya' ELSE 'tidak' END, d.id_individu, c.desil,
            c.region, CASE WHEN c.uncertain THEN 'ya' ELSE 'tidak' END
        FROM child c JOIN ({_KPAI_PART}) p USING (child_id)
        LEFT JOIN ({_DTSEN_PART}) d USING (child_id)
        WHERE c.abh_without_atensi OR c.victims_without_atensi ORDER BY 1, c.region, c.child_id
    """,
    )
    return Worklist(
        "tanpa_atensi",
        "ABH dan korban kekerasan/eksploitasi tanpa ATENSI",
        (
            "kelompok",
            "child_id",
            "no_pengaduan",
            "nama_anak",
            "kategori",
            "peran_abh",
            "di_dtsen",
            "id_individu",
            "desil",
            "kode_wilayah",
            "perlu_tinjauan",
        ),
        rows,
    )


def _disability(con: duckdb.DuckDBPyConnection) -> Worklist:
    rows = _rows(
        con,
        f"""
        SELECT c.child_id, p.no_pengaduan, p.nama_anak, nullif(c.kpai_dis, ''), d.id_individu,
            d.nama_dtsen, nullif(c.dtsen_dis, ''), c.region,
            CASE WHEN c.uncertain THEN 'ya' ELSE 'tidak' END
        FROM child c JOIN ({_KPAI_PART}) p USING (child_id) JOIN ({_DTSEN_PART}) d USING (child_id)
        WHERE c.disability_mismatch ORDER BY c.region, c.child_id
    """,
    )
    return Worklist(
        "verifikasi_disabilitas",
        "Verifikasi disabilitas: catatan KPAI dan DTSEN berbeda",
        (
            "child_id",
            "no_pengaduan",
            "nama_anak",
            "disabilitas_kpai",
            "id_individu",
            "nama_dtsen",
            "disabilitas_dtsen",
            "kode_wilayah",
            "perlu_tinjauan",
        ),
        rows,
    )


def _inclusion(con: duckdb.DuckDBPyConnection, rules: Rules) -> Worklist:
    received = " || ".join(
        f"CASE WHEN c.{rules.programs[p].column} THEN '{p} ' ELSE '' END"
        for p in rules.inclusion.programs
    )
    rows = _rows(
        con,
        f"""
        SELECT c.child_id, d.id_individu, d.id_keluarga, d.nama_dtsen, c.desil,
            trim({received or "''"}), c.region, CASE WHEN c.uncertain THEN 'ya' ELSE 'tidak' END
        FROM child c JOIN ({_DTSEN_PART}) d USING (child_id)
        WHERE c.inclusion_signals ORDER BY c.region, c.child_id
    """,
    )
    return Worklist(
        "sinyal_inklusi",
        f"Sinyal inklusi: bantuan diterima pada desil ≥ {rules.inclusion.min_desil}",
        (
            "child_id",
            "id_individu",
            "id_keluarga",
            "nama",
            "desil",
            "bantuan",
            "kode_wilayah",
            "perlu_tinjauan",
        ),
        rows,
    )


def build_worklists(
    con: duckdb.DuckDBPyConnection, inputs: ReportInputs, rules: Rules
) -> dict[str, Worklist]:
    """Every worklist for the children of the ``child`` table (names included)."""
    lists = [
        _usulan_dtsen(con, inputs),
        _mungkin_terdaftar(con, inputs),
        _eligible(con, rules),
        _atensi(con),
        _disability(con),
        _inclusion(con, rules),
        *service_worklists(con, inputs),
    ]
    return {w.key: w for w in lists}

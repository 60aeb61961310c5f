"""Indicators from service and case data (issue 20, item 3): Kemensos ATENSI service records
(``kemensos_layanan``), SIMFONI-PPA cases (``simfoni_kasus``) and the institution registry
(``lembaga``), read into the same ``child`` table as the KPAI indicators.

Children known only to SIMFONI-PPA or only to Kemensos services join ``child`` as rows whose
KPAI flags are all false, so every KPAI figure stays as it was and every new figure is again a
sum of flags (regions, suppression and worklists work unchanged). A source missing from the
snapshot is an empty table: the ATENSI indicators then fall back to DTSEN's
``penerima_atensi`` flag (:data:`BASIS_FLAG`), and the new figures are zero.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from padan.analysis.rules import Rules

__all__ = [
    "BASIS_FLAG",
    "BASIS_SERVICE",
    "KEMENSOS_COLUMNS",
    "LEMBAGA_COLUMNS",
    "MEDIAN_KEY",
    "SIMFONI_COLUMNS",
    "atensi_basis",
    "atensi_flags",
    "build_service_tables",
    "median_days",
    "service_flags",
    "service_keys",
    "within_key",
]

KEMENSOS_COLUMNS = (
    "id_layanan",
    "tanggal_layanan",
    "komponen_atensi",
    "id_lembaga",
    "jenis_lembaga",
    "nama_anak",
    "kode_wilayah",
    "status_layanan",
)
SIMFONI_COLUMNS = (
    "id_korban",
    "no_kasus",
    "tanggal_lapor",
    "jenis_kekerasan",
    "nama_korban",
    "jenis_kelamin",
    "usia",
    "kode_wilayah",
    "id_unit_layanan",
    "status_penanganan",
)
LEMBAGA_COLUMNS = ("id_lembaga", "nama_lembaga", "jenis", "status_izin")

#: The ATENSI indicators read Kemensos service records (the snapshot holds some).
BASIS_SERVICE = "kemensos_layanan"
#: ... or, when no service source was ingested at all, DTSEN's ``penerima_atensi`` flag.
BASIS_FLAG = "dtsen_penerima_atensi"
#: The key of the median wait (days) beside the counts (not a count: not in ``indicators``).
MEDIAN_KEY = "median_days_to_service"

# The institution kind the LKS registry must hold. Kemensos' Sentra and regional UPTD are
# government units, not licensed as LKS, and are not in the registry (docs/domain.md §5.2,
# §5.4, §5.10); a record that does not say its kind is not counted when the registry lacks it
# (it may well be a Sentra).
_REGISTERED_KINDS = "('lks')"


def within_key(days: int) -> str:
    """The key of "first service within ``days`` days of the first complaint"."""
    return f"served_within_{int(days)}_days"


def service_keys(rules: Rules) -> list[str]:
    """The keys of this module's indicators, in report order."""
    return [
        "known_children",
        "simfoni_children",
        "simfoni_not_in_kpai",
        "served_after_complaint",
        *(within_key(d) for d in rules.atensi.service_within_days),
        "served_children",
        "served_by_unlicensed",
    ]


def atensi_basis(kemensos: pa.Table | None) -> str:
    """Which data the ATENSI indicators rest on: service records when the snapshot holds a
    Kemensos service extract (even one without rows for these children), else DTSEN's flag."""
    return BASIS_FLAG if kemensos is None else BASIS_SERVICE


def _empty(columns: tuple[str, ...], dates: tuple[str, ...] = ()) -> pa.Table:
    return pa.table({c: pa.array([], pa.date32() if c in dates else pa.string()) for c in columns})


def build_service_tables(
    con: duckdb.DuckDBPyConnection,
    *,
    kemensos: pa.Table | None,
    simfoni: pa.Table | None,
    lembaga: pa.Table | None,
) -> None:
    """Create ``s`` (SIMFONI records + child), ``m`` (service records + child, with the
    registry's answer on their institution), ``cs`` and ``cm`` (one row per child).

    Needs ``links_in`` and ``k`` (see :func:`padan.analysis.children.build_children`).
    ``cm.unlicensed`` is true when one of the child's services was given by an institution the
    registry holds as ``TIDAK_BERIZIN``, or by an LKS the registry does not hold; never true
    without a registry (``lembaga`` is ``None``).
    """
    if kemensos is None:
        kemensos = _empty(KEMENSOS_COLUMNS, ("tanggal_layanan",))
    if simfoni is None:
        simfoni = _empty(SIMFONI_COLUMNS, ("tanggal_lapor",))
    registry = "FALSE" if lembaga is None else "TRUE"
    if lembaga is None:
        lembaga = _empty(LEMBAGA_COLUMNS)
    con.register("kemensos_in", kemensos)
    con.register("simfoni_in", simfoni)
    con.register("lembaga_in", lembaga)
    con.execute(f"""
        CREATE OR REPLACE TABLE s AS
        SELECT r.*, l.child_id FROM simfoni_in r
        JOIN links_in l ON l.source = 'simfoni' AND l.source_id = r.id_korban;
        CREATE OR REPLACE TABLE m AS
        SELECT r.*, l.child_id, g.status_izin, g.nama_lembaga,
            CASE
                WHEN NOT {registry} THEN NULL
                WHEN g.id_lembaga IS NOT NULL THEN g.status_izin = 'TIDAK_BERIZIN'
                ELSE coalesce(r.jenis_lembaga, '') IN {_REGISTERED_KINDS}
            END AS unlicensed,
            {registry} AND g.id_lembaga IS NULL
                AND coalesce(r.jenis_lembaga, '') IN {_REGISTERED_KINDS} AS unregistered
        FROM kemensos_in r
        JOIN links_in l ON l.source = 'kemensos' AND l.source_id = r.id_layanan
        LEFT JOIN (SELECT DISTINCT ON (id_lembaga) * FROM lembaga_in ORDER BY id_lembaga) g
            ON g.id_lembaga = r.id_lembaga;
        CREATE OR REPLACE TABLE cs AS
        SELECT child_id, count(*) AS simfoni_records, min(tanggal_lapor) AS first_report,
            arg_max(kode_wilayah, length(kode_wilayah) * 1000000
                + coalesce(date_diff('day', DATE '1900-01-01', tanggal_lapor), 0))
                AS simfoni_region
        FROM s GROUP BY child_id;
        CREATE OR REPLACE TABLE first_known AS
        SELECT child_id, min(day) AS first_complaint FROM (
            SELECT child_id, tanggal_pengaduan AS day FROM k
            UNION ALL SELECT child_id, tanggal_lapor FROM s
        ) WHERE day IS NOT NULL GROUP BY child_id;
        CREATE OR REPLACE TABLE cm AS
        SELECT m.child_id, count(*) AS services, min(m.tanggal_layanan) AS first_service,
            min(m.tanggal_layanan) FILTER (WHERE m.tanggal_layanan >= f.first_complaint)
                AS first_service_after,
            coalesce(bool_or(m.unlicensed), FALSE) AS unlicensed,
            arg_max(m.kode_wilayah, length(m.kode_wilayah) * 1000000
                + coalesce(date_diff('day', DATE '1900-01-01', m.tanggal_layanan), 0))
                AS kemensos_region
        FROM m LEFT JOIN first_known f USING (child_id) GROUP BY m.child_id;
    """)


def service_flags(rules: Rules) -> list[str]:
    """SQL of this module's flags over ``ck``, ``cs``, ``cm`` and ``fk`` (``first_known``)."""
    wait = "date_diff('day', fk.first_complaint, cm.first_service_after)"
    known = "(ck.child_id IS NOT NULL OR cs.child_id IS NOT NULL)"
    parts = [
        f"{known} AS known_children",
        "cs.child_id IS NOT NULL AS simfoni_children",
        "cs.child_id IS NOT NULL AND ck.child_id IS NULL AS simfoni_not_in_kpai",
        f"{known} AND cm.first_service_after IS NOT NULL AS served_after_complaint",
    ]
    for days in rules.atensi.service_within_days:
        parts.append(f"coalesce({known} AND {wait} <= {int(days)}, FALSE) AS {within_key(days)}")
    parts += [
        "cm.child_id IS NOT NULL AS served_children",
        "coalesce(cm.unlicensed, FALSE) AS served_by_unlicensed",
        f"CASE WHEN {known} THEN {wait} END AS days_to_service",
    ]
    return parts


def atensi_flags(basis: str) -> tuple[str, str]:
    """SQL of ``abh_without_atensi`` and ``victims_without_atensi`` on ``basis``.

    On DTSEN's flag (no service source): KPAI children of the ABH / victim kategori whose DTSEN
    records do not show ATENSI, as before service data. On service records: the same KPAI
    children, and every SIMFONI-PPA victim, whose profile holds no Kemensos service.
    """
    if basis == BASIS_FLAG:
        return (
            "coalesce(ck.abh AND NOT coalesce(cd.penerima_atensi, FALSE), FALSE)",
            "coalesce(ck.victim AND NOT coalesce(cd.penerima_atensi, FALSE), FALSE)",
        )
    return (
        "coalesce(ck.abh, FALSE) AND cm.child_id IS NULL",
        "(coalesce(ck.victim, FALSE) OR cs.child_id IS NOT NULL) AND cm.child_id IS NULL",
    )


_LEVELS = (("province", "prov", None), ("regency", "kab", "prov"), ("district", "kec", "kab"))


def median_days(
    con: duckdb.DuckDBPyConnection, *, below: str | None
) -> tuple[float | None, dict[tuple[str, str | None, str | None], float]]:
    """The median days from first complaint to first service: overall, and per
    ``(level, parent, code)`` of the ``child`` table (levels finer than ``below``)."""
    row = con.execute(
        "SELECT median(days_to_service) FROM child WHERE served_after_complaint"
    ).fetchone()
    total = None if row is None or row[0] is None else float(row[0])
    depth = {None: 0, "province": 1, "regency": 2, "district": 3, "village": 3}[below]
    found: dict[tuple[str, str | None, str | None], float] = {}
    for level, column, parent in _LEVELS[depth:]:
        rows = con.execute(
            f"SELECT {parent or 'NULL'}, {column}, median(days_to_service) FROM child "
            "WHERE served_after_complaint GROUP BY ALL"
        ).fetchall()
        for p, code, value in rows:
            found[(level, None if p is None else str(p), None if code is None else str(code))] = (
                float(value)
            )
    return total, found

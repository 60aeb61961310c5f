"""One row per KPAI child, with a flag per indicator, built in DuckDB from Arrow tables.

Every indicator is a count of KPAI children (clusters holding at least one KPAI record) whose
flag is true, so figures for any region, klaster or kategori are sums of the same flags, and the
same code computes them from Padan's clusters or from known truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from padan.analysis.rules import Rules
from padan.analysis.service_gaps import (
    atensi_basis,
    atensi_flags,
    build_service_tables,
    service_flags,
    service_keys,
)

__all__ = [
    "AID_COLUMNS",
    "DTSEN_COLUMNS",
    "KPAI_COLUMNS",
    "QUALITY_COLUMNS",
    "ReportInputs",
    "build_children",
    "indicator_keys",
]

KPAI_COLUMNS = (
    "no_pengaduan",
    "tanggal_pengaduan",
    "nik_anak",
    "nik_anak_status",
    "nama_anak",
    "jenis_kelamin",
    "tanggal_lahir",
    "usia",
    "kode_wilayah",
    "klaster",
    "kategori",
    "peran_abh",
    "ragam_disabilitas",
)
AID_COLUMNS = (
    "penerima_pkh",
    "penerima_sembako",
    "penerima_pbi_jk",
    "penerima_pip",
    "penerima_atensi",
)
DTSEN_COLUMNS = (
    "id_individu",
    "id_keluarga",
    "nik",
    "nik_status",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "kode_wilayah",
    "desil",
    "ragam_disabilitas",
    *AID_COLUMNS,
)

#: DTSEN columns data quality needs for every record.
QUALITY_COLUMNS = ("id_individu", "nik_status", "kode_wilayah")


@dataclass(frozen=True)
class ReportInputs:
    """What a report is computed from: the snapshot's records, clusters and doubtful pairs.

    ``links`` maps records to clusters (``source, source_id, child_id``): a run's child links,
    or known truth for evaluation. ``pairs`` are the run's stored pairs (``uid_l, uid_r,
    match_probability, rule, decision``); those not linked mark review-band children.
    ``reference_date`` is the snapshot date ages are computed at. ``dtsen_quality`` holds
    :data:`QUALITY_COLUMNS` of every DTSEN record when ``dtsen`` holds only those of KPAI
    children (``None``: ``dtsen`` holds them all). ``apart`` holds the pairs (``uid_l, uid_r``)
    a reviewer had decided "different" when the run started: no longer awaiting review, they do
    not make a child "possibly in DTSEN" (``None``: none).
    """

    kpai: pa.Table
    dtsen: pa.Table
    links: pa.Table
    pairs: pa.Table
    reference_date: dt.date
    link_threshold: float
    review_threshold: float
    dtsen_quality: pa.Table | None = None
    apart: pa.Table | None = None
    #: Kemensos service records (:data:`~padan.analysis.service_gaps.KEMENSOS_COLUMNS`),
    #: SIMFONI-PPA cases and the institution registry of the snapshot; ``None``: the snapshot
    #: holds no such source (the ATENSI indicators then read DTSEN's flag).
    kemensos: pa.Table | None = None
    simfoni: pa.Table | None = None
    lembaga: pa.Table | None = None
    #: The records are PPRL encodings (:mod:`padan.analysis.encoded`): ids and regency codes
    #: only, so only the coverage indicators can be computed.
    encoded: bool = False
    #: Whether the records carry their region: always for plaintext; for encodings only when
    #: the schema let the regency travel in the clear (else no regional report can be made).
    regional: bool = True


def indicator_keys(rules: Rules) -> list[str]:
    """Every indicator key in report order; programs follow the rules."""
    keys = [
        "kpai_children",
        "kpai_children_in_dtsen",
        "kpai_children_not_in_dtsen",
        "kpai_children_maybe_in_dtsen",
    ]
    for program in rules.programs:
        keys += [f"eligible_{program}", f"eligible_not_receiving_{program}"]
    return [
        *keys,
        "abh_without_atensi",
        "victims_without_atensi",
        "disability_mismatch",
        "inclusion_signals",
        *service_keys(rules),
    ]


def _in_list(values: tuple[str, ...]) -> str:
    # Values are validated Pasal 59 letters (see AtensiRule), never free text.
    return "(" + ", ".join(f"'{v}'" for v in values) + ")" if values else "(NULL)"


def _flags(rules: Rules, basis: str) -> str:
    kpai = _kpai_flags(rules)
    abh, victims = atensi_flags(basis)
    parts = [
        *(f"coalesce(ck.child_id IS NOT NULL AND ({expr}), FALSE) AS {key}" for expr, key in kpai),
        f"{abh} AS abh_without_atensi",
        f"{victims} AS victims_without_atensi",
        *service_flags(rules),
    ]
    return ",\n    ".join(parts)


def _kpai_flags(rules: Rules) -> list[tuple[str, str]]:
    """(SQL, key) of every flag about KPAI children (false for any other child)."""
    parts = [
        "TRUE AS kpai_children",
        "cd.child_id IS NOT NULL AS kpai_children_in_dtsen",
        # Not found, and no DTSEN record waits in the review queue with one of its records:
        # a child whose only DTSEN match is undecided is "maybe", not missing.
        "cd.child_id IS NULL AND NOT ck.maybe AS kpai_children_not_in_dtsen",
        "cd.child_id IS NULL AND ck.maybe AS kpai_children_maybe_in_dtsen",
    ]
    for key, rule in rules.programs.items():
        age = ""
        if rule.age_min is not None:
            age += f" AND cd.age >= {int(rule.age_min)}"
        if rule.age_max is not None:
            age += f" AND cd.age <= {int(rule.age_max)}"
        eligible = (
            f"coalesce(cd.desil BETWEEN {int(rule.desil_min)} AND {int(rule.desil_max)}{age}, "
            "FALSE)"
        )
        parts.append(f"{eligible} AS eligible_{key}")
        parts.append(f"{eligible} AND NOT cd.{rule.column} AS eligible_not_receiving_{key}")
    received = " OR ".join(f"cd.{rules.programs[p].column}" for p in rules.inclusion.programs)
    parts += [
        "coalesce(cd.dtsen_dis <> ck.kpai_dis, FALSE) AS disability_mismatch",
        f"coalesce(cd.desil >= {int(rules.inclusion.min_desil)} AND ({received or 'FALSE'}), "
        "FALSE) AS inclusion_signals",
    ]
    split = [p.rsplit(" AS ", 1) for p in parts]
    return [(expr, key) for expr, key in split]


def build_children(con: duckdb.DuckDBPyConnection, inputs: ReportInputs, rules: Rules) -> None:
    """Create tables ``k`` (KPAI records + child), ``d`` (DTSEN records + child), ``child``.

    ``child`` holds one row per KPAI child: ``child_id``, ``region`` (its DTSEN village when
    found, else its most precise KPAI code), ``prov``/``kab``/``kec``, ``uncertain`` (one of its
    records is in a pair left in the review band or refused), ``maybe`` (one of its KPAI records
    is in such a pair, which no reviewer has called different, with a record of a child that has
    a DTSEN record), DTSEN
    attributes and one boolean column per key of :func:`indicator_keys`.

    Children known only to SIMFONI-PPA or to Kemensos services are rows too, with every KPAI
    flag false (:mod:`padan.analysis.service_gaps`); ``days_to_service`` holds the days from a
    child's first complaint or report to its first service after it.
    """
    con.register("kpai_in", inputs.kpai)
    con.register("dtsen_in", inputs.dtsen)
    con.register("links_in", inputs.links)
    con.register("pairs_in", inputs.pairs)
    con.register(
        "dtsen_quality_in", inputs.dtsen if inputs.dtsen_quality is None else inputs.dtsen_quality
    )
    apart = inputs.apart
    if apart is None:
        apart = pa.table({"uid_l": pa.array([], pa.string()), "uid_r": pa.array([], pa.string())})
    con.register("apart_in", apart)
    ref = inputs.reference_date.isoformat()
    aid = ", ".join(f"bool_or(coalesce({c}, FALSE)) AS {c}" for c in AID_COLUMNS)
    con.execute("""
        CREATE OR REPLACE TABLE k AS
        SELECT r.*, l.child_id FROM kpai_in r
        JOIN links_in l ON l.source = 'kpai' AND l.source_id = r.no_pengaduan;
        CREATE OR REPLACE TABLE d AS
        SELECT r.*, l.child_id FROM dtsen_in r
        JOIN links_in l ON l.source = 'dtsen' AND l.source_id = r.id_individu;
        CREATE OR REPLACE TABLE dq_all AS
        SELECT r.id_individu, r.nik_status, r.kode_wilayah, l.child_id FROM dtsen_quality_in r
        JOIN links_in l ON l.source = 'dtsen' AND l.source_id = r.id_individu;
        CREATE OR REPLACE TABLE doubtful AS
        WITH uids AS (
            SELECT uid_l AS uid FROM pairs_in WHERE decision IN ('review', 'refused')
            UNION SELECT uid_r FROM pairs_in WHERE decision IN ('review', 'refused')
        )
        SELECT DISTINCT l.child_id FROM uids
        JOIN links_in l ON l.source = split_part(uid, ':', 1)
            AND l.source_id = substr(uid, length(split_part(uid, ':', 1)) + 2);
        CREATE OR REPLACE TABLE maybe_dtsen AS
        WITH open AS (
            SELECT least(uid_l, uid_r) AS a, greatest(uid_l, uid_r) AS b FROM pairs_in
            WHERE decision IN ('review', 'refused')
            EXCEPT
            SELECT least(uid_l, uid_r), greatest(uid_l, uid_r) FROM apart_in
        ), ends AS (
            SELECT a AS uid, b AS other FROM open UNION ALL SELECT b, a FROM open
        ), near AS (
            SELECT k.child_id, l.child_id AS other_child FROM ends
            JOIN k ON ends.uid = 'kpai:' || k.no_pengaduan
            JOIN links_in l ON l.source = split_part(ends.other, ':', 1)
                AND l.source_id = substr(ends.other, length(split_part(ends.other, ':', 1)) + 2)
        )
        -- The other record's child has a DTSEN record (the record itself, or another of its
        -- records): "same" on the waiting pair would find this child in DTSEN.
        SELECT DISTINCT near.child_id FROM near
        WHERE near.other_child IN (SELECT child_id FROM links_in WHERE source = 'dtsen');
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE ck AS
        SELECT child_id, count(*) AS kpai_records,
            arg_max(kode_wilayah, length(kode_wilayah) * 1000000
                + coalesce(date_diff('day', DATE '1900-01-01', tanggal_pengaduan), 0))
                AS kpai_region,
            coalesce(string_agg(DISTINCT ragam_disabilitas, ',' ORDER BY ragam_disabilitas), '')
                AS kpai_dis,
            coalesce(bool_or(kategori IN {_in_list(rules.atensi.abh_kategori)}), FALSE) AS abh,
            coalesce(bool_or(kategori IN {_in_list(rules.atensi.victim_kategori)}), FALSE)
                AS victim,
            child_id IN (SELECT child_id FROM maybe_dtsen) AS maybe
        FROM k GROUP BY child_id;
        CREATE OR REPLACE TABLE cd AS
        SELECT child_id, count(*) AS dtsen_records, min(desil) AS desil, {aid},
            min(tanggal_lahir) AS dob, arg_min(kode_wilayah, id_individu) AS dtsen_region,
            coalesce(string_agg(DISTINCT ragam_disabilitas, ',' ORDER BY ragam_disabilitas), '')
                AS dtsen_dis
        FROM d WHERE child_id IN (SELECT child_id FROM ck) GROUP BY child_id;
        ALTER TABLE cd ADD COLUMN age INTEGER;
        UPDATE cd SET age = year(DATE '{ref}') - year(dob)
            - CASE WHEN strftime(DATE '{ref}', '%m-%d') < strftime(dob, '%m-%d') THEN 1 ELSE 0 END;
    """)
    build_service_tables(
        con, kemensos=inputs.kemensos, simfoni=inputs.simfoni, lembaga=inputs.lembaga
    )
    con.execute(f"""
        CREATE OR REPLACE TABLE child AS
        WITH ids AS (
            SELECT child_id FROM ck UNION SELECT child_id FROM cs UNION SELECT child_id FROM cm
        ), base AS (
            SELECT ids.child_id, ck.* EXCLUDE (child_id), cd.* EXCLUDE (child_id),
                cs.* EXCLUDE (child_id), cm.* EXCLUDE (child_id),
                fk.first_complaint,
                coalesce(cd.dtsen_region, ck.kpai_region, cs.simfoni_region, cm.kemensos_region)
                    AS region,
                ids.child_id IN (SELECT child_id FROM doubtful) AS uncertain,
                {_flags(rules, atensi_basis(inputs.kemensos))}
            FROM ids LEFT JOIN ck USING (child_id) LEFT JOIN cd USING (child_id)
            LEFT JOIN cs USING (child_id) LEFT JOIN cm USING (child_id)
            LEFT JOIN first_known fk USING (child_id)
        )
        SELECT *, substr(region, 1, 2) AS prov,
            CASE WHEN length(region) >= 5 THEN substr(region, 1, 5) END AS kab,
            CASE WHEN length(region) >= 8 THEN substr(region, 1, 8) END AS kec
        FROM base;
    """)

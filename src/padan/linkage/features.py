"""The linkage input: one row per current KPAI or DTSEN record, with matching features.

Built in DuckDB from Arrow tables the store hands out; the few features that need Indonesian
name rules (compact and token-sorted forms) are computed once per distinct name in Python.
"""

from __future__ import annotations

from collections.abc import Collection

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from padan.domain.regions import current_code, dotted
from padan.linkage.derived import derive_features
from padan.linkage.person_sources import earlier_regions, kpai_records, persons
from padan.linkage.value_forms import name_forms, places
from padan.store import Store

__all__ = [
    "FEATURE_COLUMNS",
    "SOURCE_COLUMNS",
    "load_features",
    "refresh_features",
    "update_features",
]

FEATURE_COLUMNS = (
    "unique_id",
    "source",
    "source_id",
    "name",
    "name_core",
    "name_compact",
    "name_sorted",
    "name_first",
    "name_last",
    "name_lead",
    "dob",
    "dob_days",
    "dob_year",
    "dob_placeholder",
    "birth_year_est",
    "sex",
    "prov",
    "kab",
    "kec",
    "desa",
    "desa_before",
    "place",
    "mother",
    "mother_first",
    "father",
    "nik",
    "nik_valid",
    "nik_padan",
    "nik_family",
    "kk",
    "household",
    "is_head",
    "nik_fits",
    "nik_proven",
    "other_id",
    "postcode",
    "locality",
    "batch",
)

_KPAI_COLUMNS = (
    "no_pengaduan",
    "tanggal_pengaduan",
    "nik_anak",
    "nik_anak_status",
    "nama_anak_norm",
    "jenis_kelamin",
    "tanggal_lahir",
    "usia",
    "nama_ibu_norm",
    "nama_ayah_norm",
    "kode_wilayah",
    "batch_id",
)
_DTSEN_COLUMNS = (
    "id_individu",
    "id_keluarga",
    "no_kk",
    "nik",
    "nik_status",
    "status_padan_dukcapil",
    "nama_norm",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan_keluarga",
    "nama_ibu_kandung_norm",
    "alamat",
    "kode_wilayah",
    "batch_id",
)

#: Per extract, its id and the stored columns the features are computed from (the batch aside).
SOURCE_COLUMNS = {
    "kpai_kasus": tuple(c for c in _KPAI_COLUMNS if c != "batch_id"),
    "dtsen_individu": tuple(c for c in _DTSEN_COLUMNS if c != "batch_id"),
}

# Region parts at their own level: a coarse KPAI code leaves the finer parts empty.
# Codes retired by the Papua split are read as their current successors (``_retired_codes``).
_REGION = """
    substr(kode_wilayah, 1, 2) AS prov,
    CASE WHEN length(kode_wilayah) >= 5 THEN substr(kode_wilayah, 1, 5) END AS kab,
    CASE WHEN length(kode_wilayah) >= 8 THEN substr(kode_wilayah, 1, 8) END AS kec,
    CASE WHEN length(kode_wilayah) = 13 THEN kode_wilayah END AS desa
"""
_DOB = """
    strftime({0}, '%Y-%m-%d') AS dob,
    datediff('day', DATE '1970-01-01', {0}) AS dob_days,
    year({0}) AS dob_year, false AS dob_placeholder
"""

_DOTTED_PREFIX = "substr({0}, 1, 2) || '.' || substr({0}, 3, 2) || '.' || substr({0}, 5, 2)"

# KPAI and the declared person-level sources, in the layout of padan.linkage.person_sources.
_PERSON_SQL = f"""
CREATE OR REPLACE TABLE person_features AS
SELECT src || ':' || record_id AS unique_id, src AS source, record_id AS source_id,
    name_norm AS name, {_DOB.format("birth_date")},
    coalesce(year(birth_date), year(event_date) - age) AS birth_year_est,
    sex, {_REGION},
    mother_norm AS mother, father_norm AS father, address,
    CASE WHEN length(nik) = 16 THEN nik END AS nik,
    coalesce(replace(a.new, '.', ''), substr(nik, 1, 6)) AS nik_area,
    nik_status = 'valid' AS nik_valid, false AS nik_padan, NULL::VARCHAR AS nik_family,
    CASE WHEN length(kk) = 16 THEN kk END AS kk, NULL::VARCHAR AS household, false AS is_head,
    batch_id AS batch,
    -- Other identifiers compared as written, without spaces and punctuation.
    nullif(upper(regexp_replace(identifier, '[^0-9A-Za-z]', '', 'g')), '') AS other_id,
    nullif(upper(regexp_replace(postcode, '\\s', '', 'g')), '') AS postcode,
    nullif(lower(trim(locality)), '') AS locality
FROM (SELECT * REPLACE (coalesce(r.new, kode_wilayah) AS kode_wilayah)
      FROM person_raw LEFT JOIN retired_codes r ON r.old = kode_wilayah) k
LEFT JOIN retired_codes a ON a.old = {_DOTTED_PREFIX.format("k.nik")}
"""

_DTSEN_SQL = f"""
CREATE OR REPLACE TABLE dtsen_features AS
WITH fathers AS (
    SELECT id_keluarga, any_value(nama_norm) AS father
    FROM dtsen_raw
    WHERE jenis_kelamin = 'L' AND hubungan_keluarga IN ('KEPALA KELUARGA', 'SUAMI')
    GROUP BY id_keluarga
)
SELECT 'dtsen:' || d.id_individu AS unique_id, 'dtsen' AS source, d.id_individu AS source_id,
    d.nama_norm AS name, {_DOB.format("d.tanggal_lahir")}, year(d.tanggal_lahir) AS birth_year_est,
    d.jenis_kelamin AS sex, {_REGION},
    d.nama_ibu_kandung_norm AS mother, d.alamat AS address,
    CASE WHEN d.hubungan_keluarga = 'ANAK' THEN f.father END AS father,
    CASE WHEN length(d.nik) = 16 THEN d.nik END AS nik, d.nik_status = 'valid' AS nik_valid,
    coalesce(replace(a.new, '.', ''), substr(d.nik, 1, 6)) AS nik_area,
    coalesce(d.status_padan_dukcapil = 'PADAN', false) AS nik_padan,
    NULL::VARCHAR AS nik_family, d.no_kk AS kk, d.id_keluarga AS household,
    d.hubungan_keluarga = 'KEPALA KELUARGA' AS is_head,
    d.batch_id AS batch
FROM (SELECT * REPLACE (coalesce(r.new, kode_wilayah) AS kode_wilayah)
      FROM dtsen_raw LEFT JOIN retired_codes r ON r.old = kode_wilayah) d
LEFT JOIN fathers f USING (id_keluarga)
LEFT JOIN retired_codes a ON a.old = {_DOTTED_PREFIX.format("d.nik")}
"""


def load_features(store: Store, con: duckdb.DuckDBPyConnection) -> int:
    """Create the table ``features`` in ``con`` from the store's current records.

    Returns the number of records. Columns are :data:`FEATURE_COLUMNS`.
    """
    people = persons(store, None)
    dtsen = store.records_arrow("dtsen_individu", _DTSEN_COLUMNS)
    _build(con, people, dtsen, "features", earlier_regions(store, None))
    derive_features(con, "features")
    rows = con.execute("SELECT count(*) FROM features").fetchall()
    return int(rows[0][0]) if rows else 0


def update_features(
    store: Store, con: duckdb.DuckDBPyConnection, *, cached: str, batches: Collection[int]
) -> int:
    """Create ``features`` in ``con`` from the table ``cached`` (the features an earlier run
    saved) with the records of ``batches`` computed anew, and marked in an extra column
    ``fresh``.

    A new DTSEN record can change its household mates' features (a new head gives the
    children a father), so their whole households are computed anew. Returns the number of
    records, as :func:`load_features`.
    """
    people = persons(store, batches)
    touched = store.records_arrow("dtsen_individu", ["id_keluarga"], only=("batch_id", batches))
    households = pc.unique(touched.column("id_keluarga")).drop_null().to_pylist()
    dtsen = store.records_arrow("dtsen_individu", _DTSEN_COLUMNS, only=("id_keluarga", households))
    _build(con, people, dtsen, "features_new", earlier_regions(store, (people, dtsen)))
    con.execute(f"""
        CREATE OR REPLACE TABLE features AS
        SELECT *, false AS fresh FROM {cached}
        WHERE unique_id NOT IN (SELECT unique_id FROM features_new)
        UNION ALL SELECT *, true FROM features_new;
        DROP TABLE features_new
    """)
    derive_features(con, "features", only="fresh")
    rows = con.execute("SELECT count(*) FROM features").fetchall()
    return int(rows[0][0]) if rows else 0


def refresh_features(
    store: Store,
    con: duckdb.DuckDBPyConnection,
    *,
    cached: str,
    kpai: Collection[str],
    households: Collection[str],
    gone: Collection[str],
) -> int:
    """Create ``features`` in ``con`` from the table ``cached`` (the features an earlier run
    saved) with the KPAI records ``kpai`` (their ids) and the DTSEN ``households`` computed
    anew (marked in an extra column ``fresh``) and the records ``gone`` (unique ids) left out.

    Unlike :func:`update_features`, the features that depend on other households (the
    family a NIK points at, placeholder birth dates) are computed again for every record, as
    :func:`load_features` computes them: a household that came or went changes them. A kept
    record whose features that changes is marked ``fresh`` too. Returns the number of
    records.
    """
    new_kpai = kpai_records(store, kpai)
    dtsen = store.records_arrow("dtsen_individu", _DTSEN_COLUMNS, only=("id_keluarga", households))
    _build(con, new_kpai, dtsen, "features_new", earlier_regions(store, (new_kpai, dtsen)))
    con.register("_padan_gone", pa.table({"uid": pa.array(sorted(gone), pa.string())}))
    con.execute(f"""
        CREATE OR REPLACE TABLE features AS
        SELECT *, false AS fresh FROM {cached}
        WHERE unique_id NOT IN (SELECT unique_id FROM features_new)
          AND unique_id NOT IN (SELECT uid FROM _padan_gone)
        UNION ALL SELECT *, true FROM features_new;
        DROP TABLE features_new;
        UPDATE features SET nik_family = NULL, dob_placeholder = false
    """)
    con.unregister("_padan_gone")
    derive_features(con, "features")
    con.execute(f"""
        UPDATE features SET fresh = true FROM {cached} c
        WHERE NOT features.fresh AND c.unique_id = features.unique_id
          AND (c.nik_family IS DISTINCT FROM features.nik_family
               OR c.dob_placeholder IS DISTINCT FROM features.dob_placeholder)
    """)
    rows = con.execute("SELECT count(*) FROM features").fetchall()
    return int(rows[0][0]) if rows else 0


def _build(
    con: duckdb.DuckDBPyConnection,
    persons: pa.Table,
    dtsen: pa.Table,
    table: str,
    earlier: pa.Table,
) -> None:
    con.register("person_raw", persons)
    con.register("dtsen_raw", dtsen)
    con.register("earlier_raw", earlier)
    con.register("retired_codes", _retired_codes(persons, dtsen, earlier))
    con.execute(_PERSON_SQL)
    con.execute(_DTSEN_SQL)
    names = pc.unique(
        pa.chunked_array(
            [
                *persons.column("name_norm").chunks,
                *persons.column("mother_norm").chunks,
                *dtsen.column("nama_norm").chunks,
                *dtsen.column("nama_ibu_kandung_norm").chunks,
            ],
            type=pa.string(),
        )
    ).drop_null()
    con.register("name_forms", name_forms(names.to_pylist()))
    con.register("places", places(persons.column("address"), dtsen.column("alamat")))
    con.execute(f"""
        CREATE OR REPLACE TABLE {table} AS
        WITH base AS (
            SELECT * FROM person_features UNION ALL BY NAME SELECT * FROM dtsen_features
        ),
        -- The village a record was in before its latest move: DTSEN takes in moves when it is
        -- updated (domain.md §3.6, §8.5), and a complaint may name where the child lived then.
        before AS (
            SELECT b.unique_id, arg_max(coalesce(r.new, e.code), e.event) AS desa_before
            FROM base b JOIN earlier_raw e ON e.uid = b.unique_id
            LEFT JOIN retired_codes r ON r.old = e.code
            WHERE length(e.code) = 13 AND coalesce(r.new, e.code) IS DISTINCT FROM b.desa
            GROUP BY b.unique_id
        )
        SELECT {", ".join(_FROM_FORMS.get(c, f"b.{c}") for c in FEATURE_COLUMNS)}
        FROM base b
        LEFT JOIN name_forms n ON n.name = b.name
        LEFT JOIN name_forms m ON m.name = b.mother
        LEFT JOIN before e ON e.unique_id = b.unique_id
        LEFT JOIN places p ON p.address = b.address
    """)
    for name in ("person_raw", "dtsen_raw", "earlier_raw", "name_forms", "places", "retired_codes"):
        con.unregister(name)
    con.execute("DROP TABLE person_features; DROP TABLE dtsen_features")


def _retired_codes(persons: pa.Table, dtsen: pa.Table, earlier: pa.Table) -> pa.Table:
    """Region codes of the Papua split's retired provinces (91, 92) and their successors."""
    codes = pc.unique(
        pa.chunked_array(
            [
                *persons.column("kode_wilayah").chunks,
                *dtsen.column("kode_wilayah").chunks,
                *earlier.column("code").chunks,
            ],
            type=pa.string(),
        )
    ).drop_null()
    prefixes = pc.unique(
        pa.chunked_array(
            [
                *pc.utf8_slice_codeunits(persons.column("nik"), 0, 6).chunks,
                *pc.utf8_slice_codeunits(dtsen.column("nik"), 0, 6).chunks,
            ],
            type=pa.string(),
        )
    ).drop_null()
    # NIKs keep the district code of their issue (domain.md §2.2): those are looked up too.
    listed = codes.to_pylist() + [
        dotted(p) for p in prefixes.to_pylist() if len(p) == 6 and p.isdigit()
    ]
    old = sorted({c for c in listed if c.startswith(("91", "92")) and current_code(c) != c})
    return pa.table(
        {"old": old, "new": [current_code(c) for c in old]},
        schema=pa.schema([("old", pa.string()), ("new", pa.string())]),
    )


# Whether a NIK's own parts (PPKKCC DDMMYY SSSS, day + 40 for girls) agree with the record's
# region and birth date. A valid NIK that does not, one keystroke from another, is a typing slip.
_FITS = """
    coalesce(
        CASE WHEN b.kec IS NOT NULL THEN b.nik_area = replace(b.kec, '.', '')
             WHEN b.kab IS NOT NULL THEN substr(b.nik_area, 1, 4) = replace(b.kab, '.', '')
             ELSE substr(b.nik_area, 1, 2) = b.prov END
        AND CASE WHEN b.dob IS NOT NULL THEN
                substr(b.nik, 9, 4) = substr(b.dob, 6, 2) || substr(b.dob, 3, 2)
                AND try_cast(substr(b.nik, 7, 2) AS INT) - try_cast(substr(b.dob, 9, 2) AS INT)
                    IN (CASE WHEN b.sex = 'P' THEN 40 ELSE 0 END,
                        CASE WHEN b.sex = 'L' THEN 0 ELSE 40 END)
            WHEN b.birth_year_est IS NOT NULL THEN
                abs(try_cast(substr(b.nik, 11, 2) AS INTEGER) - b.birth_year_est % 100) <= 1
            ELSE true END,
        true)
"""
# ...and whether the record could show it all: a record with no birth date or no district
# cannot tell a slip in those digits from another child's NIK.
_PROVEN = f"b.nik IS NOT NULL AND b.kec IS NOT NULL AND b.dob IS NOT NULL AND {_FITS}"

_FROM_FORMS = {
    "nik_fits": f"b.nik IS NULL OR {_FITS} AS nik_fits",
    "nik_proven": f"{_PROVEN} AS nik_proven",
    "name_core": "n.core AS name_core",
    "name_compact": "n.compact AS name_compact",
    "name_sorted": "n.sorted AS name_sorted",
    "name_first": "n.first AS name_first",
    "name_last": "n.last AS name_last",
    "name_lead": "n.lead AS name_lead",
    "mother_first": "m.first AS mother_first",
    "desa_before": "e.desa_before AS desa_before",
    "place": "p.place AS place",
}

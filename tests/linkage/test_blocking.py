"""Padan's blocking gives exactly the pairs Splink's own blocking gives, faster."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import duckdb
import pytest
from splink import DuckDBAPI, Linker
from splink.internals.unique_id_concat import CONCAT_SEPARATOR

from padan.domain.names import normalise_name
from padan.ingest import ingest_file
from padan.linkage.blocking import BLOCKED_PAIRS_TABLE, candidate_pairs, rules_sql
from padan.linkage.blocking_rules import BLOCKING_RULES
from padan.linkage.engine import DuckDBEngine
from padan.linkage.features import load_features
from padan.linkage.model import settings
from padan.store import open_store
from padan.synth import generate

_RULES = [rule.get_blocking_rule("duckdb").blocking_rule_sql for rule in BLOCKING_RULES]


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    work = tmp_path_factory.mktemp("blocking")
    data = generate(work / "data", households=1500, seed=8)
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    con = duckdb.connect()
    load_features(store, con)
    # Every fifth record is "new" for the incremental case.
    con.execute("ALTER TABLE features ADD COLUMN fresh BOOLEAN")
    con.execute("UPDATE features SET fresh = hash(unique_id) % 5 = 0")
    return con


def _pairs(con: duckdb.DuckDBPyConnection, table: str) -> set[tuple[str, str]]:
    rows = con.execute(f"SELECT join_key_l, join_key_r FROM {table}").fetchall()
    return {(min(a, b), max(a, b)) for a, b in rows}


@pytest.mark.parametrize("same_rules", [True, False])
def test_block_ahead_gives_the_pairs_of_candidate_pairs(
    features: duckdb.DuckDBPyConnection, same_rules: bool
) -> None:
    con = features
    rules = _RULES if same_rules else _RULES[:5]  # other rules: found again, not reused
    expected = candidate_pairs(con, rules)
    pairs = _pairs(con, BLOCKED_PAIRS_TABLE)
    con.execute(f"DROP TABLE {BLOCKED_PAIRS_TABLE}")
    for source in ("kpai", "dtsen"):
        con.execute(
            f"CREATE OR REPLACE VIEW input_{source} AS "
            f"SELECT * FROM features WHERE source = '{source}'"
        )
    engine = DuckDBEngine()
    linker = Linker(engine.register(con), settings(), log_level=logging.ERROR)
    engine.block_ahead(con, _RULES)
    try:
        count = engine.prepare_predict(linker, con, rules, fresh_only=False)
    finally:
        engine.close()
    assert count == expected == len(pairs) > 100
    assert _pairs(con, BLOCKED_PAIRS_TABLE) == pairs


def test_block_ahead_rules_are_the_saved_models(features: duckdb.DuckDBPyConnection) -> None:
    # A trained run blocks ahead with the rules of the settings and scores with the rules
    # of the model it saved: they must be the same text, or the pairs are found twice.
    con = features
    for source in ("kpai", "dtsen"):
        con.execute(
            f"CREATE OR REPLACE VIEW input_{source} AS "
            f"SELECT * FROM features WHERE source = '{source}'"
        )
    inputs = DuckDBEngine().register(con)
    saved = Linker(inputs, settings(), log_level=logging.ERROR).misc.save_model_to_json()
    ahead = rules_sql(settings().blocking_rules_to_generate_predictions)
    assert ahead == [r["blocking_rule"] for r in saved["blocking_rules_to_generate_predictions"]]


def test_candidate_pairs_are_splinks_own_pairs(features: duckdb.DuckDBPyConnection) -> None:
    con = features
    count = candidate_pairs(con, _RULES)
    ours = _pairs(con, BLOCKED_PAIRS_TABLE)
    for source in ("kpai", "dtsen"):
        con.execute(
            f"CREATE OR REPLACE TABLE in_{source} AS "
            f"SELECT * FROM features WHERE source = '{source}'"
        )
    db_api = DuckDBAPI(con)
    inputs = [db_api.register(f"in_{s}", dataset_display_name=s) for s in ("kpai", "dtsen")]
    linker = Linker(inputs, settings(), log_level=logging.ERROR)
    splinks = linker.inference.compute_blocked_pairs_for_predict()
    assert count == len(ours) > 200
    assert ours == _pairs(con, splinks.physical_name)


def test_candidate_pairs_fresh_only_are_the_pairs_touching_a_fresh_record(
    features: duckdb.DuckDBPyConnection,
) -> None:
    con = features
    candidate_pairs(con, _RULES)
    fresh = {
        f"{s}-__-{u}"
        for s, u in con.execute("SELECT source, unique_id FROM features WHERE fresh").fetchall()
    }
    expected = {p for p in _pairs(con, BLOCKED_PAIRS_TABLE) if fresh & set(p)}
    candidate_pairs(con, _RULES, fresh_only=True)
    assert _pairs(con, BLOCKED_PAIRS_TABLE) == expected
    assert len(expected) > 0
    # The rules of one birth-year window run as one join here: each pair is still credited
    # to a rule that gives it.
    key = "l.source || '-__-' || l.unique_id"
    for number, rule in enumerate(_RULES):
        swapped = rule.replace("l.", "\0").replace("r.", "l.").replace("\0", "r.")
        wrong = con.execute(f"""
            SELECT count(*) FROM {BLOCKED_PAIRS_TABLE} b
            JOIN features l ON {key} = b.join_key_l
            JOIN features r ON {key.replace("l.", "r.")} = b.join_key_r
            WHERE b.match_key = '{number}' AND NOT coalesce(({rule}) OR ({swapped}), false)
        """).fetchall()[0][0]
        assert wrong == 0, f"pairs credited to rule {number} that it does not give"


def test_candidate_pairs_match_key_is_the_first_rule_giving_the_pair(
    features: duckdb.DuckDBPyConnection,
) -> None:
    con = features
    candidate_pairs(con, _RULES)
    keys = dict(
        con.execute(f"SELECT match_key, count(*) FROM {BLOCKED_PAIRS_TABLE} GROUP BY 1").fetchall()
    )
    # Rule 0 is the NIK: every pair sharing a NIK is credited to it, none to a later rule.
    same_nik = con.execute(
        "SELECT count(*) FROM features l JOIN features r ON l.nik = r.nik AND l.rowid < r.rowid"
    ).fetchall()[0][0]
    assert keys["0"] == same_nik > 0
    assert set(keys) <= {str(n) for n in range(len(_RULES))}


def test_candidate_pairs_leave_no_work_table(features: duckdb.DuckDBPyConnection) -> None:
    con = features
    candidate_pairs(con, _RULES[:1])
    tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "_padan_rule_pairs" not in tables
    assert BLOCKED_PAIRS_TABLE in tables


def test_candidate_pairs_score_the_same_either_way_round(
    features: duckdb.DuckDBPyConnection,
) -> None:
    # Blocking puts a pair to the model with either record on the left (a full and an
    # incremental run order their rows differently): no comparison may depend on which.
    con = features
    candidate_pairs(con, _RULES)
    columns = [row[0] for row in con.execute("DESCRIBE features").fetchall()]

    def oriented(table: str, left: str, right: str) -> None:
        picked = ", ".join(
            f'{alias}."{c}" AS "{c}_{side}"'
            for alias, side in ((left, "l"), (right, "r"))
            for c in columns
        )
        con.execute(f"""
            CREATE OR REPLACE TABLE {table} AS SELECT p.join_key_l AS a, p.join_key_r AS b, {picked}
            FROM {BLOCKED_PAIRS_TABLE} p
            JOIN features x ON x.source || '{CONCAT_SEPARATOR}' || x.unique_id = p.join_key_l
            JOIN features y ON y.source || '{CONCAT_SEPARATOR}' || y.unique_id = p.join_key_r
        """)

    oriented("_xy", "x", "y")
    oriented("_yx", "y", "x")
    comparisons = settings().get_settings("duckdb").as_dict()["comparisons"]  # type: ignore[no-untyped-call]
    for comparison in comparisons:
        levels = " ".join(
            f"WHEN {level['sql_condition']} THEN {number}"
            for number, level in enumerate(comparison["comparison_levels"])
            if level["sql_condition"] != "ELSE"
        )
        case = f"CASE {levels} ELSE -1 END AS g"
        pairs, differ = con.execute(f"""
            SELECT count(*), count(*) FILTER (WHERE xy.g <> yx.g)
            FROM (SELECT a, b, {case} FROM _xy) xy JOIN (SELECT a, b, {case} FROM _yx) yx
            USING (a, b)
        """).fetchall()[0]
        assert pairs > 200
        assert differ == 0, f"{comparison['output_column_name']}: {differ} pairs"


def _name_columns(name: str) -> dict[str, object]:
    form = normalise_name(name)
    core = form.core
    return {
        "name": name,
        "name_core": " ".join(core) or None,
        "name_compact": form.compact or None,
        "name_sorted": form.sorted_text or None,
        "name_first": core[0] if core else None,
        "name_last": form.tokens[-1] if len(form.tokens) > 1 else None,
    }


def _region_columns(code: str) -> dict[str, object]:
    parts = code.split(".")
    return {
        "prov": parts[0],
        "kab": ".".join(parts[:2]) if len(parts) > 1 else None,
        "kec": ".".join(parts[:3]) if len(parts) > 2 else None,
        "desa": code if len(parts) > 3 else None,
    }


def _dob_columns(dob: str | None, placeholder: bool, age_year: int | None) -> dict[str, object]:
    if dob is None:
        return {"dob": None, "dob_days": None, "dob_year": None, "birth_year_est": age_year}
    born = dt.date.fromisoformat(dob)
    return {
        "dob": dob,
        "dob_days": (born - dt.date(1970, 1, 1)).days,
        "dob_year": born.year,
        "birth_year_est": born.year,
        "dob_placeholder": placeholder,
    }


@dataclass(frozen=True)
class _Record:
    name: str
    dob: str | None
    sex: str
    region: str
    mother: str | None = None
    father: str | None = None
    placeholder: bool = False  # the date is one its source holds far too often
    age_year: int | None = None  # no birth date: the year an age gives (event year - age)
    place: str | None = None  # the village the address names
    nik: str | None = None
    nik_proven: bool = False  # the NIK agrees with the record's district and birth date


_FATHER = "markus pangemanan"

# Situations a rule of BLOCKING_RULES is for, each with one made-up pair of records of one child
# that no other rule puts forward.
_PUT_FORWARD = [
    pytest.param(
        _Record("parulian tua situmorang", "2017-06-12", "L", "12.02.08"),
        _Record("perulian tua situmorang", "2017-06-12", "L", "33.74.12"),
        id="one letter changed in a long name with repeated letters (Jaro-Winkler 0.85), moved",
    ),
    pytest.param(
        _Record("asyifa nuraini", "2015-12-07", "P", "32.01.36"),
        _Record("asyifa nuraini", "2015-07-12", "P", "35.27.08"),
        id="day and month swapped, moved to another province",
    ),
    pytest.param(
        _Record("ni nyoman sumiasih", "2021-08-16", "P", "51.03.04"),
        _Record("ni nyoman sumiasih lestari", "2021-12-31", "P", "51.03.04", placeholder=True),
        id="name written short, a placeholder birth date on the other record",
    ),
    pytest.param(
        _Record("darwis idris", "2017-03-27", "L", "53.02.11"),
        _Record("darwis idris", "2018-12-31", "L", "53.02.11", placeholder=True),
        id="a placeholder birth date a year off",
    ),
    pytest.param(
        _Record("fransiska pangemanan", "2015-11-11", "P", "95.01.10", "yuliana nenobais", _FATHER),
        _Record("framsiska pangemanan", "2015-11-01", "L", "95.01.10", "yuliana nenobais", _FATHER),
        id="both parents named alike, sex written wrong and a slip in the name",
    ),
    pytest.param(
        _Record("dinda", None, "P", "32.01.07", age_year=2016),
        _Record("nur dinda aprilia", "2015-08-01", "P", "32.01.07"),
        id="an age only, the birthday not yet reached that year: born the year before",
    ),
    pytest.param(
        _Record("jlhan", "2020-04-13", "P", "32.08.04"),
        _Record("putri jihan", "2020-04-13", "P", "32.08.11"),
        id="a call name read with a letter wrong, born the same day in the regency",
    ),
    pytest.param(
        _Record("ghino", None, "P", "16.08", age_year=2017),
        _Record("ghina ramadania", "2016-11-23", "P", "16.08.15"),
        id="an age only, a call name a letter wrong, the regency only",
    ),
    pytest.param(
        _Record("dindo", None, "P", "35", age_year=2009, place="sumbang"),
        _Record("dwi dinda anggraini", "2008-10-17", "P", "35.22.15.1006", place="sumbang"),
        id="an age only, the province only, a call name misread: the village in the address",
    ),
    pytest.param(
        _Record("robo", "2013-10-08", "L", "35", place="pandean"),
        _Record("ilham nugroho", "2013-10-08", "L", "35.03.04.2004", place="pandean"),
        id="a nickname, the province only: born the same day in the village of the address",
    ),
    pytest.param(
        _Record("yoni", None, "P", "33.20", age_year=2010, nik="3320137801092660"),
        _Record(
            "dinda cahyani",
            "2009-01-30",
            "P",
            "33.20.13.2002",
            nik="3320137001092660",
            nik_proven=True,
        ),
        id="a call name, an age only, the NIK a digit wrong in its birth date",
    ),
    pytest.param(
        _Record("azohra kortika", None, "P", "32", age_year=2014),
        _Record("azahra kartika", "2012-05-03", "P", "32.09.11"),
        id="two letters misread, the province only, an age two years off",
    ),
    pytest.param(
        _Record("ni kaclek ayu", None, "P", "51.01", age_year=2023),
        _Record("ni kadek ayu", "2022-01-12", "P", "51.01.02"),
        id="an age only, the regency only, a letter misread in the first name",
    ),
    pytest.param(
        _Record("rut", "2021-04-01", "P", "12"),
        _Record("rut simanjuntak", "2021-01-04", "P", "12.06.02.1007"),
        id="day and month swapped, a call name, the province only",
    ),
    pytest.param(
        _Record("pertiwi", "2018-08-23", "P", "35.03"),
        _Record("cantika pertiwi", "2019-08-23", "P", "35.03.04.2002"),
        id="the year a year off, a call name, the regency only",
    ),
    pytest.param(
        _Record("alyo", None, "P", "31", age_year=2010, place="cilandak barat"),
        _Record("alya azahra", "2008-10-17", "P", "31.74.06.1001", place="cilandak barat"),
        id="an age two years off, a call name misread: the village in the address",
    ),
    pytest.param(
        _Record("astawa", None, "L", "51", age_year=2021),
        _Record("i made astawa", "2020-04-18", "L", "51.02.07.2002"),
        id="an age only, the province only, the name written short",
    ),
    pytest.param(
        _Record("tiwo", None, "P", "35.13", age_year=2013, place="curahtemu"),
        _Record("nurul pratiwi", "2012-01-16", "P", "35.13.11.2005", place="curahtemu"),
        id="an age, no NIK, a syllable of the name slipped: the village in the address",
    ),
]


@pytest.mark.parametrize(("left", "right"), _PUT_FORWARD)
def test_candidate_pairs_put_forward_situation(
    features: duckdb.DuckDBPyConnection, left: _Record, right: _Record
) -> None:
    con = features
    con.execute("CREATE OR REPLACE TABLE case_features AS SELECT * FROM features LIMIT 0")
    for number, record in enumerate((left, right)):
        values: dict[str, object] = {
            "unique_id": f"case:{number}",
            "source": "kpai" if number == 0 else "dtsen",
            "sex": record.sex,
            "mother": record.mother,
            "father": record.father,
            "place": record.place,
            "nik": record.nik,
            "nik_proven": record.nik_proven,
            "dob_placeholder": False,
            **_name_columns(record.name),
            **_region_columns(record.region),
            **_dob_columns(record.dob, record.placeholder, record.age_year),
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        con.execute(
            f"INSERT INTO case_features ({columns}) VALUES ({marks})", list(values.values())
        )
    assert candidate_pairs(con, _RULES, table="case_features") == 1

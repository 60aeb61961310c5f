"""The model's DuckDB SQL translated for Spark (no Spark needed here; see test_spark.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.errors import InputError
from padan.linkage import open_engine
from padan.linkage.model import settings
from padan.linkage.spark_sql import carry_parameters, spark_model, to_spark_sql
from padan.store import open_store


@pytest.mark.parametrize(
    ("duckdb_sql", "spark_has", "spark_lacks"),
    [
        ("jaro_winkler_similarity(name_l, name_r) >= 0.9", "JARO_WINKLER(", "SIMILARITY"),
        ("list_has_all(str_split(a_l, ' '), str_split(a_r, ' '))", "ARRAY_EXCEPT(", "LIST_HAS_ALL"),
        ("hamming(nik_l, nik_r) = 1", "FILTER(SEQUENCE(", "HAMMING"),
        ("damerau_levenshtein(dob_l, dob_r) <= 1", "LEVENSHTEIN(dob_l, dob_r) <= 1", "DAMERAU"),
        ("damerau_levenshtein(nik_l, nik_r) = 1", "LEVENSHTEIN(nik_l, nik_r) = 1", "DAMERAU"),
        ("damerau_levenshtein(nik_l, nik_r) <= 2", "DAMERAU_LEVENSHTEIN(", "EXISTS"),
        ('"name_l" = "name_r"', "`name_l` = `name_r`", '"'),
    ],
)
def test_to_spark_sql_rewrites_duckdb_functions(
    duckdb_sql: str, spark_has: str, spark_lacks: str
) -> None:
    spark = to_spark_sql(duckdb_sql)
    assert spark_has in spark
    assert spark_lacks not in spark


def test_to_spark_sql_refuses_a_duckdb_function_it_cannot_translate() -> None:
    with pytest.raises(InputError, match="list_intersect"):
        to_spark_sql("len(list_intersect(str_split(a_l, ' '), str_split(a_r, ' '))) > 0")


def test_spark_model_translates_every_condition_of_the_model() -> None:
    model = settings().get_settings("duckdb").as_dict()  # type: ignore[no-untyped-call]
    spark = spark_model(model)
    conditions = [
        level["sql_condition"] for c in spark["comparisons"] for level in c["comparison_levels"]
    ] + [rule["blocking_rule"] for rule in spark["blocking_rules_to_generate_predictions"]]
    assert len(conditions) > 30
    assert not any('"' in sql or "jaro_winkler_similarity" in sql.lower() for sql in conditions)
    assert {rule["sql_dialect"] for rule in spark["blocking_rules_to_generate_predictions"]} == {
        "spark"
    }
    assert model["comparisons"][0]["comparison_levels"][6]["sql_condition"].startswith(
        "jaro_winkler_similarity"
    )


def test_carry_parameters_moves_trained_values_into_the_duckdb_form() -> None:
    duck = settings().get_settings("duckdb").as_dict()  # type: ignore[no-untyped-call]
    trained = spark_model(duck)
    trained["probability_two_random_records_match"] = 0.0042
    trained["comparisons"][1]["comparison_levels"][2]["m_probability"] = 0.77
    trained["comparisons"][5]["comparison_levels"][3]["u_probability"] = 0.0003
    carried = carry_parameters(trained, duck)
    assert carried["probability_two_random_records_match"] == 0.0042
    assert carried["comparisons"][1]["comparison_levels"][2]["m_probability"] == 0.77
    assert carried["comparisons"][5]["comparison_levels"][3]["u_probability"] == 0.0003
    assert carried["comparisons"][0]["comparison_levels"][6]["sql_condition"].startswith(
        "jaro_winkler_similarity"
    )
    with pytest.raises(ValueError):
        carry_parameters({**trained, "comparisons": trained["comparisons"][:-1]}, duck)


def test_open_engine_refuses_an_unknown_engine() -> None:
    with pytest.raises(InputError, match="unknown linkage engine 'hive'"):
        open_engine("hive")


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--engine", "hive"], {}), ([], {"PADAN_LINKAGE_ENGINE": "hive"})],
)
def test_link_cli_refuses_an_unknown_engine_and_stores_no_run(
    tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    db = f"sqlite:///{tmp_path / 'padan.db'}"
    model = tmp_path / "model.json"
    result = CliRunner().invoke(app, ["link", "--db", db, "--model", str(model), *args], env=env)
    assert result.exit_code == 2
    assert "unknown linkage engine 'hive'" in result.output
    assert open_store(db).latest_link_run() is None
    assert not model.exists()

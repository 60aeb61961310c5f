"""Splink on Spark: the features go to Spark as Parquet, the model as Spark SQL.

Parquet is the exchange both ways a cluster can read: DuckDB writes the run's two input
tables into a run directory under the exchange directory (a path every Spark executor sees,
e.g. a shared mount, when the master is a cluster), Spark reads them, and Splink keeps its
intermediate tables there too (``break_lineage_method="parquet"``).

Candidate pairs are found as the DuckDB engine finds them (:mod:`padan.linkage.blocking`):
each blocking rule joins on its own, in groups of a few rules per Spark job, and the union is
deduplicated once. Splink's own blocking query makes each rule exclude the pairs of all the
rules before it, so its plan grows with the square of the rule count: with 141 rules Catalyst's
plan trees alone outgrew an 8 GiB driver heap on a few hundred records.

Importing this module registers the ``spark`` engine with :mod:`padan.linkage.engine`; pyspark
itself is imported only when a Spark engine is opened, so the module costs nothing without it.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
from splink import SettingsCreator
from splink.internals.unique_id_concat import CONCAT_SEPARATOR

from padan.errors import InputError
from padan.linkage.engine import SOURCES, EngineOptions, Model, register_engine, write_model
from padan.linkage.spark_sql import carry_parameters, spark_model, to_spark_sql

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["SparkEngine", "spark_blocked_pairs", "spark_session"]

#: The driver's heap for a session Padan starts (Spark's default is 1g; see spark_session).
_DRIVER_MEMORY = "8g"


def spark_session(master: str, *, partitions: int, scratch: Path) -> SparkSession:
    """The active Spark session, or a new one on ``master`` with Splink's similarity jar.

    Raises :class:`InputError` when Java cannot be found or Spark does not start.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if shutil.which("java") is None:
        raise InputError(
            "linkage engine 'spark' needs Java 17 and no java is on PATH; install it "
            "(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )
    builder = (
        SparkSession.builder.master(master)
        .appName("padan-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Spark's default driver heap (1 GiB) ran out of memory serialising the task plans of
        # the scoring query, which carries every comparison level (seen in a CI run, Java heap
        # space). A local session is the driver. The heap grows only as it is used.
        .config("spark.driver.memory", _DRIVER_MEMORY)
    )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # py4j/pyspark raise plain exceptions when the JVM fails
        raise InputError(
            f"Spark did not start on master {master!r} ({exc}); check PADAN_SPARK_MASTER "
            "and that Java 17 is installed"
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """Splink's SparkAPI on ``master`` (``local[2]``, ``spark://host:7077``, ``yarn``, …)."""

    name = "spark"
    # Splink blocks on Spark: kept pairs keep their earlier scores, which the model's frozen
    # name frequencies keep right unless a name is new since training.
    rescores = False

    def __init__(
        self, *, master: str, exchange_dir: Path | None = None, partitions: int = 8
    ) -> None:
        self.master = master
        self.exchange_dir = exchange_dir
        self.partitions = partitions
        self._run_dir: Path | None = None
        self._canonical: dict[str, Any] | None = None
        self._db_api: Any = None
        self._frames: list[Any] = []
        self._views: list[str] = []  # what this run named in the session's catalogue

    def register(
        self, con: duckdb.DuckDBPyConnection, sources: Sequence[str] = SOURCES
    ) -> list[Any]:
        """Write the tables ``input_<source>`` to Parquet and register them with Splink."""
        base = self.exchange_dir or Path(tempfile.gettempdir())
        self._run_dir = base / f"padan-spark-{uuid.uuid4().hex[:12]}"
        self._run_dir.mkdir(parents=True)
        session = spark_session(self.master, partitions=self.partitions, scratch=self._run_dir)
        session.sparkContext.setCheckpointDir(str(self._run_dir / "checkpoints"))
        from splink.backends.spark import SparkAPI

        db_api = SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=session,
            break_lineage_method="parquet",
            num_partitions_on_repartition=self.partitions,
        )
        self._db_api = db_api
        inputs = []
        for source in sources:
            path = _export_parquet(con, f"input_{source}", self._run_dir / f"{source}.parquet")
            frame = session.read.parquet(str(path))
            self._frames.append(frame)
            # Named for the run: a session outlives a run (a second run in one process).
            view = f"{source}_{self._run_dir.name.replace('-', '_')}"
            inputs.append(db_api.register(frame, dataset_display_name=source, table_name=view))
            self._views.append(view)
        return inputs

    def model(self, model: Model) -> Model:
        canonical = (
            model.get_settings("duckdb").as_dict()  # type: ignore[no-untyped-call]
            if isinstance(model, SettingsCreator)
            else model
        )
        self._canonical = canonical
        return spark_model(canonical)

    def lookup(self, con: duckdb.DuckDBPyConnection, table: str) -> Any:
        """Write the DuckDB ``table`` to Parquet in the run directory, read it on Spark."""
        if self._run_dir is None or self._db_api is None:
            raise RuntimeError("lookup before register(): no run directory")
        # Spark takes a file whose name starts with "_" or "." for metadata, and skips it.
        path = _export_parquet(con, table, self._run_dir / f"lookup-{table.lstrip('_.')}.parquet")
        frame = spark_session(
            self.master, partitions=self.partitions, scratch=self._run_dir
        ).read.parquet(str(path))
        return self._db_api.register(frame)

    def save_model(self, linker: Any, path: Path) -> None:
        if self._canonical is None:
            raise RuntimeError("save_model before model(): no DuckDB form to save into")
        trained = linker.misc.save_model_to_json()
        write_model(path, carry_parameters(trained, self._canonical))

    def block_ahead(self, con: Any, rules: Any) -> None:
        """Nothing to do: Spark blocks when :meth:`prepare_predict` asks."""

    def prepare_predict(
        self,
        linker: Any,
        con: duckdb.DuckDBPyConnection,
        rules: Sequence[str],
        *,
        fresh_only: bool,
        rescore: str | None = None,
    ) -> int | None:
        """Find the candidate pairs of ``rules`` on Spark, one join per rule, and hand them
        to Splink (``rescore`` is not used: this engine keeps earlier scores)."""
        if self._run_dir is None or self._db_api is None:
            raise RuntimeError("prepare_predict before register(): no Spark inputs")
        features = self._frames[0]
        for frame in self._frames[1:]:
            features = features.unionByName(frame)
        pairs = spark_blocked_pairs(
            features, rules, out=str(self._run_dir / "pairs"), fresh_only=fresh_only
        )
        linker.table_management.register_blocked_pairs_for_predict(self._db_api.register(pairs))
        return int(pairs.count())

    def close(self) -> None:
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession()
        if session is not None:
            for view in self._views:
                session.catalog.dropTempView(view)
        self._views, self._frames = [], []
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None


#: Blocking rules joined in one Spark job: a small plan each, and not a job per rule.
_RULES_PER_JOB = 12


def spark_blocked_pairs(
    features: Any, rules: Sequence[str], *, out: str, fresh_only: bool = False
) -> Any:
    """The pairs of rows of the Spark DataFrame ``features`` (columns ``source``, ``unique_id``
    and the model's) that any of ``rules`` (the model's blocking rules, DuckDB SQL over ``l.``
    and ``r.``) puts forward, each pair once, as a Spark DataFrame in the form Splink's
    ``register_blocked_pairs_for_predict`` takes: ``match_key`` (the index of the first rule
    giving the pair), ``join_key_l``, ``join_key_r``.

    The pairs are written as Parquet under ``out`` (a directory path or URI every executor
    sees) and read back. With ``fresh_only``, only pairs with a row whose boolean ``fresh`` is
    set (an incremental run).
    """
    session = features.sparkSession
    keyed = f"padan_keyed_{uuid.uuid4().hex[:12]}"
    key = f"concat(source, '{CONCAT_SEPARATOR}', unique_id)"
    features.selectExpr("*", f"{key} AS _key").createOrReplaceTempView(keyed)
    # Ordered as Splink orders the two records of a pair.
    scope = "l._key < r._key" + (" AND (l.fresh OR r.fresh)" if fresh_only else "")
    try:
        for start in range(0, len(rules), _RULES_PER_JOB):
            joins = [
                f"SELECT {number} AS k, l._key AS a, r._key AS b FROM {keyed} l "
                f"JOIN {keyed} r ON ({to_spark_sql(rule)}) AND {scope}"
                for number, rule in enumerate(rules[start : start + _RULES_PER_JOB], start)
            ]
            session.sql(" UNION ALL ".join(joins)).write.mode("append").parquet(f"{out}/by-rule")
    finally:
        session.catalog.dropTempView(keyed)
    found = session.read.parquet(f"{out}/by-rule")
    found.groupBy("a", "b").agg({"k": "min"}).selectExpr(
        "CAST(`min(k)` AS STRING) AS match_key", "a AS join_key_l", "b AS join_key_r"
    ).write.parquet(f"{out}/unique")
    return session.read.parquet(f"{out}/unique")


def _export_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> Path:
    """Write DuckDB ``table`` to the Parquet file ``path`` (Spark reads it back as is)."""
    quoted = str(path).replace("'", "''")
    con.execute(f"COPY {table} TO '{quoted}' (FORMAT parquet)")
    return path


def _open(options: EngineOptions) -> SparkEngine:
    """A :class:`SparkEngine` from the settings; raises :class:`InputError` without pyspark."""
    try:
        import pyspark  # noqa: F401
        import splink.backends.spark  # noqa: F401
    except ImportError as exc:
        raise InputError(
            f"linkage engine 'spark' needs pyspark, which cannot be imported ({exc}); "
            "install it with: pip install 'padan[spark]' (and Java 17)"
        ) from exc
    return SparkEngine(
        master=options.spark_master,
        exchange_dir=options.spark_exchange_dir,
        partitions=options.spark_partitions,
    )


register_engine("spark", _open)

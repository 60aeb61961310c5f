"""Splink on Spark: the features go to Spark as Parquet, the model as Spark SQL.

Parquet is the exchange both ways a cluster can read: DuckDB writes the run's two input
tables into a run directory under the exchange directory (a path every Spark executor sees,
e.g. a shared mount, when the master is a cluster), Spark reads them, and Splink keeps its
intermediate tables there too (``break_lineage_method="parquet"``).

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

from padan.errors import InputError
from padan.linkage.engine import SOURCES, EngineOptions, Model, register_engine, write_model
from padan.linkage.spark_sql import carry_parameters, spark_model

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["SparkEngine", "spark_session"]

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
        # Splink's prediction query carries every blocking rule, and its task plans grow with
        # them: with Spark's default driver heap (1 GiB) serialising one ran out of memory
        # (seen in a CI run, Java heap space). A local session is the driver. With 70 rules,
        # 2 GiB could not hold the broadcast hash tables of one stage (BytesToBytesMap); with
        # 87, 4 GiB could not either, once in a CI run. The heap grows only as it is used.
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
            inputs.append(db_api.register(frame, dataset_display_name=source))
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
        """Nothing to do: Splink blocks on Spark when it scores."""

    def prepare_predict(self, linker: Any, con: Any, rules: Any, **_options: Any) -> int | None:
        """Nothing to do: Splink blocks on Spark with the model's own rules."""
        return None

    def close(self) -> None:
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None


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

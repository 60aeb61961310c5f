"""Where Splink runs: DuckDB in this process (the default) or Spark (``PADAN_LINKAGE_ENGINE``).

Features, the deterministic NIK pass and clustering always run in DuckDB; an engine only
holds Splink's part (training and scoring candidate pairs). It is handed the DuckDB
connection that holds ``input_kpai`` and ``input_dtsen`` and gives back Splink inputs, the
model in its own SQL dialect, and a way to save the trained model in the canonical (DuckDB)
form.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
from splink import DuckDBAPI, SettingsCreator

from padan.errors import InputError
from padan.linkage.blocking import BLOCKED_PAIRS_TABLE, candidate_pairs
from padan.settings import Settings

__all__ = [
    "ENGINES",
    "SOURCES",
    "DuckDBEngine",
    "EngineFactory",
    "EngineOptions",
    "LinkEngine",
    "Model",
    "engine_from_settings",
    "open_engine",
    "register_engine",
    "write_model",
]

#: Engine names accepted by ``PADAN_LINKAGE_ENGINE`` and ``padan link --engine``.
ENGINES = ("duckdb", "spark")
#: The two inputs, as Splink's source_dataset values.
SOURCES = ("kpai", "dtsen")

#: A model as :func:`padan.linkage.model.settings` builds it, or a saved Splink settings dict.
Model = SettingsCreator | dict[str, Any]


class LinkEngine(Protocol):
    """Runs Splink's training and scoring for :func:`padan.linkage.link_records`."""

    name: str
    #: Whether :meth:`prepare_predict` can score earlier pairs again (an incremental run then
    #: scores the kept pairs today's records can move: a name new since training, or every
    #: name when the model keeps no frequencies; see :mod:`padan.linkage.frequencies`).
    rescores: bool

    def register(
        self, con: duckdb.DuckDBPyConnection, sources: Sequence[str] = SOURCES
    ) -> list[Any]:
        """Splink inputs for the tables ``input_<source>`` in ``con`` (KPAI, DTSEN and any
        declared person-level source)."""
        ...

    def model(self, model: Model) -> Model:
        """``model`` (DuckDB SQL) as this engine's Splink needs it."""
        ...

    def lookup(self, con: duckdb.DuckDBPyConnection, table: str) -> Any:
        """The DuckDB ``table`` of ``con`` (a term-frequency lookup) as a Splink input of this
        engine, after :meth:`register`."""
        ...

    def save_model(self, linker: Any, path: Path) -> None:
        """Write ``linker``'s trained model to ``path`` as Splink JSON in DuckDB SQL."""
        ...

    def block_ahead(self, con: duckdb.DuckDBPyConnection, rules: Sequence[str]) -> None:
        """Start finding the candidate pairs of ``rules`` (DuckDB SQL) in all of ``con``'s
        ``features`` while the model trains, for :meth:`prepare_predict` to use (an engine
        may do nothing)."""
        ...

    def prepare_predict(
        self,
        linker: Any,
        con: duckdb.DuckDBPyConnection,
        rules: Sequence[str],
        *,
        fresh_only: bool,
        rescore: str | None = None,
    ) -> int | None:
        """Register with ``linker`` the candidate pairs of ``rules`` (DuckDB SQL), only those
        with a fresh record when ``fresh_only`` (Splink's own blocking is never used), and
        the earlier pairs in the table ``rescore`` (``uid_l, uid_r``) again when the engine
        :attr:`rescores`.

        Returns the number of candidate pairs when the engine counted them, else None.
        """
        ...

    def close(self) -> None:
        """Drop what :meth:`register` made for one run (files, views); idempotent."""
        ...


class DuckDBEngine:
    """Splink on the run's own DuckDB connection (no copy of the features)."""

    name = "duckdb"
    rescores = True

    def __init__(self) -> None:
        self._db_api: DuckDBAPI | None = None
        self._ahead: _Ahead | None = None

    def register(
        self, con: duckdb.DuckDBPyConnection, sources: Sequence[str] = SOURCES
    ) -> list[Any]:
        self._db_api = DuckDBAPI(con)
        return [self._db_api.register(f"input_{s}", dataset_display_name=s) for s in sources]

    def model(self, model: Model) -> Model:
        return model

    def lookup(self, con: duckdb.DuckDBPyConnection, table: str) -> Any:
        if self._db_api is None:
            raise RuntimeError("lookup before register(): no Splink inputs")
        return self._db_api.register(table)

    def save_model(self, linker: Any, path: Path) -> None:
        linker.misc.save_model_to_json(str(path), overwrite=True)

    def prepare_predict(
        self,
        linker: Any,
        con: duckdb.DuckDBPyConnection,
        rules: Sequence[str],
        *,
        fresh_only: bool,
        rescore: str | None = None,
    ) -> int | None:
        """Block in Padan's own SQL (:mod:`padan.linkage.blocking`) and hand Splink the pairs,
        with the earlier pairs of ``rescore`` added."""
        if self._db_api is None:
            raise RuntimeError("prepare_predict before register(): no Splink inputs")
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.rules == list(rules) and not fresh_only and not rescore:
            count = ahead.result()
        else:
            if ahead is not None:
                ahead.stop()
            count = candidate_pairs(con, rules, fresh_only=fresh_only, rescore=rescore)
        pairs = self._db_api.register(BLOCKED_PAIRS_TABLE)
        linker.table_management.register_blocked_pairs_for_predict(pairs)
        return count

    def block_ahead(self, con: duckdb.DuckDBPyConnection, rules: Sequence[str]) -> None:
        """Find the candidate pairs on a second connection to ``con``'s database, in a thread.

        Training is partly Python (Splink builds and parses its SQL) and blocking is all
        DuckDB: side by side, the two cores stay busy (on the dense million, blocking and
        training took 36 s and 15 s one after the other).
        """
        if self._ahead is not None:
            self._ahead.stop()
        self._ahead = _Ahead(con, list(rules))

    def close(self) -> None:
        if self._ahead is not None:
            self._ahead.stop()
            self._ahead = None


class _Ahead:
    """:func:`candidate_pairs` of ``rules`` running in a thread on its own cursor."""

    def __init__(self, con: duckdb.DuckDBPyConnection, rules: list[str]) -> None:
        self.rules = rules
        self._cursor = con.cursor()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="padan-blocking")
        self._future = self._pool.submit(candidate_pairs, self._cursor, rules)

    def result(self) -> int:
        """The number of pairs, once found (an error in the thread is raised here)."""
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()
            self._cursor.close()

    def stop(self) -> None:
        """Interrupt the search and wait for the thread (a run that failed or changed rules)."""
        self._cursor.interrupt()
        self._pool.shutdown(wait=True)
        self._cursor.close()


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """What an engine may be configured with (``PADAN_SPARK_*`` in the settings)."""

    spark_master: str = "local[2]"
    spark_exchange_dir: Path | None = None
    spark_partitions: int = 8


#: Builds an engine from the options; an engine module registers one with
#: :func:`register_engine`.
EngineFactory = Callable[[EngineOptions], LinkEngine]
_FACTORIES: dict[str, EngineFactory] = {}


def register_engine(name: str, factory: EngineFactory) -> None:
    """Make :func:`open_engine` build the engine called ``name`` with ``factory``.

    DuckDB registers here; an optional engine registers itself when its module is imported
    (:mod:`padan.linkage.spark`, imported by the package), so this module never imports it.
    """
    _FACTORIES[name] = factory


def open_engine(
    name: str,
    *,
    spark_master: str = "local[2]",
    spark_exchange_dir: Path | None = None,
    spark_partitions: int = 8,
) -> LinkEngine:
    """The engine called ``name`` (one of :data:`ENGINES`).

    Spark is started lazily, on the first run. Raises :class:`InputError` for an unknown name,
    or for ``spark`` when pyspark is not installed.
    """
    factory = _FACTORIES.get(name)
    if factory is None:
        raise InputError(
            f"unknown linkage engine {name!r}; use one of {', '.join(ENGINES)} "
            "(PADAN_LINKAGE_ENGINE or padan link --engine)"
        )
    return factory(EngineOptions(spark_master, spark_exchange_dir, spark_partitions))


def engine_from_settings(settings: Settings) -> LinkEngine:
    """The engine ``settings.linkage_engine`` names, configured from ``settings``."""
    return open_engine(
        settings.linkage_engine,
        spark_master=settings.spark_master,
        spark_exchange_dir=settings.spark_exchange_dir,
        spark_partitions=settings.spark_partitions,
    )


def write_model(path: Path, model: dict[str, Any]) -> None:
    """Write a Splink settings dict as Splink's own ``save_model_to_json`` does."""
    path.write_text(json.dumps(model, indent=4), encoding="utf-8")


register_engine("duckdb", lambda _options: DuckDBEngine())

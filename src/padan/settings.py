"""Typed settings, read from the environment (prefix ``PADAN_``) when asked for, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Runtime settings. Every field can be set as ``PADAN_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="PADAN_", extra="ignore")

    #: SQLAlchemy URL of the store. Default: an SQLite file in the working directory.
    database_url: str = "sqlite:///padan.db"
    #: Where the trained linkage model is kept (Splink JSON with Padan's training metadata).
    model_path: Path = Path("padan-model.json")
    #: Where Splink trains and scores: ``duckdb`` (in process) or ``spark`` (pip install
    #: 'padan[spark]', Java 17). Features, NIK rules and clustering stay in DuckDB.
    linkage_engine: str = "duckdb"
    #: Spark master URL for the spark engine: ``local[2]``, ``spark://host:7077``, ``yarn``.
    spark_master: str = "local[2]"
    #: Directory for the Parquet exchange with Spark (must be visible to every executor on a
    #: cluster, e.g. a shared mount). Default: the system temporary directory.
    spark_exchange_dir: Path | None = None
    #: Shuffle partitions for Spark (a few per core).
    spark_partitions: int = 8


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment; explicit ``overrides`` (e.g. ``--db``) win.

    ``None`` overrides are ignored so CLI flags that were not given fall back to the environment.
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    return Settings(**given)  # type: ignore[arg-type]

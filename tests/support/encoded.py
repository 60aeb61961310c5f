"""A seeded synthetic population and its PPRL encodings (test secret), for the tests of
linkage on encodings: each agency's file encoded as ``padan encode`` does."""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from pathlib import Path

from padan.pprl import encode_file, load_schema
from padan.pprl.schema import EncodingSchema
from padan.synth import generate

__all__ = ["SECRET", "Population", "encode_with", "encoded_population", "regency_schema"]

SECRET = b"padan-test-secret-0123456789abcdef"
#: The default schema, with regency codes allowed in the clear (for indicators by regency).
_CLEAR = '\n[clear]\nattributes = ["regency"]\n'


@dataclass(frozen=True)
class Population:
    """The plaintext extracts, their encodings and the truth, in ``folder``."""

    folder: Path
    kpai_csv: Path
    dtsen_csv: Path
    kpai: Path  # encodings
    dtsen: Path
    truth: Path
    schema: EncodingSchema


def regency_schema(folder: Path) -> Path:
    """A schema file: Padan's default with ``[clear] attributes = ["regency"]``."""
    from padan.pprl import default_schema_path

    path = folder / "schema-regency.toml"
    path.write_text(default_schema_path().read_text(encoding="utf-8") + _CLEAR, encoding="utf-8")
    return path


def encode_with(
    population: Population, schema: EncodingSchema, name: str, *, seed: int = 1
) -> tuple[Path, Path]:
    """Both extracts encoded again under ``schema`` (files ``<name>-kpai.parquet`` and
    ``<name>-dtsen.parquet``); ``seed`` fixes the noise."""
    paths = []
    for source, csv in (("kpai", population.kpai_csv), ("dtsen", population.dtsen_csv)):
        out = population.folder / f"{name}-{source}.parquet"
        encode_file(csv, source=source, schema=schema, secret=SECRET, output=out, seed=seed)
        paths.append(out)
    return paths[0], paths[1]


def encoded_population(folder: Path, *, households: int = 400, seed: int = 11) -> Population:
    """Generate the population in ``folder`` (KPAI and DTSEN only) and encode both extracts
    with :data:`SECRET` under the default schema plus regency in the clear."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    generate(folder, households=households, seed=seed, rows_per_complaint=20)
    schema = load_schema(regency_schema(folder))
    population = Population(
        folder,
        folder / "kpai_kasus.csv",
        folder / "dtsen_individu.csv",
        folder / "kpai.parquet",
        folder / "dtsen.parquet",
        folder / "truth.csv",
        schema,
    )
    kpai, dtsen = encode_with(population, schema, "enc")
    kpai.rename(population.kpai)
    dtsen.rename(population.dtsen)
    return dataclasses.replace(population)

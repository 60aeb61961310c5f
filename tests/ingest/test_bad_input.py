"""Property-based: corrupted files never crash ingestion, never lose a row, never half-store."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padan.errors import FileLevelError
from padan.ingest import ingest_file
from padan.store import Store, open_store
from support.extracts import KPAI_HEADER

TODAY = dt.date(2026, 11, 28)
NAME = KPAI_HEADER.index("nama_anak")
MOTHER = KPAI_HEADER.index("nama_ibu")

CORRUPTIONS = [
    "none",
    "stray_quote",
    "formula",
    "control",
    "huge",
    "extra_column",
    "missing_column",
    "duplicate_id",
    "bad_nik",
    "unicode",
    "blank_line",
]


# Any text but line breaks: a line break in a field is quoted, and a quoted field spanning lines
# is legitimate (an address may have one), which the line count asserted below does not allow.
_ONE_LINE = st.text(alphabet=st.characters(exclude_characters="\r\n"), max_size=30)


def _base_row(i: int) -> list[str]:
    return [
        f"K/{i}",
        "2025-03-01",
        "3201014501150001",
        f"Siti Aminah {i}",
        "P",
        "05-01-2015",
        "",
        "Rahayu",
        "32.01.01",
        "V",
        "b",
    ]


@st.composite
def corrupted_files(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    n = draw(st.integers(1, 8))
    kinds = draw(st.lists(st.sampled_from(CORRUPTIONS), min_size=n, max_size=n))
    lines = [",".join(KPAI_HEADER)]
    for i, kind in enumerate(kinds):
        row = _base_row(i)
        if kind == "formula":
            row[NAME] = '=HYPERLINK("http://x","klik")'
        elif kind == "control":
            row[MOTHER] = "Ra\x07hayu\x1b"
        elif kind == "huge":
            row[MOTHER] = "x" * draw(st.integers(1001, 20000))
        elif kind == "duplicate_id":
            row[0] = "K/0"
        elif kind == "bad_nik":
            row[2] = draw(_ONE_LINE)[:20]
        elif kind == "unicode":
            row[NAME] = draw(_ONE_LINE) or "x"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(row)
        line = buffer.getvalue()
        if kind == "stray_quote":
            at = draw(st.integers(0, len(line)))
            line = line[:at] + '"' + line[at:]
        elif kind == "extra_column":
            line += ",surplus"
        elif kind == "missing_column":
            line = line.rsplit(",", 1)[0]
        elif kind == "blank_line":
            lines.append("")
        lines.append(line)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    text = "\r\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        # Stray bytes, but no line break either (see _ONE_LINE).
        junk = draw(st.binary(max_size=4)).replace(b"\n", b"").replace(b"\r", b"")
        at = draw(st.integers(0, len(data)))
        data = data[:at] + junk + data[at:]
    return data, kinds


@pytest.fixture(scope="module")
def prop_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return open_store(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'padan.db'}")


def _stored(store: Store) -> tuple[int, int, int]:
    return (
        len(store.list_batches()),
        store.count_records("kpai_kasus", current_only=False),
        len(store.quarantine_entries()),
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sample=corrupted_files())
def test_bad_input_never_crashes_loses_rows_or_half_stores(
    sample: tuple[bytes, list[str]], prop_store: Store, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data, _kinds = sample
    path = tmp_path_factory.mktemp("f") / "kpai.csv"
    path.write_bytes(data)
    before = _stored(prop_store)
    try:
        summary = ingest_file(path, source="kpai", store=prop_store, today=TODAY, chunk_rows=3)
    except FileLevelError as exc:
        assert str(path) in str(exc)
        assert _stored(prop_store) == before
        return
    assert summary.accepted + summary.quarantined == summary.read
    if summary.already_ingested:
        assert _stored(prop_store) == before
        return
    batches, records, _ = _stored(prop_store)
    assert (batches, records) == (before[0] + 1, before[1] + summary.accepted)
    rows = {e.row_number for e in prop_store.quarantine_entries(batch_id=summary.batch_id)}
    assert len(rows) == summary.quarantined
    data_lines = [ln for ln in data.splitlines()[1:] if ln.strip()]
    # No generated field spans lines legitimately, so every non-blank line is one counted row,
    # even when a stray quote made the CSV parser swallow the lines after it.
    assert summary.read == len(data_lines)


def test_bad_input_workbook_bytes_under_a_csv_name_is_a_file_level_error(
    prop_store: Store, tmp_path: Path
) -> None:
    # Found by the property test above: a file starting like a workbook ("PK") named .csv.
    path = tmp_path / "kpai.csv"
    path.write_bytes(b"PK\x03\x04" + ",".join(KPAI_HEADER).encode() + b"\r\n")
    before = _stored(prop_store)
    with pytest.raises(FileLevelError, match="not a readable XLSX workbook"):
        ingest_file(path, source="kpai", store=prop_store, today=TODAY)
    assert _stored(prop_store) == before

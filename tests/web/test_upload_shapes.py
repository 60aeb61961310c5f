"""Bad uploads, one shape at a time: each gets a 4xx with a message that names the problem, no
traceback, no server path, and nothing is stored (a fuzz corpus of file shapes, table-driven)."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from padan.store import Store
from padan.store.tables import batches, quarantine
from padan.web import create_app
from support.extracts import KPAI_HEADER, KPAI_ROWS
from web.conftest import PASSWORD, WebWorld

MB = 2**20


def _csv(rows: list[list[str]], header: list[str] = KPAI_HEADER) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def _xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(KPAI_HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _parquet(rows: list[list[str]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {h: pa.array([r[i] for r in rows], pa.string()) for i, h in enumerate(KPAI_HEADER)}
    out = io.BytesIO()
    pq.write_table(pa.table(columns), out)
    return out.getvalue()


def _replace_sheet(workbook: bytes, sheet_xml: bytes) -> bytes:
    """The workbook with its first sheet's XML replaced (everything else as saved)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _zip_bomb_xlsx() -> bytes:
    # 300 MiB of spaces inside the sheet's XML pack into a few hundred KiB.
    workbook = _xlsx([KPAI_ROWS[0][0]])
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        xml = source.read("xl/worksheets/sheet1.xml")
    head, _, tail = xml.partition(b"<sheetData>")
    return _replace_sheet(workbook, head + b"<sheetData>" + b" " * (300 * MB) + tail)


def _damaged_sheet_xlsx() -> bytes:
    workbook = _xlsx([r for r, _ in KPAI_ROWS])
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        xml = source.read("xl/worksheets/sheet1.xml")
    return _replace_sheet(workbook, xml[: xml.index(b"</row>", xml.index(b"</row>") + 1) + 40])


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


GOOD_ROWS = [row for row, _ in KPAI_ROWS]

# (case, uploaded file name, content builder, status, what the message must say)
SHAPES: list[tuple[str, str, Callable[[], bytes], int, str]] = [
    ("empty", "kpai.csv", lambda: b"", 400, "the file is empty"),
    ("binary", "kpai.csv", lambda: bytes(range(256)) * 64, 400, "binary content"),
    (
        "pdf named csv",
        "kpai.csv",
        lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n\x00\x01" * 100,
        400,
        "binary content",
    ),
    (
        "png named xlsx",
        "kpai.xlsx",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50,
        400,
        "binary content",
    ),
    (
        "30 MB without a newline",
        "kpai.csv",
        lambda: b"a" * (30 * MB),
        400,
        "too long for a header row",
    ),
    (
        "30 MB of separators",
        "kpai.csv",
        lambda: b"x," * (15 * MB),
        400,
        "too long for a header row",
    ),
    (
        "neither utf-8 nor cp1252",
        "kpai.csv",
        lambda: b"no_pengaduan,nama_anak\nK/1,\x81\x8d\x90\n",
        400,
        "neither UTF-8 nor Windows-1252",
    ),
    ("BOM only", "kpai.csv", lambda: b"\xef\xbb\xbf", 400, "no header row"),
    ("blank lines only", "kpai.csv", lambda: b"\n\n\n", 400, "no header row"),
    (
        "BOM and header, no rows",
        "kpai.csv",
        lambda: b"\xef\xbb\xbf" + _csv([]),
        400,
        "header but no data rows",
    ),
    (
        "unclosed quote in the header",
        "kpai.csv",
        lambda: b'"no_pengaduan,nama_anak\nK/1,x\n',
        400,
        "header row cannot be read",
    ),
    (
        "another extract's header",
        "kpai.csv",
        lambda: _csv([["1", "2"]], ["id_dtsen", "nik"]),
        400,
        "required column(s) missing",
    ),
    (
        "duplicate column",
        "kpai.csv",
        lambda: _csv([[*GOOD_ROWS[0], "x"]], [*KPAI_HEADER, "nama_anak"]),
        400,
        "appears twice",
    ),
    (
        "truncated xlsx",
        "kpai.xlsx",
        lambda: _xlsx(GOOD_ROWS)[:3000],
        400,
        "not a readable XLSX workbook",
    ),
    ("zip, not a workbook", "kpai.xlsx", _plain_zip, 400, "not a readable XLSX workbook"),
    ("zip bomb xlsx", "kpai.xlsx", _zip_bomb_xlsx, 400, "the workbook unpacks to"),
    ("damaged sheet xml", "kpai.xlsx", _damaged_sheet_xlsx, 400, "damaged after row"),
    (
        "truncated parquet",
        "kpai.parquet",
        lambda: _parquet(GOOD_ROWS)[:200],
        400,
        "not a readable Parquet file",
    ),
    ("parquet without rows", "kpai.parquet", lambda: _parquet([]), 400, "header but no data rows"),
    (
        "truncated json lines",
        "kpai.jsonl",
        lambda: b'{"no_pengaduan": "K/1", "nama_an',
        400,
        "no JSON object on any line",
    ),
    (
        "json array",
        "kpai.json",
        lambda: b'[{"no_pengaduan": "K/1"}]',
        400,
        "a JSON array, not JSON lines",
    ),
    (
        "xlsx bytes named csv, damaged",
        "kpai.csv",
        lambda: b"PK\x03\x04" + b"\x00" * 100,
        400,
        "not a readable XLSX workbook",
    ),
]


# Tens or hundreds of megabytes each: still run by scripts/test, left out by -m "not slow".
_SLOW = {"30 MB without a newline", "30 MB of separators", "zip bomb xlsx"}


def _counts(store: Store) -> tuple[int, int]:
    with store._connect() as conn:
        stored = conn.execute(select(func.count()).select_from(batches)).scalar_one()
        held = conn.execute(select(func.count()).select_from(quarantine)).scalar_one()
    return int(stored), int(held)


def _no_leak(text: str, world: WebWorld) -> None:
    assert "Traceback" not in text and 'File "' not in text
    assert "padan-upload-" not in text
    assert tempfile.gettempdir() not in text
    assert str(world.work) not in text


@pytest.mark.parametrize(
    ("name", "build", "status", "message"),
    [
        pytest.param(n, b, s, m, id=case, marks=[pytest.mark.slow] if case in _SLOW else [])
        for case, n, b, s, m in SHAPES
    ],
)
def test_upload_refuses_each_bad_shape_with_a_clear_json_error(
    world: WebWorld,
    web_store: Store,
    name: str,
    build: Callable[[], bytes],
    status: int,
    message: str,
) -> None:
    app = create_app(web_store, model_path=world.model, secure_cookies=False)
    before = _counts(web_store)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post(
            "/api/v1/ingest/kpai",
            headers={"Authorization": f"Bearer {world.tokens['kpai1']}"},
            files={"file": (name, build(), "application/octet-stream")},
        )
    assert response.status_code == status, response.text[:500]
    error = response.json()["error"]
    assert error["code"] == "bad_input"
    assert message in error["message"]
    assert error["message"].startswith(name)  # the uploaded name, where a path would have been
    _no_leak(response.text, world)
    assert _counts(web_store) == before


@pytest.mark.parametrize(
    ("case", "name", "build", "message"),
    [
        ("empty", "kpai.csv", lambda: b"", "the file is empty"),
        pytest.param(
            "30 MB without a newline",
            "kpai.csv",
            lambda: b"a" * (30 * MB),
            "too long for a header row",
            marks=pytest.mark.slow,
        ),
        (
            "truncated xlsx",
            "kpai.xlsx",
            lambda: _xlsx(GOOD_ROWS)[:3000],
            "not a readable XLSX workbook",
        ),
    ],
)
def test_upload_page_says_what_is_wrong_in_html(
    world: WebWorld,
    web_store: Store,
    case: str,
    name: str,
    build: Callable[[], bytes],
    message: str,
) -> None:
    app = create_app(web_store, model_path=world.model, secure_cookies=False)
    before = _counts(web_store)
    with TestClient(app, raise_server_exceptions=False) as client:
        client.get("/login")
        client.post(
            "/login",
            data={
                "username": "kpai1",
                "password": PASSWORD,
                "csrf_token": client.cookies.get("padan_login_csrf"),
            },
        )
        client.cookies.set("padan_lang", "en")  # the library's words, as the test names them
        page = client.get("/ingest")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = client.post(
            "/ingest",
            data={"source": "kpai", "csrf_token": csrf},
            files={"file": (name, build(), "application/octet-stream")},
        )
    assert response.status_code == 400, case
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text
    _no_leak(response.text, world)
    assert _counts(web_store) == before


def test_upload_over_the_limit_is_refused_before_it_is_stored(
    world: WebWorld, web_store: Store
) -> None:
    app = create_app(
        web_store, model_path=world.model, secure_cookies=False, upload_max_bytes=1 * MB
    )
    before = _counts(web_store)
    headers = {"Authorization": f"Bearer {world.tokens['kpai1']}"}
    body = _csv(GOOD_ROWS * 4000)  # a valid extract, only too large
    assert len(body) > 1 * MB
    with TestClient(app, raise_server_exceptions=False) as client:
        refused = client.post(
            "/api/v1/ingest/kpai", headers=headers, files={"file": ("kpai.csv", body)}
        )
        # Under the limit of the body, over the limit of the file: the copy stops it.
        edge = _csv(GOOD_ROWS * 3600)[: 1 * MB + 1000]
        streamed = client.post(
            "/api/v1/ingest/kpai", headers=headers, files={"file": ("kpai.csv", edge)}
        )
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "too_large"
    assert "upload limit of 1 MiB" in refused.json()["error"]["message"]
    assert streamed.status_code == 413
    assert (
        "kpai.csv: the file is larger than the upload limit" in streamed.json()["error"]["message"]
    )
    _no_leak(refused.text + streamed.text, world)
    assert _counts(web_store) == before


@pytest.mark.slow
def test_upload_with_a_30_mb_row_quarantines_that_row(tmp_path: Path) -> None:
    """A huge field in a data row is that row's problem, not the file's: quarantined, not a 500."""
    from padan.ingest import ingest_file
    from padan.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    path = tmp_path / "kpai.csv"
    path.write_bytes(_csv(GOOD_ROWS[:1]) + b"K/9," + b"a" * (30 * MB) + b"\n")
    summary = ingest_file(path, source="kpai", store=store)
    assert (summary.read, summary.accepted, summary.quarantined) == (2, 1, 1)
    assert summary.quarantine_reasons == {"baris_tidak_terbaca": 1}
    store.engine.dispose()


def test_a_body_without_a_length_and_an_unexpected_error_say_so_without_a_traceback(
    world: WebWorld, web_store: Store
) -> None:
    app = create_app(web_store, model_path=world.model, secure_cookies=False)

    @app.get("/api/v1/_boom")
    def boom() -> None:
        raise RuntimeError(f"secret detail at {world.work}")

    def chunks() -> Iterator[bytes]:
        yield b"a,b\n"
        yield b"1,2\n"

    with TestClient(app, raise_server_exceptions=False) as client:
        chunked = client.post(
            "/api/v1/ingest/kpai",
            headers={"Authorization": f"Bearer {world.tokens['kpai1']}"},
            content=chunks(),
        )
        failed = client.get("/api/v1/_boom")
        # The header's value in another spelling, with no length: refused all the same.
        spelled = client.post(
            "/api/v1/ingest/kpai",
            headers={
                "Authorization": f"Bearer {world.tokens['kpai1']}",
                "Transfer-Encoding": "Chunked",
            },
            content=chunks(),
        )
    assert chunked.status_code == 411 and spelled.status_code == 411
    assert chunked.json()["error"]["code"] == "length_required"
    assert failed.status_code == 500
    assert failed.json()["error"]["message"] == (
        "the server could not complete this request (RuntimeError)"
    )
    _no_leak(chunked.text + failed.text, world)


def test_quarantine_rows_show_an_unreadable_row_as_its_text(tmp_path: Path) -> None:
    """A row that could not be split into columns is kept as its text, and listing it is no
    500 (its raw form is not JSON)."""
    from padan.access.policy import Principal, get_role
    from padan.ingest import ingest_file
    from padan.services.ingest import quarantine_rows
    from padan.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    path = tmp_path / "kpai.csv"
    broken = b'K/9,"Anak tanpa kutip penutup,2\n'
    path.write_bytes(_csv(GOOD_ROWS[:1]) + broken + _csv(GOOD_ROWS[1:2]).split(b"\n", 1)[1])
    summary = ingest_file(path, source="kpai", store=store)
    assert summary.quarantine_reasons.get("baris_tidak_terbaca") == 1, summary
    admin = Principal("admin1", get_role("admin"), None)
    rows = quarantine_rows(store, admin, summary.batch_id, purpose="cek")
    unreadable = [r for r in rows if r["reason"] == "baris_tidak_terbaca"]
    assert [r["raw"] for r in unreadable] == [broken.decode()]
    assert all(isinstance(r["raw"], dict) for r in rows if r not in unreadable)
    store.engine.dispose()

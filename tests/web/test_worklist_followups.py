"""Worklists for the field (issue 17): the XLSX an officer takes out (labelled headers, widths,
autofilter, frozen header, cover sheet, region names, address and parents' names by role) and
the follow-ups recorded by uploading it again (services, web route, API, CLI), on the shared
linked SQLite store of the web tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from padan.access.policy import Principal, get_role
from padan.cli.main import app
from padan.domain.regions import check_region
from padan.errors import InputError
from padan.services.followups import FollowupFileError, import_followups
from padan.services.worklist_file import (
    FOLLOWUP_COLUMNS,
    FOLLOWUP_STATUSES,
    column_label,
    status_label,
    worklist_workbook,
)
from padan.services.worklists import export_worklist_file
from padan.store import Store
from padan.store.audit import audit_entries
from padan.store.children import child_members, latest_run_id, records_by_uid
from padan.store.followups import child_followups
from web.conftest import PASSWORD, WebWorld

runner = CliRunner()
_notes = itertools.count(1)
DAY = dt.date.today() - dt.timedelta(days=3)


def _auth(world: WebWorld, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[user]}"}


def _export(client: TestClient, world: WebWorld, user: str, name: str, **params: Any) -> bytes:
    response = client.get(
        f"/api/v1/worklists/{name}/export",
        headers=_auth(world, user),
        params={"purpose": "kunjungan lapangan", "format": "xlsx", **params},
    )
    assert response.status_code == 200, response.text
    return response.content


def _with_rows(client: TestClient, world: WebWorld, user: str) -> str:
    """The longest worklist of ``user`` (the synthetic store has a few rows in every scope)."""
    lists = client.get("/api/v1/worklists", headers=_auth(world, user)).json()["worklists"]
    longest = max(lists, key=lambda w: w["rows"])
    assert longest["rows"] >= 2
    return str(longest["name"])


def _sheets(data: bytes) -> tuple[Any, Any]:
    wb = load_workbook(io.BytesIO(data))
    return wb.worksheets[0], wb.worksheets[1]


def _table(data: bytes) -> tuple[list[str], list[list[Any]]]:
    _, ws = _sheets(data)
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def _fill(data: bytes, fills: dict[int, tuple[object, object, object]], **cells: object) -> bytes:
    """The file with data row ``i`` (0 = first child) given (status, date, note); ``cells``
    (``"B3": value``) overwrite other cells of the worklist sheet."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[1]
    header = [c.value for c in ws[1]]
    lang = "en" if "Child ID" in header else "id"
    at = [header.index(column_label(c, lang)) + 1 for c in FOLLOWUP_COLUMNS]
    for i, values in fills.items():
        for col, value in zip(at, values, strict=True):
            ws.cell(row=i + 2, column=col, value=value)
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _child(data: bytes, i: int) -> str:
    header, rows = _table(data)
    lang = "en" if "Child ID" in header else "id"
    return str(rows[i][header.index(column_label("child_id", lang))])


def _principal(store: Store, user: str, world: WebWorld) -> Principal:
    role = {
        "daerah1": "petugas_daerah",
        "kemensos1": "analis_kemensos",
        "kpai1": "analis_kpai",
    }[user]
    return Principal(user, get_role(role), world.province if user == "daerah1" else None)


# -- the XLSX ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_worklist_xlsx_is_ready_for_the_field(
    world: WebWorld, client: TestClient, web_store: Store, lang: str
) -> None:
    name = "usulan_dtsen"
    view = client.get(
        f"/api/v1/worklists/{name}",
        headers=_auth(world, "kemensos1"),
        params={"purpose": "uji", "limit": 1000},
    ).json()
    data = _export(client, world, "kemensos1", name, lang=lang)
    cover, ws = _sheets(data)
    header, rows = _table(data)
    codes = [*view["columns"], *FOLLOWUP_COLUMNS]
    assert header == [column_label(c, lang) for c in codes]
    assert len(rows) == view["total"] > 0
    expected = {"id": ("ID anak", "Kabupaten/Kota", "Status tindak lanjut", "Keterangan")}
    expected["en"] = ("Child ID", "Regency/City", "Follow-up status", "About")
    assert {expected[lang][0], expected[lang][1], expected[lang][2]} <= set(header)
    assert cover.title == expected[lang][3]
    # Widths, autofilter over every row, frozen header row.
    assert ws.freeze_panes == "A2"
    last = ws.cell(row=1, column=len(header)).column_letter
    assert ws.auto_filter.ref == f"A1:{last}{len(rows) + 1}"
    widths = [
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width
        for i in range(len(header))
    ]
    assert all(10 <= w <= 60 for w in widths)
    assert (
        widths[header.index(column_label("nama_anak", lang))]
        > widths[header.index(column_label("usia", lang))]
    )
    # The status drop-down offers the five statuses in the file's language.
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1
    assert (
        lists[0].formula1 == '"' + ",".join(status_label(s, lang) for s in FOLLOWUP_STATUSES) + '"'
    )
    status_col = ws.cell(row=1, column=header.index(column_label("status_tindak_lanjut", lang)) + 1)
    assert str(lists[0].sqref).startswith(f"{status_col.column_letter}2:")
    # Region names next to the codes, from the Kemendagri tables.
    code_at = header.index(column_label("kode_wilayah", lang))
    province_at = header.index(column_label("provinsi", lang))
    for row in rows:
        lineage = {r.level: r.name for r in check_region(str(row[code_at])).lineage()}
        assert row[province_at] == lineage["province"]
    # The cover sheet: who, when (with its time zone), why, which run, which rules.
    facts = {str(a): str(b) for a, b in cover.iter_rows(values_only=True)}
    text = " ".join(facts.values())
    assert "kemensos1" in text and "Analis Kemensos" in text and "kunjungan lapangan" in text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text)
    run = next(
        v for k, v in facts.items() if k in ("Sumber: proses pemadanan", "Source linkage run")
    )
    assert run.split(",")[0].split()[-1] == str(latest_run_id(web_store))
    masked = "disamarkan" if lang == "id" else "masked"
    assert masked in text
    assert column_label("klaster", lang) in text  # left out by the Kemensos policy
    # Nothing in it runs as a formula.
    for r in ws.iter_rows(values_only=True):
        assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in r)


def test_worklist_xlsx_language_follows_the_user(world: WebWorld, client: TestClient) -> None:
    client.cookies.set("padan_lang", "en")
    try:
        page = client.get(
            "/api/v1/worklists/usulan_dtsen/export",
            headers=_auth(world, "kemensos1"),
            params={"purpose": "uji", "format": "xlsx"},
        )
    finally:
        client.cookies.clear()
    default = _export(client, world, "kemensos1", "usulan_dtsen")
    assert "ID anak" in _table(default)[0]
    assert "Child ID" in _table(page.content)[0]


@pytest.mark.parametrize(
    ("user", "present", "absent", "masked"),
    [
        ("daerah1", {"nik_anak", "alamat", "nama_ibu", "kecamatan"}, {"kandidat_terdekat"}, False),
        ("kpai1", {"nik_anak", "alamat", "klaster", "kandidat_terdekat"}, set(), True),
        ("kemensos1", {"nik_anak", "alamat", "kandidat_terdekat"}, {"klaster"}, True),
    ],
)
def test_worklist_xlsx_fields_follow_the_role(
    world: WebWorld,
    client: TestClient,
    web_store: Store,
    user: str,
    present: set[str],
    absent: set[str],
    masked: bool,
) -> None:
    e = export_worklist_file(
        web_store, _principal(web_store, user, world), "usulan_dtsen", purpose="uji"
    )
    assert present <= set(e.columns) and not absent & set(e.columns)
    assert absent <= set(e.hidden_columns)
    niks = [r[e.columns.index("nik_anak")] for r in e.rows if r[e.columns.index("nik_anak")]]
    assert niks and all(("*" in str(n)) == masked for n in niks)
    at = e.columns.index("kode_wilayah")
    if user == "daerah1":
        assert all(str(r[at]).startswith(world.province) for r in e.rows)
        assert e.regional and not e.nik_masked
    # Address and parents' names come from the child's own records.
    run_id = latest_run_id(web_store)
    assert run_id is not None
    child_at = e.columns.index("child_id")
    sources = {"alamat": ("alamat",), "nama_ibu": ("nama_ibu", "nama_ibu_kandung")}
    filled = 0
    for row in e.rows[:30]:
        child = str(row[child_at])
        members = child_members(web_store, run_id, [child])[child]
        records = records_by_uid(
            web_store, [u for u, _ in members], columns=("alamat", "nama_ibu", "nama_ibu_kandung")
        )
        for column, fields in sources.items():
            known = {r.get(f) for r in records.values() for f in fields} - {None, ""}
            value = row[e.columns.index(column)]
            assert value in known if known else value is None, (child, column)
            filled += value is not None
    assert filled > 0


def test_worklist_xlsx_leaves_out_family_fields_for_a_role_without_them(
    world: WebWorld, web_store: Store
) -> None:
    role = get_role("petugas_daerah")
    family = {"alamat", "nama_ibu", "nama_ayah", "nama_ibu_kandung", "id_keluarga"}
    narrow = dataclasses.replace(role, fields=role.fields - family)
    p = Principal("daerah1", narrow, world.province)
    e = export_worklist_file(web_store, p, "usulan_dtsen", purpose="uji")
    assert not {"alamat", "nama_ibu", "nama_ayah"} & set(e.columns)
    assert {"alamat", "nama_ibu", "nama_ayah"} <= set(e.hidden_columns)
    cover = _sheets(worklist_workbook(e, "id"))[0]
    text = " ".join(str(v) for r in cover.iter_rows(values_only=True) for v in r)
    assert "tidak disertakan: " in text and "Alamat" in text and "Nama ibu" in text


# -- the re-import -------------------------------------------------------------------------------


def test_followups_import_records_events_once(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    p = _principal(web_store, "daerah1", world)
    name = _with_rows(client, world, "daerah1")
    data = _export(client, world, "daerah1", name)
    note = f"rumah dikunjungi {next(_notes)}"
    filled = _fill(
        data,
        {0: ("Dikunjungi", DAY, note), 1: ("terdaftar_dtsen", DAY.strftime("%d/%m/%Y"), "")},
    )
    first, second = _child(data, 0), _child(data, 1)
    before = {c: len(child_followups(web_store, c)) for c in (first, second)}
    result = import_followups(web_store, p, filled, file_name="isi.xlsx")
    assert (result["worklist"], result["rows"], result["added"]) == (name, 2, 2)
    got = child_followups(web_store, first)
    assert len(got) == before[first] + 1
    assert (got[0].status, got[0].followup_date, got[0].note, got[0].username) == (
        "dikunjungi",
        DAY,
        note,
        "daerah1",
    )
    assert child_followups(web_store, second)[0].status == "terdaftar_dtsen"
    # The same file again, or a re-saved copy, adds nothing.
    again = import_followups(web_store, p, filled, file_name="isi.xlsx")
    resaved = _fill(filled, {})
    copy = import_followups(web_store, p, resaved, file_name="isi-salinan.xlsx")
    assert (again["added"], again["already_recorded"]) == (0, 2)
    assert copy["added"] == 0
    assert len(child_followups(web_store, first)) == before[first] + 1
    # Every import is audited, with the children it touched.
    imports = [e for e in audit_entries(web_store, limit=20) if e.action == "worklist.import"]
    assert len(imports) >= 3 and {first, second} <= set(imports[0].child_ids)
    same_file = [e for e in imports if f"sha256={result['sha256'][:16]}" in e.target]
    assert len(same_file) == 2 and "added=2" in same_file[-1].target
    assert "added=0" in same_file[0].target


@pytest.mark.parametrize(
    ("fill", "column", "problem"),
    [
        (("dibakar", DAY, "x"), "status_tindak_lanjut", "is not a follow-up status"),
        (("", DAY, "catatan saja"), "status_tindak_lanjut", "is empty"),
        (("Dikunjungi", "", "x"), "tanggal_tindak_lanjut", "is empty"),
        (("Dikunjungi", "31/02/2026", "x"), "tanggal_tindak_lanjut", "not a day of the calendar"),
        (
            ("Dikunjungi", dt.date.today() + dt.timedelta(days=9), "x"),
            "tanggal_tindak_lanjut",
            "future",
        ),
        (("Lainnya", DAY, None), "catatan_tindak_lanjut", "is empty while the status"),
    ],
)
def test_followups_import_refuses_bad_rows_and_stores_nothing(
    world: WebWorld,
    client: TestClient,
    web_store: Store,
    fill: tuple[object, object, object],
    column: str,
    problem: str,
) -> None:
    p = _principal(web_store, "daerah1", world)
    data = _export(client, world, "daerah1", _with_rows(client, world, "daerah1"))
    good = ("Dikunjungi", DAY, f"baik {next(_notes)}")
    filled = _fill(data, {0: good, 1: fill})
    before = len(child_followups(web_store, _child(data, 0)))
    with pytest.raises(FollowupFileError) as caught:
        import_followups(web_store, p, filled, file_name="salah.xlsx")
    [found] = caught.value.rows
    assert (found.row, found.column) == (3, column) and problem in found.problem
    assert found.fix and "row 3" in str(caught.value)
    assert len(child_followups(web_store, _child(data, 0))) == before  # all or nothing
    assert audit_entries(web_store, limit=1)[0].action == "worklist.import.refused"


def test_followups_import_refuses_unknown_and_out_of_scope_children(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    daerah = _principal(web_store, "daerah1", world)
    name = "usulan_dtsen"
    national = _export(client, world, "kemensos1", name)
    header, rows = _table(national)
    code_at = header.index("Kode wilayah")
    outside = next(i for i, r in enumerate(rows) if not str(r[code_at]).startswith(world.province))
    inside = next(i for i, r in enumerate(rows) if str(r[code_at]).startswith(world.province))
    note = f"lintas wilayah {next(_notes)}"
    filled = _fill(
        national, {outside: ("Dikunjungi", DAY, note), inside: ("Dikunjungi", DAY, note)}
    )
    with pytest.raises(FollowupFileError) as caught:
        import_followups(web_store, daerah, filled, file_name="nasional.xlsx")
    assert [(x.row, x.column) for x in caught.value.rows] == [(outside + 2, "child_id")]
    assert child_followups(web_store, _child(national, outside)) == []
    # The national analyst may record both; an unknown child id is refused alike.
    unknown = _fill(filled, {}, **{f"A{inside + 2}": "C-TIDAK-ADA"})
    with pytest.raises(FollowupFileError) as caught:
        import_followups(
            web_store, _principal(web_store, "kemensos1", world), unknown, file_name="x.xlsx"
        )
    assert [(x.row, x.value) for x in caught.value.rows] == [(inside + 2, "C-TIDAK-ADA")]
    assert "not in your scope" in caught.value.rows[0].problem


def _plain_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["ID anak", "Status tindak lanjut"])
    ws.append(["C1", "Dikunjungi"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda data: b"child_id,status\nC1,dikunjungi\n", "not an XLSX file"),
        (lambda data: _plain_xlsx(), "no Padan marker sheet"),
        (lambda data: _fill(data, {}, A1="Nama"), "header 'Nama'"),
    ],
)
def test_followups_import_refuses_a_file_that_is_not_a_worklist_export(
    world: WebWorld, client: TestClient, web_store: Store, make: Any, message: str
) -> None:
    data = _export(client, world, "daerah1", _with_rows(client, world, "daerah1"))
    with pytest.raises(InputError, match=message) as caught:
        import_followups(
            web_store, _principal(web_store, "daerah1", world), make(data), file_name="f.xlsx"
        )
    assert "not a worklist exported by Padan" in str(caught.value) or "header" in str(caught.value)


# -- web, API and CLI ----------------------------------------------------------------------------


def _session(client: TestClient, user: str) -> str:
    """Log in through the form; returns the session's CSRF token as the pages carry it."""
    client.get("/login")
    token = client.cookies.get("padan_login_csrf")
    done = client.post(
        "/login",
        data={"username": user, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dashboard").text)
    assert found
    return found.group(1)


def test_followups_web_form_records_and_profile_shows_them(
    world: WebWorld, client: TestClient, web_store: Store
) -> None:
    name = _with_rows(client, world, "daerah1")
    data = _export(client, world, "daerah1", name)
    csrf = _session(client, "daerah1")
    page = client.get(f"/worklists/{name}")
    assert 'id="import-form"' in page.text and 'type="file"' in page.text
    note = f"dirujuk ke dinsos {next(_notes)}"
    filled = _fill(data, {0: ("Dirujuk ATENSI", DAY, note)})
    files = {"file": ("isi.xlsx", filled, "application/octet-stream")}
    done = client.post(f"/worklists/{name}/import", data={"csrf_token": csrf}, files=files)
    assert done.status_code == 200 and 'id="import-result"' in done.text
    child = _child(data, 0)
    profile = client.get(f"/children/{child}", params={"purpose": "uji"})
    assert 'id="followups"' in profile.text and note in profile.text
    assert "Dirujuk ATENSI" in profile.text
    api = client.get(
        f"/api/v1/children/{child}", headers=_auth(world, "daerah1"), params={"purpose": "uji"}
    ).json()
    assert any(f["note"] == note and f["status"] == "dirujuk_atensi" for f in api["followups"])
    # A bad row: the page lists it (row, column, value, fix) and nothing is stored.
    bad = _fill(data, {0: ("dibakar", DAY, "x")})
    files = {"file": ("salah.xlsx", bad, "application/octet-stream")}
    refused = client.post(f"/worklists/{name}/import", data={"csrf_token": csrf}, files=files)
    assert refused.status_code == 400 and 'id="import-problems"' in refused.text
    assert "dibakar" in refused.text and "bukan status tindak lanjut" in refused.text
    assert "Dikunjungi" in refused.text  # the fix names the choices
    wrong = {"file": ("x.csv", b"a,b\n", "text/csv")}
    refused = client.post(f"/worklists/{name}/import", data={"csrf_token": csrf}, files=wrong)
    assert refused.status_code == 400 and 'id="import-error"' in refused.text
    # From an open list (its purpose in the form): back to that list, with the counts.
    again = {"file": ("isi.xlsx", filled, "application/octet-stream")}
    form = {"csrf_token": csrf, "purpose": "tindak lanjut", "region": ""}
    back = client.post(f"/worklists/{name}/import", data=form, files=again, follow_redirects=False)
    assert back.status_code == 303 and "purpose=tindak+lanjut" in back.headers["location"]
    shown = client.get(back.headers["location"])
    assert 'id="import-result"' in shown.text and 'id="worklist"' in shown.text


def test_followups_api_import(world: WebWorld, client: TestClient, web_store: Store) -> None:
    name = _with_rows(client, world, "daerah1")
    data = _export(client, world, "daerah1", name)
    filled = _fill(data, {0: ("Tidak ditemukan", DAY, f"pindah {next(_notes)}")})
    files = {"file": ("isi.xlsx", filled, "application/octet-stream")}
    url = "/api/v1/worklists/import"
    first = client.post(url, headers=_auth(world, "daerah1"), files=files).json()
    again = client.post(url, headers=_auth(world, "daerah1"), files=files).json()
    assert (first["added"], again["added"], again["already_recorded"]) == (1, 0, 1)
    refused = client.post(url, headers=_auth(world, "tinjau1"), files=files)
    assert refused.status_code == 403


def test_followups_cli_export_and_import(
    world: WebWorld, client: TestClient, web_store: Store, tmp_path: Path
) -> None:
    name = _with_rows(client, world, "daerah1")
    out = tmp_path / "daftar.xlsx"
    args = ["--as", "daerah1", "worklist", "export", name, "--out", str(out)]
    made = runner.invoke(app, [*args, "--purpose", "kunjungan", "--lang", "en", "--db", world.url])
    assert made.exit_code == 0, made.output
    header, rows = _table(out.read_bytes())
    assert "Child ID" in header and "Follow-up status" in header and rows
    note = f"cli {next(_notes)}"
    filled = tmp_path / "isi.xlsx"
    filled.write_bytes(_fill(out.read_bytes(), {0: ("Visited", DAY, note)}))
    command = ["--as", "daerah1", "worklist", "import", str(filled), "--json", "--db", world.url]
    first = runner.invoke(app, command)
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, command)
    assert '"added": 1' in first.stdout and '"added": 0' in again.stdout
    assert child_followups(web_store, _child(out.read_bytes(), 0))[0].note == note
    bad = tmp_path / "salah.xlsx"
    bad.write_bytes(_fill(out.read_bytes(), {0: ("Visited", "kemarin", "x")}))
    refused = runner.invoke(
        app, ["--as", "daerah1", "worklist", "import", str(bad), "--db", world.url]
    )
    assert refused.exit_code == 2 and "row 2" in refused.output and "kemarin" in refused.output
    nobody = runner.invoke(app, ["worklist", "import", str(filled), "--db", world.url])
    assert nobody.exit_code == 2 and "--as" in nobody.output
    # A national file with a child outside the officer's province; a file that is not ours.
    national = _export(client, world, "kemensos1", "usulan_dtsen")
    header, rows = _table(national)
    code_at = header.index("Kode wilayah")
    outside = next(i for i, r in enumerate(rows) if not str(r[code_at]).startswith(world.province))
    elsewhere = tmp_path / "nasional.xlsx"
    elsewhere.write_bytes(_fill(national, {outside: ("Dikunjungi", DAY, f"cli {next(_notes)}")}))
    refused = runner.invoke(
        app, ["--as", "daerah1", "worklist", "import", str(elsewhere), "--db", world.url]
    )
    assert refused.exit_code == 2 and f"row {outside + 2}, child_id" in refused.output
    assert "not in your scope" in refused.output
    other = tmp_path / "lain.csv"
    other.write_text("child_id,status\nPDN1,dikunjungi\n", encoding="utf-8")
    refused = runner.invoke(
        app, ["--as", "daerah1", "worklist", "import", str(other), "--db", world.url]
    )
    assert refused.exit_code == 2 and "not a worklist exported by Padan" in refused.output


@pytest.mark.parametrize("lang", ["id", "en"])
def test_worklist_xlsx_cells_show_code_labels_in_the_language(
    world: WebWorld, client: TestClient, lang: str
) -> None:
    from padan.i18n import label
    from padan.i18n.codes import CODES

    name = "usulan_dtsen"  # carries the NIK status of each child
    data = _export(client, world, "kpai1", name, lang=lang)
    header, rows = _table(data)
    status = next(i for i, h in enumerate(header) if h == column_label("status_nik", lang))
    seen = {r[status] for r in rows if r[status]}
    codes = set(CODES["status_nik"])
    assert seen and not seen & codes, seen  # labels, not the stored codes
    assert seen <= {label("status_nik", c, lang) for c in codes}, seen

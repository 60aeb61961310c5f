"""The CLI's reads of children's data and its institution commands follow the web's policy.

On a copy of the linked web world (one user per role, an active admin): each command runs as
the named user, is allowed or refused by the same permission as the web, shapes its output by
the role (region, NIK masking) and leaves the web's audit row; a refused one shows and audits
nothing. On a store without an active admin the local operator ``cli:<login>`` runs, unshaped,
and is audited.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from padan.cli.main import app
from padan.store import open_store
from padan.store.audit import AuditEntry, audit_entries
from padan.store.users import set_user_active
from web.conftest import USERS, WebWorld

runner = CliRunner()

ROLES = {name: role for name, (role, _) in USERS.items()}


@dataclass
class Copy:
    url: str
    here: Path
    province: str
    batches: dict[str, int]  # source → a batch id of it with quarantined rows (or any)


def _copy(world: WebWorld, here: Path) -> Copy:
    source = Path(world.url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", here / f"padan.db{suffix}")
    url = f"sqlite:///{here / 'padan.db'}"
    store = open_store(url)
    batches = {b.source: b.id for b in store.list_batches()}
    store.engine.dispose()
    return Copy(url, here, world.province, batches)


@pytest.fixture(scope="module")
def copy(world: WebWorld, tmp_path_factory: pytest.TempPathFactory) -> Copy:
    return _copy(world, tmp_path_factory.mktemp("cli-reads"))


@pytest.fixture(scope="module")
def fresh(world: WebWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Copy]:
    """A copy whose admin is deactivated: the store has no active admin (as a fresh install)."""
    made = _copy(world, tmp_path_factory.mktemp("cli-fresh"))
    store = open_store(made.url)
    set_user_active(store, "admin1", False)
    store.engine.dispose()
    yield made


def _run(c: Copy, user: str | None, *args: str) -> tuple[int, str]:
    acting = ("--as", user) if user else ()
    result = runner.invoke(app, [*acting, *args, "--db", c.url])
    return result.exit_code, result.output


def _audit(c: Copy) -> list[AuditEntry]:
    store = open_store(c.url)
    try:
        return audit_entries(store, limit=100_000)
    finally:
        store.engine.dispose()


#: command → (arguments, the permission, the audit action it leaves, the roles allowed), the
#: roles written out here (not read from policy.toml) so a policy change shows as a failure.
COMMANDS: dict[str, tuple[list[str], str, str, set[str]]] = {
    "export_clusters": (
        ["export", "clusters", "--out", "{out}.csv", "--purpose", "uji"],
        "export",
        "export",
        {"analis_kpai", "analis_kemensos", "petugas_daerah"},
    ),
    "export_pairs": (
        ["export", "pairs", "--out", "{out}.csv", "--purpose", "uji"],
        "export",
        "export",
        {"analis_kpai", "analis_kemensos", "petugas_daerah"},
    ),
    "quarantine_list": (
        ["quarantine", "list", "--json", "--purpose", "uji"],
        "quarantine",
        "quarantine",
        {"admin", "analis_kpai", "analis_kemensos"},
    ),
    "quarantine_export": (
        ["quarantine", "export", "--out", "{out}.csv"],
        "quarantine",
        "quarantine",
        {"admin", "analis_kpai", "analis_kemensos"},
    ),
    "review_list": (
        ["review", "list", "--json", "--purpose", "uji"],
        "review",
        "review_list",
        {"peninjau"},
    ),
    "report_worklists": (
        ["report", "--out", "{out}.xlsx", "--worklists", "--purpose", "uji"],
        "worklists",
        "worklist.export",
        {"analis_kpai", "analis_kemensos", "petugas_daerah"},
    ),
    "institutions_review_list": (
        ["institutions", "review", "list", "--json"],
        "institutions_review",
        "institution_dedup_list",
        {"analis_kemensos", "peninjau"},
    ),
}


@pytest.mark.parametrize("user", sorted(ROLES))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_cli_reads_follow_the_web_permission_and_are_audited_as_the_user(
    copy: Copy, command: str, user: str
) -> None:
    args, permission, action, allowed = COMMANDS[command]
    out = copy.here / f"{command}-{user}"
    before = len(_audit(copy))
    code, said = _run(copy, user, *(a.format(out=out) for a in args))
    after = _audit(copy)
    new = after[: len(after) - before]  # newest first
    if ROLES[user] in allowed:
        assert code == 0, said
        assert any((e.username, e.role, e.action) == (user, ROLES[user], action) for e in new)
        return
    assert code == 1, said
    assert f"role {ROLES[user]} may not use {permission}" in said
    holders = said.split("roles with it: ")[1]
    assert all(role in holders for role in allowed), said
    assert new == [] and not list(copy.here.glob(f"{command}-{user}*"))
    assert "kpai:" not in said and "dtsen:" not in said


def test_a_named_user_is_needed_once_the_store_has_an_admin(copy: Copy) -> None:
    for args in (["review", "list"], ["quarantine", "list"], ["report", "--json"]):
        code, said = _run(copy, None, *args)
        assert code == 2, said
        assert "dijalankan sebagai pengguna bernama: jalankan padan --as NAME" in said


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _in(code: str | None, region: str) -> bool:
    return bool(code) and (code == region or str(code).startswith(region + "."))


def _child_regions(c: Copy) -> dict[str, set[str]]:
    """Each child's record regions in the latest run."""
    store = open_store(c.url)
    try:
        run = store.latest_link_run()
        assert run is not None
        child_of = store.child_of(run.id)
        regions: dict[str, set[str]] = {}
        for table, key, source in (
            ("dtsen_individu", "id_individu", "dtsen"),
            ("kpai_kasus", "no_pengaduan", "kpai"),
        ):
            data = store.records_arrow(table, [key, "kode_wilayah"])
            ids, codes = (data.column(n).to_pylist() for n in (key, "kode_wilayah"))
            for rid, code in zip(ids, codes, strict=True):
                child = child_of.get(f"{source}:{rid}")
                if child:
                    regions.setdefault(child, set()).add(code or "")
        return regions
    finally:
        store.engine.dispose()


def test_a_regional_role_exports_and_reports_its_region_only(copy: Copy) -> None:
    regions = _child_regions(copy)
    files = {}
    for user in ("daerah1", "kpai1"):
        path = copy.here / f"clusters-{user}.csv"
        code, said = _run(copy, user, "export", "clusters", "--out", str(path))
        assert code == 0, said
        files[user] = _csv(path)
    mine = {r["child_id"] for r in files["daerah1"]}
    everyone = {r["child_id"] for r in files["kpai1"]}
    assert mine and mine < everyone
    assert all(any(_in(c, copy.province) for c in regions[child]) for child in mine)
    assert any(not any(_in(c, copy.province) for c in regions[x]) for x in everyone - mine)
    code, said = _run(copy, "daerah1", "report", "--json")
    assert code == 0, said
    assert json.loads(said)["region"]["code"] == copy.province
    other = next(c for cs in regions.values() for c in cs if c and not _in(c, copy.province))
    code, said = _run(copy, "daerah1", "report", "--region", other[:2], "--json")
    assert code == 1 and "outside your scope" in said


def _worklist(path: Path, name: str) -> list[dict[str, object]]:
    """A worklist sheet's rows by column code (the sheet's headers are the columns' labels)."""
    from padan.i18n import label
    from padan.i18n.codes import CODES

    code_of = {label("column", c, "id"): c for c in CODES["column"]}
    sheet = load_workbook(path, read_only=True)[f"Daftar {name}"]
    rows = list(sheet.iter_rows(values_only=True))
    head = [code_of.get(str(h), h) for h in rows[0]]
    return [dict(zip(head, r, strict=True)) for r in rows[1:]]


def test_report_worklists_are_shaped_by_the_role(copy: Copy) -> None:
    shown = {}
    for user in ("daerah1", "kpai1"):
        path = copy.here / f"report-{user}.xlsx"
        args = ("report", "--out", str(path), "--worklists", "--purpose", "tindak lanjut")
        code, said = _run(copy, user, *args)
        assert code == 0, said
        shown[user] = _worklist(path, "usulan_dtsen")
    regional, masked = shown["daerah1"], shown["kpai1"]
    assert regional and len(regional) < len(masked)
    assert all(_in(str(r["kode_wilayah"]), copy.province) for r in regional)
    niks = [str(r["nik_anak"]) for r in masked if r["nik_anak"]]
    assert niks and all(n[6:] == "*" * len(n[6:]) for n in niks)  # district part only
    full = [str(r["nik_anak"]) for r in regional if r["nik_anak"]]
    assert full and all(n.isdigit() for n in full)
    assert "klaster" in masked[0] and "klaster" not in regional[0]  # kpai_case: KPAI roles
    code, said = _run(copy, "kpai1", "report", "--out", str(copy.here / "x.xlsx"), "--worklists")
    assert code == 2 and "purpose" in said
    code, said = _run(copy, "tinjau1", "report", "--json", "--no-suppress")
    assert code == 1 and "--no-suppress is for roles with exact small cells" in said
    for flags, suppressed in (((), True), (("--no-suppress",), False)):
        code, said = _run(copy, "kpai1", "report", "--json", *flags)
        assert code == 0 and json.loads(said)["suppressed"] is suppressed, said


def test_without_an_admin_the_local_operator_reads_unshaped_and_is_audited(fresh: Copy) -> None:
    before = len(_audit(fresh))
    code, said = _run(fresh, None, "review", "list", "--json", "--purpose", "uji")
    assert code == 0, said
    assert json.loads(said)  # peninjau's queue, shown to the holder of the store
    clusters = fresh.here / "clusters.csv"
    assert _run(fresh, None, "export", "clusters", "--out", str(clusters))[0] == 0
    report = fresh.here / "report.xlsx"
    code, said = _run(fresh, None, "report", "--out", str(report), "--worklists")
    assert code == 0, said
    code, said = _run(fresh, None, "quarantine", "list", "--json")
    assert code == 0, said
    entries = _audit(fresh)
    new = entries[: len(entries) - before]
    assert {e.action for e in new} >= {"review_list", "export", "report.worklists"}
    assert all(e.username.startswith("cli:") and e.role == "cli" for e in new)
    exported = next(e for e in new if e.action == "export")
    assert len(exported.child_ids) == len({r["child_id"] for r in _csv(clusters)})
    niks = [str(r["nik_anak"]) for r in _worklist(report, "usulan_dtsen") if r["nik_anak"]]
    assert niks and all(n.isdigit() for n in niks)  # unshaped: the operator holds the store
    # A named user is still taken (and shaped) before an admin exists.
    code, said = _run(fresh, "tinjau1", "export", "pairs", "--out", str(fresh.here / "p.csv"))
    assert code == 1 and "may not use export" in said


def test_institution_changes_are_the_acting_users(copy: Copy) -> None:
    add = [
        "institutions",
        "add",
        "--set",
        "nama_lembaga=TPA Uji",
        "--set",
        "jenis=TPA",
        "--set",
        f"kode_wilayah={copy.province}",
    ]
    code, said = _run(copy, None, *add, "--by", "rina")
    assert code == 2 and "dijalankan sebagai pengguna bernama" in said
    code, said = _run(copy, "kemensos1", *add, "--by", "rina")
    assert code == 2 and "--by 'rina' is not the acting user 'kemensos1'" in said
    code, said = _run(copy, "tinjau1", *add)
    assert code == 1 and "may not use institutions_manage" in said
    assert "analis_kemensos, petugas_daerah" in said
    code, said = _run(copy, "kemensos1", "--lang", "en", *add, "--by", "kemensos1")
    assert code == 0, said
    made = said.split("Registered ")[1].split(" ")[0]
    code, said = _run(copy, "daerah1", "institutions", "edit", made, "--set", "kapasitas=12")
    assert code == 0, said
    code, said = _run(copy, "daerah1", "institutions", "show", made, "--json")
    history = json.loads(said)["history"]
    assert [h["changed_by"] for h in history] == ["kemensos1", "daerah1"]
    rows = [(e.username, e.role, e.action) for e in _audit(copy)]
    assert ("kemensos1", "analis_kemensos", "institution_create") in rows
    assert ("daerah1", "petugas_daerah", "institution_edit") in rows


def test_quarantine_shows_each_role_the_batches_of_its_extracts(
    world: WebWorld, tmp_path: Path
) -> None:
    c = _copy(world, tmp_path)
    for source in ("kpai", "dtsen"):
        header, first = world.data_files[source].read_text(encoding="utf-8").splitlines()[:2]
        bad = tmp_path / f"{source}-rusak.csv"  # one row without its key: quarantined
        bad.write_text(f"{header}\n,{first.split(',', 1)[1]}\n", encoding="utf-8")
        assert runner.invoke(app, ["ingest", source, str(bad), "--db", c.url]).exit_code == 0
    store = open_store(c.url)
    source_of = {b.id: b.source for b in store.list_batches()}
    store.engine.dispose()
    seen = {}
    for user in ("admin1", "kpai1", "kemensos1"):
        code, said = _run(c, user, "quarantine", "list", "--json", "--purpose", "cek")
        assert code == 0, said
        seen[user] = {source_of[e["batch_id"]] for e in json.loads(said)}
    assert seen == {"admin1": {"kpai", "dtsen"}, "kpai1": {"kpai"}, "kemensos1": {"dtsen"}}
    kpai_batch = max(b for b, s in source_of.items() if s == "kpai")
    code, said = _run(c, "kemensos1", "quarantine", "list", "--batch", str(kpai_batch))
    assert code == 1 and f"batch {kpai_batch} tidak termasuk batch yang Anda tangani" in said
    listing = ("quarantine", "list", "--batch", str(kpai_batch))
    code, said = _run(c, "kemensos1", "--lang", "en", *listing)
    assert code == 1 and f"batch {kpai_batch} is not among the batches you handle" in said
    rows = [(e.username, e.action, e.target, e.purpose) for e in _audit(c)]
    assert ("kpai1", "quarantine", f"batch {kpai_batch}", "cek") in rows
    assert not any(who == "kemensos1" and t == f"batch {kpai_batch}" for who, _, t, _ in rows)


def _add(c: Copy, user: str, *fields: str) -> str:
    args = ["institutions", "add", *(x for f in fields for x in ("--set", f))]
    code, said = _run(c, user, *args)
    assert code == 0 and "terdaftar" in said, said  # "PDN-L000001 (name) terdaftar."
    return said.split(" (")[0].strip()


def test_institution_reads_follow_the_role_once_accounts_are_in_use(copy: Copy) -> None:
    other = "11" if copy.province != "11" else "12"
    here = _add(
        copy,
        "kemensos1",
        "nama_lembaga=Rumah Aman Uji",
        "jenis=RUMAH_AMAN",
        f"kode_wilayah={copy.province}",
        "alamat=Jl. Rahasia 9",
    )
    there = _add(copy, "kemensos1", "nama_lembaga=LKSA Jauh", "jenis=LKSA", f"kode_wilayah={other}")
    listed = {}
    for user in ("kemensos1", "daerah1"):
        code, said = _run(copy, user, "institutions", "list", "--json", "--purpose", "awas")
        assert code == 0, said
        listed[user] = {r["id_lembaga"] for r in json.loads(said)}
    assert {here, there} <= listed["kemensos1"]
    assert here in listed["daerah1"] and there not in listed["daerah1"]
    code, said = _run(copy, "daerah1", "institutions", "show", there)
    assert code == 1 and "lembaga tidak ada, atau di luar wilayah Anda" in said
    addresses = {}
    for user in ("kpai1", "daerah1"):
        code, said = _run(copy, user, "institutions", "show", here, "--json")
        assert code == 0, said
        addresses[user] = json.loads(said)["alamat"]
    assert addresses == {"kpai1": "(rahasia)", "daerah1": "Jl. Rahasia 9"}
    for args in (["list"], ["risk"], ["indicators"], ["show", here]):
        code, said = _run(copy, "tinjau1", "institutions", *args)
        assert code == 1 and "role peninjau may not use institutions" in said, said
        code, said = _run(copy, None, "institutions", *args)
        assert code == 2 and "dijalankan sebagai pengguna bernama" in said, said
    rows = [(e.username, e.role, e.action, e.target) for e in _audit(copy)]
    assert ("kpai1", "analis_kpai", "institution_view", f"lembaga:{here}") in rows
    assert any(r[:3] == ("daerah1", "petugas_daerah", "institution_list") for r in rows)
    reads = {"institution_list", "institution_view", "institution_risk", "institution_indicators"}
    assert not any(r[0] == "tinjau1" and r[2] in reads for r in rows)


def test_inspection_list_follows_the_role_once_accounts_are_in_use(copy: Copy) -> None:
    other = "11" if copy.province != "11" else "12"
    there = _add(
        copy, "kemensos1", "nama_lembaga=LKSA Seberang", "jenis=LKSA", f"kode_wilayah={other}"
    )
    listing = ["institutions", "inspections", "list", "--json"]
    code, said = _run(copy, "kemensos1", *listing, "--lembaga", there)
    assert code == 0 and json.loads(said) == [], said
    code, said = _run(copy, "daerah1", *listing, "--lembaga", there)
    assert code == 1 and "lembaga tidak ada, atau di luar wilayah Anda" in said
    code, said = _run(copy, "tinjau1", *listing)
    assert code == 1 and "role peninjau may not use institutions" in said
    code, said = _run(copy, None, *listing)
    assert code == 2 and "dijalankan sebagai pengguna bernama" in said

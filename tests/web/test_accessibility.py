"""axe-core over every page, at a desktop and a phone width (Debian Chromium, Playwright).

axe-core comes inside the ``axe-playwright-python`` wheel (``axe.min.js``), so nothing is
downloaded when the tests run. Every page a role can open is loaded as a user of that role;
each must have no serious or critical axe violation and no horizontal scroll (the document no
wider than the window), at 1366×768 and at 360×800.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from padan.access.auth import create_user
from padan.ingest import ingest_file
from padan.institutions import record_inspection
from padan.registry import run_linkage
from padan.store import DedupRun, InstitutionStore, open_store
from padan.synth import generate
from support.institutions import register
from support.live_server import live_server

pytestmark = pytest.mark.browser

PASSWORD = "rahasia-sekali-123"
USERS = {
    "admin1": ("admin", None),
    "kpai1": ("analis_kpai", None),
    "kemensos1": ("analis_kemensos", None),
    "daerah1": ("petugas_daerah", "32"),
    "tinjau1": ("peninjau", None),
    "audit1": ("auditor", None),
}
VIEWPORTS = {"desktop": (1366, 768), "phone": (360, 800)}
SERIOUS = ("serious", "critical")


@dataclass
class A11yWorld:
    url: str
    model: Path
    batch: int  # a batch with quarantined rows
    lembaga: Path  # an institution extract to upload


@pytest.fixture(scope="module")
def a11y_world(tmp_path_factory: pytest.TempPathFactory) -> A11yWorld:
    return build_world(tmp_path_factory.mktemp("a11y"))


def build_world(work: Path) -> A11yWorld:
    """A linked store with institutions, an inspection, a duplicate pair, a quarantined batch
    and one user per role, in ``work``."""
    data = generate(work / "data", households=120, seed=7)
    url = f"sqlite:///{work / 'a11y.db'}"
    store = open_store(url)
    for source in ("dtsen", "kpai"):
        ingest_file(data.files[source], source=source, store=store)
    model = work / "model.json"
    run_linkage(store, model_path=model)
    # A later KPAI extract with two complaints missing their date: quarantined.
    with data.files["kpai"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:2]
    bad = work / "kpai_bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "tanggal_pengaduan": ""} for row in rows)
    batch = ingest_file(bad, source="kpai", store=store)
    assert batch.quarantined > 0
    register(store, "L-GOOD")
    register(store, "L-RISK", nama_lembaga="TPA Bahaya", status_izin="TIDAK_BERIZIN")
    register(store, "L-DUP", nama_lembaga="Daycare Pelita")
    record_inspection(
        store,
        {
            "id_lembaga": "L-RISK",
            "checklist": "tpa-tara",
            "tanggal": (dt.date.today() - dt.timedelta(days=30)).isoformat(),
            "petugas": "Rina",
            "temuan": [{"butir": "TPA-06", "keparahan": "BERAT", "tindakan": "Susun kebijakan"}],
        },
    )
    registry = InstitutionStore(store)
    ids = [r.id_lembaga for r in registry.institutions()]
    now = dt.datetime.now(dt.UTC)
    registry.save_dedup_run(
        DedupRun(0, now, now, 0.9, 0.2, len(ids), len(ids)),
        [("L-GOOD", "L-DUP", 0.55, "review")],
        {uid: uid for uid in ids},
    )
    for name, (role, region) in USERS.items():
        create_user(store, name, role=role, password=PASSWORD, region=region)
    store.engine.dispose()
    return A11yWorld(url, model, batch.batch_id, data.files["lembaga"])


@pytest.fixture(scope="module")
def base_url(a11y_world: A11yWorld) -> Iterator[str]:
    with live_server(a11y_world.url, a11y_world.model) as url:
        yield url


#: Every page of the routers (padan.web.routes), as a user of a role that may open it.
#: ``{child}``, ``{batch}`` are filled in at run time. ``/runs/job`` is a fragment of ``/runs``
#: (htmx polls it), not a page.
PAGES: list[tuple[str, str | None]] = [
    ("/login", None),
    ("/dashboard", "kpai1"),
    ("/dashboard?region=32", "daerah1"),
    ("/dashboard?trend=left_dtsen&period=quarter", "audit1"),
    ("/children", "tinjau1"),
    ("/children?q=siti", "tinjau1"),
    ("/children/{child}", "tinjau1"),
    ("/children/{child}/explain", "tinjau1"),
    ("/review", "tinjau1"),
    ("/worklists", "kemensos1"),
    ("/worklists/usulan_dtsen", "kemensos1"),
    ("/worklists/layak_belum_menerima", "daerah1"),
    ("/institutions", "kemensos1"),
    ("/institutions/risk", "kemensos1"),
    ("/institutions/duplicates", "kemensos1"),
    ("/institutions/new", "kemensos1"),
    ("/institutions/L-RISK", "kemensos1"),
    ("/institutions/L-RISK/edit", "kemensos1"),
    ("/institutions/L-RISK/inspections/new", "kemensos1"),
    ("/ingest", "admin1"),
    ("/ingest/{batch}/quarantine", "admin1"),
    ("/runs", "admin1"),
    ("/audit", "audit1"),
    ("/admin/users", "admin1"),
    ("/account/password", "audit1"),
    ("/institutions/NO-SUCH", "kemensos1"),  # the error page: not found
    ("/audit", "tinjau1"),  # the error page: forbidden
]


#: Pages of the routers that are not in PAGES, and why.
NOT_PAGES = {"/runs/job": "a fragment of /runs"}


def test_accessibility_pages_cover_every_page_of_the_routers() -> None:
    """A new page fails here until it is added to PAGES (and so checked by axe)."""
    from fastapi.responses import HTMLResponse
    from fastapi.routing import APIRoute

    from padan.web.routes import accounts, institutions, pages, worklists

    routers = (pages.router, accounts.router, institutions.page_router, worklists.page_router)
    routes = {
        route.path
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
        and "GET" in route.methods
        and route.response_class is HTMLResponse
    }
    assert len(routes) > 20
    listed = [path.split("?")[0] for path, _ in PAGES]
    for route in sorted(routes - set(NOT_PAGES)):
        pattern = re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(route)) + "$")
        assert any(pattern.match(path) for path in listed), f"{route}: add it to PAGES"


def _log_in(context: Any, base_url: str, username: str) -> Any:
    page = context.new_page()
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _problems(page: Any, where: str) -> list[str]:
    """Serious and critical axe violations, and horizontal scroll, on the page as it is."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("networkidle")
    found = []
    results = Axe().run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:3]]
            found.append(f"{where}: {violation['id']} ({violation['impact']}) at {targets}")
    # The menu stays a readable row inside the dark header: no link outside it (white text on
    # the light page) and none broken over lines (a column of words).
    spilled = page.evaluate(
        """() => {
            const box = document.querySelector('header').getBoundingClientRect();
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('header a, header button')].filter(e => {
                const r = e.getBoundingClientRect();
                const line = parseFloat(getComputedStyle(e).lineHeight) || 24;
                return r.left < box.left || r.right > Math.min(box.right, width)
                    || r.top < box.top || r.bottom > box.bottom || r.height > 2 * line;
            }).map(e => e.textContent.trim());
        }"""
    )
    if spilled:
        found.append(f"{where}: header items outside the header or broken over lines: {spilled}")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth
                        && !e.closest('.scroll'))
                .slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '')
                                      + (e.className ? '.' + e.className : ''))"""
        )
        found.append(f"{where}: scrolls sideways ({widths[0]} px in {widths[1]} px): {wide}")
    return found


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_accessibility_every_page_has_no_serious_violation_nor_sideways_scroll(
    base_url: str, a11y_world: A11yWorld, browser: Any, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    contexts: dict[str | None, Any] = {}
    pages: dict[str | None, Any] = {}
    problems: list[str] = []
    child = ""
    try:
        for path, user in PAGES:
            if user not in pages:
                contexts[user] = browser.new_context(viewport={"width": width, "height": height})
                pages[user] = (
                    _log_in(contexts[user], base_url, user) if user else contexts[user].new_page()
                )
            page = pages[user]
            if "{child}" in path and not child:
                page.goto(base_url + "/children?q=siti")
                child = page.locator("a.child-link").first.get_attribute("href")
                child = child.split("?")[0].rsplit("/", 1)[-1]
            url = path.format(child=child, batch=a11y_world.batch)
            page.goto(base_url + url)
            assert page.locator("h1").count() == 1, f"{url}: one h1 per page"
            problems += _problems(page, f"{viewport} {user} {url}")
    finally:
        for context in contexts.values():
            context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_accessibility_forms_with_errors_and_results(
    base_url: str, a11y_world: A11yWorld, browser: Any, viewport: str, tmp_path: Path
) -> None:
    """The states a form leaves behind: errors next to fields, a wrong login, an upload summary."""
    from playwright.sync_api import expect

    width, height = VIEWPORTS[viewport]
    problems: list[str] = []
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(base_url + "/login")
        page.fill("input[name=username]", "kemensos1")
        page.fill("input[name=password]", "wrong-password-1")
        page.click("button[type=submit]")
        expect(page.locator("#login-error")).to_have_text("Nama pengguna atau kata sandi salah.")
        problems += _problems(page, f"{viewport} wrong login")
        page = _log_in(context, base_url, "kemensos1")
        # An inspection with no visit date and a due date before the visit: errors by the field.
        page.goto(base_url + "/institutions/L-RISK/inspections/new")
        page.fill("input[name=petugas]", "")
        page.select_option("select[name=sev_TPA-01]", "BERAT")
        page.click("#inspection-form button[type=submit]")
        tanggal = page.locator("input[name=tanggal]")
        expect(tanggal).to_have_attribute("aria-invalid", "true")
        assert tanggal.get_attribute("type") == "date"
        described = page.locator("#" + tanggal.get_attribute("aria-describedby").split()[-1])
        expect(described).to_have_text("Tanggal kunjungan wajib diisi.")
        problems += _problems(page, f"{viewport} inspection form with errors")
        # An institution with no name.
        page.goto(base_url + "/institutions/new")
        page.click("#institution-form button[type=submit]")
        expect(page.locator("#f-nama_lembaga")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#e-nama_lembaga")).to_have_text("Isian ini wajib diisi.")
        problems += _problems(page, f"{viewport} institution form with errors")
        # A password change whose two new passwords differ.
        page.goto(base_url + "/account/password")
        page.fill("input[name=current]", PASSWORD)
        page.fill("input[name=new]", "satu-dua-tiga-4")
        page.fill("input[name=repeat]", "satu-dua-tiga-5")
        page.click("main button[type=submit]")
        expect(page.locator("#e-repeat")).to_have_text(
            "Kedua kata sandi baru tidak sama; ketik ulang."
        )
        problems += _problems(page, f"{viewport} password change refused")
        # An unusable upload (its error by the file field), then an upload and its summary.
        empty = tmp_path / "lembaga.csv"
        empty.write_bytes(b"")
        page.goto(base_url + "/ingest")
        page.select_option("select[name=source]", "lembaga")
        page.set_input_files("input[name=file]", str(empty))
        page.click("#upload button[type=submit]")
        expect(page.locator("#e-file")).to_contain_text("lembaga.csv")
        expect(page.locator("#f-file")).to_have_attribute("aria-invalid", "true")
        problems += _problems(page, f"{viewport} upload refused")
        page.select_option("select[name=source]", "lembaga")
        page.set_input_files("input[name=file]", str(a11y_world.lembaga))
        page.click("#upload button[type=submit]")
        expect(page.locator("#summary")).to_be_visible()
        problems += _problems(page, f"{viewport} upload result")
    finally:
        context.close()
    assert not problems, "\n".join(problems)

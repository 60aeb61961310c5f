"""Counts of record events as a role may see them: its sources and regions, small counts
refused to aggregate roles, every read audited, no record id or value in the answer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from padan.access.authorise import Forbidden
from padan.access.policy import ROLES, Principal, get_role
from padan.errors import InputError
from padan.ingest import ingest_file
from padan.ingest.snapshot import Snapshot
from padan.services.changes import change_counts
from padan.store import Store
from padan.store.audit import audit_entries
from support.snapshots import write_dtsen

KEMENSOS = Principal("wati", get_role("analis_kemensos"), None)
DAERAH = Principal("ujang", get_role("petugas_daerah"), "32.02")
PENINJAU = Principal("rina", get_role("peninjau"), None)
AUDITOR = Principal("tono", get_role("auditor"), None)


@pytest.fixture
def quarters(store: Store, tmp_path: Path) -> Store:
    """Quarter 1: three households; quarter 2 (a snapshot): H2 gone, H1 and H3 re-ranked."""
    ingest_file(write_dtsen(tmp_path, "q1", ["H1", "H2", "H3"]), source="dtsen", store=store)
    q2 = write_dtsen(tmp_path, "q2", ["H1", "H3"], desil={"H1": "5", "H3": "4"})
    ingest_file(q2, source="dtsen", store=store, snapshot=Snapshot(max_removal=0.5))
    return store


@pytest.mark.parametrize(
    ("who", "region", "events", "desil"),
    [
        (KEMENSOS, None, {"added": 6, "changed": 4, "removed": 2}, 4),
        (KEMENSOS, "32.01", {"added": 4, "changed": 2, "removed": 2}, 2),
        (KEMENSOS, "3202", {"added": 2, "changed": 2, "removed": 0}, 2),
        (DAERAH, None, {"added": 2, "changed": 2, "removed": 0}, 2),  # its own regency only
    ],
)
def test_change_counts_per_role_and_region(
    quarters: Store,
    who: Principal,
    region: str | None,
    events: dict[str, int | None],
    desil: int | None,
) -> None:
    counts = change_counts(quarters, who, region=region)
    assert counts["events"] == events
    assert counts["fields"]["dtsen"]["desil"] == desil


def test_change_counts_period_and_source(quarters: Store) -> None:
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    later = change_counts(quarters, KEMENSOS, since=tomorrow)
    assert later["events"] == {"added": 0, "changed": 0, "removed": 0}
    kpai = change_counts(quarters, KEMENSOS, source="kpai")
    assert kpai["events"]["added"] == 0 and kpai["sources"] == ["kpai"]


@pytest.mark.parametrize("role", [r for r in ROLES if "dashboard" in get_role(r).permissions])
def test_change_counts_refused_to_roles_that_suppress_small_counts(
    quarters: Store, role: str
) -> None:
    """Region and period are free: a count shown for 32 minus one shown for 32.02 would give
    the hidden count of 32.01, so a role that must suppress 1-4 gets no ad hoc counts."""
    who = Principal("u", get_role(role), "32.02" if role == "petugas_daerah" else None)
    before = len(audit_entries(quarters))
    if not who.role.suppress_small:
        assert change_counts(quarters, who)["events"]["added"] > 0
        return
    with pytest.raises(Forbidden, match="subtracting two such counts would reveal them"):
        change_counts(quarters, who, region="32")
    assert len(audit_entries(quarters)) == before


@pytest.mark.parametrize(
    ("who", "kw", "error"),
    [
        (DAERAH, {"region": "32.01"}, Forbidden),  # outside its regency
        (AUDITOR, {"source": "dtsen"}, Forbidden),  # an aggregate role: no ad hoc counts
        (PENINJAU, {"region": "32.01"}, Forbidden),
        (KEMENSOS, {"source": "bpjs"}, InputError),
        (KEMENSOS, {"region": "32.1"}, InputError),
        (KEMENSOS, {"since": dt.date(2026, 2, 1), "until": dt.date(2026, 1, 1)}, InputError),
    ],
)
def test_change_counts_refusals(
    quarters: Store, who: Principal, kw: dict[str, Any], error: type[Exception]
) -> None:
    before = len(audit_entries(quarters))
    with pytest.raises(error):
        change_counts(quarters, who, **kw)
    assert len(audit_entries(quarters)) == before  # a refused read is not logged as a read


def test_change_counts_is_audited_and_names_nobody(quarters: Store) -> None:
    counts = change_counts(quarters, KEMENSOS, region="32.01", purpose="quarterly review")
    entry = audit_entries(quarters, limit=1)[0]
    assert (entry.username, entry.action, entry.purpose) == ("wati", "changes", "quarterly review")
    assert "region=32.01" in entry.target
    text = json.dumps(counts)
    assert not any(word in text for word in ("D1", "D3", "Asep", "Ujang", "H1"))


def test_change_counts_of_a_service_source(store: Store, tmp_path: Path) -> None:
    """Kemensos service records changed between two deliveries count as changes of that
    source; their values are not shown (a declared table's fields are named only)."""
    header = (
        "id_layanan,tanggal_layanan,komponen_atensi,id_lembaga,nama_anak,jenis_kelamin,"
        "kode_wilayah,status_layanan\n"
    )
    first, second = tmp_path / "s1.csv", tmp_path / "s2.csv"
    first.write_text(header + "A1,2026-01-05,terapi,L1,Rina,P,32.01,berjalan\n")
    second.write_text(header + "A1,2026-01-05,terapi,L1,Rina,P,32.01,selesai\n")
    ingest_file(first, source="kemensos", store=store)
    ingest_file(second, source="kemensos", store=store)
    counts = change_counts(store, KEMENSOS, source="kemensos")
    assert counts["events"] == {"added": 1, "changed": 1, "removed": 0}
    assert counts["fields"]["kemensos"] == {"status_layanan": 1}
    assert "kemensos" in change_counts(store, KEMENSOS)["sources"]

"""padan.pdp.subject: everything held about one child, and correction requests routed to the
agency owning the record."""

from __future__ import annotations

import json

import pytest

from padan.errors import InputError
from padan.pdp import (
    apply_retention_plan,
    correction_request,
    list_corrections,
    load_pdp_policy,
    subject_access,
    update_correction,
)
from padan.store.audit import audit_entries

from .conftest import BAYU, DEWI, PdpWorld


def test_subject_access_holds_every_record_link_decision_and_access(world: PdpWorld) -> None:
    doc = subject_access(world.store, load_pdp_policy(), DEWI, actor="dpo", reference="S-1")
    assert sorted(r["record"] for r in doc["records"]) == sorted(
        [world.uid["dewi"], world.uid["dewi@kpai"]]
    )
    owners = {r["source"]: r["owner"] for r in doc["records"]}
    assert owners == {"kpai": "KPAI", "dtsen": "Kementerian Sosial"}
    dtsen = next(r for r in doc["records"] if r["source"] == "dtsen")
    assert dtsen["fields"]["alamat"] == "Jl. Baru No. 1"  # the current version
    assert dtsen["as_received"]["nama"] == "Dewi Anggraini"
    assert doc["profile"]["name"] == ["Dewi Anggraini"]
    assert doc["profile"]["birth_date"] == ["2014-09-03"]
    assert {link["uid"] for link in doc["links"]} == {world.uid["dewi"], world.uid["dewi@kpai"]}
    assert all(link["child_id"] == DEWI and link["holds_now"] for link in doc["links"])
    assert [d["decision"] for d in doc["review_decisions"]] == ["same"]
    assert "reviewer" not in doc["review_decisions"][0]
    # Siti's profile view, then this request itself (audited before it was answered).
    assert [a["action"] for a in doc["accesses"]] == ["profile", "pdp.subject_access"]
    assert all("username" not in a for a in doc["accesses"])
    assert doc["answer_by"] > doc["requested_at"]
    json.dumps(doc)  # a file can be written of it as it is
    # Nothing of another child.
    assert "Bayu" not in json.dumps(doc)


def test_subject_access_after_retention_says_the_record_is_pseudonymised(
    world: PdpWorld,
) -> None:
    policy = load_pdp_policy()
    apply_retention_plan(world.store, policy, actor="ops")
    doc = subject_access(world.store, policy, DEWI, actor="dpo")
    kpai = next(r for r in doc["records"] if r["source"] == "kpai")
    assert kpai["status"] == "pseudonymised under retention"
    assert kpai["as_received"] is None and kpai["fields"]["nama_anak"] is None


@pytest.mark.parametrize("child", ["PDN000000999", "not-an-id", ""])
def test_subject_access_of_an_unknown_child_is_refused_and_not_audited(
    world: PdpWorld, child: str
) -> None:
    before = len(audit_entries(world.store, limit=10_000))
    with pytest.raises(InputError, match="not in the latest linkage run"):
        subject_access(world.store, load_pdp_policy(), child, actor="dpo")
    assert len(audit_entries(world.store, limit=10_000)) == before


def test_correction_request_goes_to_the_records_owner_and_is_listed(world: PdpWorld) -> None:
    policy = load_pdp_policy()
    kpai = correction_request(
        world.store,
        policy,
        DEWI,
        record=world.uid["dewi@kpai"],
        field="tanggal_lahir",
        value="2014-09-04",
        reason="akta kelahiran",
        actor="dpo",
        reference="surat 12/2026",
    )
    dtsen = correction_request(
        world.store,
        policy,
        BAYU,
        record=world.uid["bayu"],
        field="nama",
        value="Bayu Aji N.",
        reason="nama di KK",
        actor="dpo",
    )
    assert (kpai["agency"], dtsen["agency"]) == ("KPAI", "Kementerian Sosial")
    assert [c["id"] for c in list_corrections(world.store, actor="dpo", agency="KPAI")] == [
        kpai["id"]
    ]
    assert [c["record"] for c in list_corrections(world.store, actor="dpo", child_id=BAYU)] == [
        world.uid["bayu"]
    ]
    rows = [e for e in audit_entries(world.store) if e.action == "pdp.correction"]
    assert len(rows) == 2 and all("2014-09-04" not in e.target for e in rows)
    doc = subject_access(world.store, policy, DEWI, actor="dpo")
    assert [c["field"] for c in doc["correction_requests"]] == ["tanggal_lahir"]


@pytest.mark.parametrize(
    ("child", "record", "field", "reason", "message"),
    [
        ("PDN000000999", "dewi@kpai", "nama_anak", "x", "not in the latest linkage run"),
        (DEWI, "bayu@kpai", "nama_anak", "x", "is not one of child"),
        (DEWI, "dewi@kpai", "shoe_size", "x", "is not a field of a Pengaduan KPAI record"),
        (DEWI, "dewi@kpai", "raw", "x", "is not a field"),
        (DEWI, "dewi@kpai", "nama_anak", "  ", "needs a reason"),
    ],
)
def test_correction_request_bad_input_is_refused_and_nothing_stored(
    world: PdpWorld, child: str, record: str, field: str, reason: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        correction_request(
            world.store,
            load_pdp_policy(),
            child,
            record=world.uid[record],
            field=field,
            value="v",
            reason=reason,
            actor="dpo",
        )
    assert list_corrections(world.store, actor="dpo") == []


def _one_request(world: PdpWorld) -> int:
    made = correction_request(
        world.store,
        load_pdp_policy(),
        BAYU,
        record=world.uid["bayu"],
        field="nama",
        value="Bayu Aji N.",
        reason="nama di KK",
        actor="dpo",
    )
    return int(made["id"])


@pytest.mark.parametrize(
    ("steps", "refused", "message"),
    [
        (["sent", "done"], None, ""),
        (["refused"], None, ""),
        (["done", "sent"], "sent", "is done; it cannot become sent (next: none, it is final)"),
        (["sent", "open"], "open", "cannot become open"),
        (["sent", "sent"], "sent", "is sent; it cannot become sent (next: done, refused)"),
        (["lost"], "lost", "status 'lost': use one of open, sent, done, refused"),
    ],
)
def test_correction_status_follows_its_steps_and_is_audited(
    world: PdpWorld, steps: list[str], refused: str | None, message: str
) -> None:
    request = _one_request(world)
    *allowed, last = steps
    for status in allowed:
        assert update_correction(world.store, request, status, actor="dpo")["status"] == status
    if refused is None:
        assert (
            update_correction(world.store, request, last, actor="dpo", note="surat 3")["status"]
            == last
        )
    else:
        before = len(audit_entries(world.store, limit=10_000))
        with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
            update_correction(world.store, request, refused, actor="dpo")
        assert len(audit_entries(world.store, limit=10_000)) == before
    rows = [e for e in audit_entries(world.store) if e.action == "pdp.correction_status"]
    moved = len(steps) if refused is None else len(allowed)
    assert len(rows) == moved and all(e.child_ids == [BAYU] for e in rows)
    status = list_corrections(world.store, actor="dpo", child_id=BAYU)[0]["status"]
    assert status == (last if refused is None else (allowed[-1] if allowed else "open"))


def test_correction_status_of_an_unknown_request_is_refused(world: PdpWorld) -> None:
    with pytest.raises(InputError, match="no correction request 4040"):
        update_correction(world.store, 4040, "sent", actor="dpo")


def test_subject_access_lists_the_childs_followups_without_the_officer(world: PdpWorld) -> None:
    import datetime as dt

    from padan.store.followups import NewFollowup, add_followups

    add_followups(
        world.store,
        [
            NewFollowup(
                child_id=DEWI,
                worklist="tanpa_atensi",
                status="dirujuk_atensi",
                followup_date=dt.date(2026, 11, 2),
                note="dirujuk ke sentra",
                username="petugas7",
                source_sha256="b" * 64,
                source_row=2,
                fingerprint="c" * 64,
            )
        ],
    )
    doc = subject_access(world.store, load_pdp_policy(), DEWI, actor="dpo")
    assert [(f["status"], f["date"], f["note"]) for f in doc["followups"]] == [
        ("dirujuk_atensi", "2026-11-02", "dirujuk ke sentra")
    ]
    assert "petugas7" not in json.dumps(doc)
    assert subject_access(world.store, load_pdp_policy(), BAYU, actor="dpo")["followups"] == []

"""UU PDP operations on a store of PPRL encodings: retention by each source's rule (the KPAI
period counted from the record id's first ingestion), subject access and breach reports by
record id without plaintext, correction requests refused with the owning agency named."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from padan.cli.main import app
from padan.errors import InputError
from padan.pdp import (
    apply_retention_plan,
    breach_report,
    child_of_record,
    correction_request,
    load_pdp_policy,
    parse_pdp_policy,
    plan_retention,
    subject_access,
)
from padan.pprl import ingest_encodings
from padan.store import ChildLink, LinkRun, Store
from padan.store.audit import append_audit, audit_entries
from padan.store.encoded import ENCODED_FIELDS, encoded_records
from padan.store.tables import batches, child_links
from support.encoded import Population, encode_with, encoded_population

from .test_retention import _policy_data

CHILD = "PDN000000001"
runner = CliRunner()


@dataclass(frozen=True)
class EncodedWorld:
    store: Store
    population: Population
    kpai: list[str]  # uids of the KPAI records
    dtsen: int  # DTSEN records
    child_kpai: str  # CHILD's KPAI record
    child_dtsen: str  # and its DTSEN record


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Population:
    return encoded_population(tmp_path_factory.mktemp("pdp-enc") / "data", households=30, seed=5)


def _backdate(store: Store, batch_id: int, year: int) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(batches)
            .where(batches.c.id == batch_id)
            .values(finished_at=dt.datetime(year, 1, 15, tzinfo=dt.UTC))
        )


def _truth(population: Population) -> dict[str, str]:
    with population.truth.open(encoding="utf-8", newline="") as handle:
        return {f"{r['source']}:{r['source_id']}": r["person_id"] for r in csv.DictReader(handle)}


@pytest.fixture
def world(store: Store, population: Population) -> EncodedWorld:
    """KPAI encodings first ingested in 2019 (past the 5 years) and sent again, re-encoded,
    this year; DTSEN encodings of 2020 superseded by this year's."""
    kpai2, dtsen2 = encode_with(population, population.schema, "again", seed=2)
    first_kpai = ingest_encodings(population.kpai, source="kpai", store=store)
    first_dtsen = ingest_encodings(population.dtsen, source="dtsen", store=store)
    _backdate(store, first_kpai.batch_id, 2019)
    _backdate(store, first_dtsen.batch_id, 2020)
    ingest_encodings(kpai2, source="kpai", store=store)
    ingest_encodings(dtsen2, source="dtsen", store=store)
    counts = store.encoded_counts()
    truth = _truth(population)
    current = store.encoded_arrow(columns=["source", "record_id"]).to_pylist()
    uids = [f"{r['source']}:{r['record_id']}" for r in current]
    kpai = sorted(u for u in uids if u.startswith("kpai:"))
    child_kpai, child_dtsen = next(
        (k, d) for k in kpai for d in uids if d.startswith("dtsen:") and truth.get(d) == truth[k]
    )
    links = [ChildLink(*u.split(":", 1), CHILD, 0.99) for u in (child_kpai, child_dtsen)]
    others = [u for u in uids if u not in (child_kpai, child_dtsen)]
    links += [ChildLink(*u.split(":", 1), f"PDN{i + 2:09d}", None) for i, u in enumerate(others)]
    now = dt.datetime.now(dt.UTC)
    store.save_link_run(LinkRun(0, now, now, "m", 0.9, 0.5, len(links), 7, []), links, [])
    return EncodedWorld(store, population, kpai, counts["dtsen"], child_kpai, child_dtsen)


def _rows(store: Store, source: str) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        query = select(encoded_records).where(encoded_records.c.source == source)
        return [dict(r) for r in conn.execute(query).mappings()]


def _counts(plan: Any) -> dict[str, tuple[int, int, bool]]:
    return {s.source: (s.records, s.unlinked_ids, s.encoded) for s in plan.sources}


@pytest.mark.parametrize(
    ("as_of", "kpai", "dtsen"),
    [
        (None, 2, 1),  # KPAI: both versions of every record (first received 2019); DTSEN: old
        (dt.datetime(2023, 1, 1, tzinfo=dt.UTC), 0, 1),  # 2019 is within 5 years of 2023
        (dt.datetime(2021, 1, 1, tzinfo=dt.UTC), 0, 0),  # and 2020 within 2 years of 2021
    ],
)
def test_retention_plan_counts_encoded_records_by_their_sources_rules(
    world: EncodedWorld, as_of: dt.datetime | None, kpai: int, dtsen: int
) -> None:
    plan = plan_retention(world.store, load_pdp_policy(), as_of=as_of)
    assert _counts(plan) == {
        "kpai": (kpai * len(world.kpai), 0, True),
        "dtsen": (dtsen * world.dtsen, 0, True),
    }
    by_source = {s.source: s for s in plan.sources}
    assert by_source["kpai"].counted_from == "first_ingested"  # encodings carry no dates
    assert by_source["dtsen"].counted_from == "ingested"
    assert len(_rows(world.store, "dtsen")) == 2 * world.dtsen  # a dry run changes nothing


def test_retention_apply_blanks_kpai_encodings_deletes_old_dtsen_and_reruns_to_nothing(
    world: EncodedWorld,
) -> None:
    policy = load_pdp_policy()
    done = apply_retention_plan(world.store, policy, actor="ops")
    assert _counts(done) == {
        "kpai": (2 * len(world.kpai), 0, True),
        "dtsen": (world.dtsen, 0, True),
    }
    for row in _rows(world.store, "kpai"):
        assert row["blocks"] == "" and row["record"] is None
        assert all(row[f"f_{name}"] is None for name in ENCODED_FIELDS)
        assert row["record_id"] and row["regency"]  # kept: the id and the clear regency
    dtsen = _rows(world.store, "dtsen")
    assert len(dtsen) == world.dtsen and all(r["is_current"] for r in dtsen)
    assert all(r["blocks"] for r in dtsen)  # current DTSEN versions are not touched
    again = apply_retention_plan(world.store, policy, actor="ops")
    assert _counts(again) == {"kpai": (0, 0, True), "dtsen": (0, 0, True)}
    rows = [e for e in audit_entries(world.store) if e.action == "retention.apply"]
    assert len(rows) == 2 and "kpai encoded: pseudonymise" in rows[0].target


def test_retention_delete_of_encoded_records_removes_their_links(world: EncodedWorld) -> None:
    data = _policy_data()
    data["sources"]["kpai"]["action"] = "delete"
    policy = parse_pdp_policy(data, where="test")
    done = apply_retention_plan(world.store, policy, actor="ops")
    assert _counts(done)["kpai"] == (2 * len(world.kpai), len(world.kpai), True)
    assert _rows(world.store, "kpai") == []
    with world.store.engine.connect() as conn:
        sources = set(conn.execute(select(child_links.c.source)).scalars())
    assert sources == {"dtsen"}


def test_subject_access_on_encodings_lists_records_by_id_without_plaintext(
    world: EncodedWorld,
) -> None:
    assert child_of_record(world.store, world.child_kpai) == CHILD
    doc = subject_access(world.store, load_pdp_policy(), CHILD, actor="dpo", reference="S-1")
    records = {r["record"]: r for r in doc["records"]}
    assert set(records) == {world.child_kpai, world.child_dtsen}
    kpai = records[world.child_kpai]
    assert kpai["encoded"] and kpai["status"] == "held as encodings"
    assert kpai["owner"] and "owning agency" in kpai["note"]
    assert {"name", "birth_date"} <= set(kpai["encoded_fields"])
    assert kpai["received"]["first_ingested_at"].startswith("2019-")
    assert doc["profile"]["name"] == [] and doc["profile"]["region"]
    plaintext = _plaintext_of(world, world.child_kpai)
    text = json.dumps(doc, ensure_ascii=False)
    assert not [value for value in plaintext if value in text]
    apply_retention_plan(world.store, load_pdp_policy(), actor="ops")
    after = subject_access(world.store, load_pdp_policy(), CHILD, actor="dpo")
    blanked = next(r for r in after["records"] if r["record"] == world.child_kpai)
    assert blanked["status"] == "encodings blanked under retention"
    assert blanked["encoded_fields"] == []


def _plaintext_of(world: EncodedWorld, uid: str) -> list[str]:
    """The identifying values of ``uid`` in the KPAI extract the encodings were made from."""
    record_id = uid.partition(":")[2]
    with world.population.kpai_csv.open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if record_id in r.values())
    wanted = ("nama_anak", "nik_anak", "nama_ibu", "tanggal_lahir")
    return [row[c] for c in wanted if row.get(c) and len(row[c]) > 3]


@pytest.mark.parametrize(
    ("record", "says"),
    [
        ("kpai:NO-SUCH-ID", "not in the latest linkage run"),
        ("NO-SOURCE", "give it as source:id"),
    ],
)
def test_child_of_record_refuses_an_unknown_or_malformed_record(
    world: EncodedWorld, record: str, says: str
) -> None:
    with pytest.raises(InputError, match=says):
        child_of_record(world.store, record)


def test_correction_request_on_encodings_is_refused_naming_the_owning_agency(
    world: EncodedWorld,
) -> None:
    policy = load_pdp_policy()
    with pytest.raises(InputError, match="holds PPRL encodings") as refused:
        correction_request(
            world.store,
            policy,
            CHILD,
            record=world.child_kpai,
            field="nama_anak",
            value="Nama Benar",
            reason="salah ketik",
            actor="dpo",
        )
    assert policy.sources["kpai"].owner in str(refused.value)
    assert not [e for e in audit_entries(world.store) if e.action == "pdp.correction"]


def test_breach_report_on_encodings_counts_regions_from_the_clear_regency(
    world: EncodedWorld,
) -> None:
    append_audit(
        world.store,
        username="siti",
        role="petugas_daerah",
        action="profile",
        target=f"child={CHILD}",
        child_ids=[CHILD],
        purpose="tindak lanjut",
    )
    now = dt.datetime.now(dt.UTC)
    report = breach_report(
        world.store,
        username="siti",
        since=now - dt.timedelta(hours=1),
        until=now + dt.timedelta(hours=1),
        actor="dpo",
    )
    assert report.child_ids == (CHILD,)
    assert {r.level for r in report.regions} == {"province", "regency"}
    assert all(r.children == 1 for r in report.regions)


def test_cli_subject_access_by_record_and_retention_on_an_encoded_store(
    world: EncodedWorld, tmp_path: Path
) -> None:
    target = tmp_path / "subject.json"
    db = ["--db", world.store.url]
    args = ["--lang", "en", "pdp", "subject-access", "--record", world.child_kpai]
    result = runner.invoke(app, [*args, "--out", str(target), *db])
    assert result.exit_code == 0, result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["child_id"] == CHILD
    result = runner.invoke(app, ["pdp", "subject-access", "--out", str(target), *db])
    assert result.exit_code == 2 and "one of the two" in " ".join(result.stderr.split())
    wide = {"COLUMNS": "300"}  # one line per source: the test reads the cells whole
    result = runner.invoke(app, ["--lang", "en", "retention", "apply", *db], env=wide)
    shown = " ".join(result.stdout.split())
    assert result.exit_code == 0 and "kpai (encoded)" in shown
    assert "first ingestion of the record id" in shown
    result = runner.invoke(app, ["retention", "apply", "--json", *db])
    body = json.loads(result.stdout)
    assert {s["source"]: s["encoded"] for s in body["sources"]} == {"kpai": True, "dtsen": True}

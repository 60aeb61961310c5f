"""Reads and writes of the institution registry, on top of a :class:`~padan.store.Store`.

Every write that belongs together (a change and its history entry, an inspection and its
findings, a deduplication run and its pairs) happens in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import IntegrityError

from padan.errors import InputError
from padan.store.database import Store
from padan.store.institution_records import (
    ComplaintLink,
    DedupRun,
    FindingRecord,
    HistoryEntry,
    InspectionRecord,
    InstitutionRecord,
)
from padan.store.institution_tables import (
    INSTITUTION_FIELDS,
    inspection_findings,
    inspections,
    institution_clusters,
    institution_complaints,
    institution_dedup_runs,
    institution_history,
    institution_pairs,
    institutions,
)
from padan.store.tables import kpai_kasus

__all__ = ["InstitutionChange", "InstitutionStore", "NewFinding", "NewInspection"]

#: (record, history entry) — a new or changed institution and why.
InstitutionChange = tuple[InstitutionRecord, HistoryEntry, dict[str, Any] | None, int | None]
#: (item_code, severity, note, action, due_on)
NewFinding = tuple[str, str, str | None, str | None, dt.date | None]
#: (id_lembaga, checklist_id, checklist_version, visited_on, inspector, notes, input_sha256)
NewInspection = tuple[str, str, str, dt.date, str, str | None, str]


class InstitutionStore:
    """The institution tables of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- registry ------------------------------------------------------------------------------

    def institutions(self, ids: Iterable[str] | None = None) -> list[InstitutionRecord]:
        """Institutions in id order (all, or only ``ids``)."""
        query = select(institutions).order_by(institutions.c.id_lembaga)
        if ids is not None:
            query = query.where(institutions.c.id_lembaga.in_(list(ids)))
        with self.store._connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [_record(r) for r in rows]

    def extract_state(self) -> dict[str, tuple[int | None, dict[str, Any] | None]]:
        """For each institution: the lembaga batch and extract values last taken over."""
        query = select(
            institutions.c.id_lembaga,
            institutions.c.extract_batch_id,
            institutions.c.extract_values,
        )
        with self.store._connect() as conn:
            rows = conn.execute(query).all()
        return {r[0]: (r[1], json.loads(r[2]) if r[2] else None) for r in rows}

    def save_changes(self, changes: Sequence[InstitutionChange]) -> None:
        """Insert or update institutions and append their history, all in one transaction.

        Each change is (record with its new version, history entry, extract values or None,
        extract batch or None). A record at version 1 is inserted, a later version updated only
        if the stored version is the one before it (else :class:`InputError`: edited meanwhile).
        """
        with self.store._begin() as conn:
            for record, entry, extract_values, batch in changes:
                self._save_one(conn, record, entry, extract_values, batch)

    def _save_one(
        self,
        conn: Connection,
        record: InstitutionRecord,
        entry: HistoryEntry,
        extract_values: dict[str, Any] | None,
        batch: int | None,
    ) -> None:
        values = {f: getattr(record, f) for f in INSTITUTION_FIELDS}
        values["version"] = record.version
        values["updated_at"] = entry.changed_at
        if extract_values is not None:
            values["extract_values"] = json.dumps(extract_values, sort_keys=True, default=str)
            values["extract_batch_id"] = batch
        if record.version == 1:
            try:
                conn.execute(
                    institutions.insert().values(
                        id_lembaga=record.id_lembaga,
                        origin=record.origin,
                        created_at=entry.changed_at,
                        **values,
                    )
                )
            except IntegrityError as exc:
                raise InputError(
                    f"institution {record.id_lembaga!r} already exists; edit it instead"
                ) from exc
        else:
            updated = conn.execute(
                update(institutions)
                .where(
                    institutions.c.id_lembaga == record.id_lembaga,
                    institutions.c.version == record.version - 1,
                )
                .values(**values)
            ).rowcount
            if updated != 1:
                raise InputError(
                    f"institution {record.id_lembaga!r} was changed by someone else meanwhile; "
                    "reload it and apply the change again"
                )
        conn.execute(
            institution_history.insert().values(
                **{**asdict(entry), "changes": json.dumps(entry.changes, default=str)}
            )
        )

    def history(self, id_lembaga: str) -> list[HistoryEntry]:
        """Every change of one institution, oldest first."""
        query = (
            select(institution_history)
            .where(institution_history.c.id_lembaga == id_lembaga)
            .order_by(institution_history.c.version, institution_history.c.id)
        )
        with self.store._connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            HistoryEntry(
                r["id_lembaga"],
                r["version"],
                r["changed_at"],
                r["changed_by"],
                r["source"],
                json.loads(r["changes"]),
                r["reason"],
            )
            for r in rows
        ]

    # -- inspections -------------------------------------------------------------------------

    def add_inspection(
        self, inspection: NewInspection, findings: Sequence[NewFinding], recorded_at: dt.datetime
    ) -> tuple[int, bool]:
        """Store an inspection and its findings; ``(id, False)`` if the same input is stored."""
        id_lembaga, checklist, version, visited_on, inspector, notes, sha = inspection
        with self.store._begin() as conn:
            existing = conn.execute(
                select(inspections.c.id).where(inspections.c.input_sha256 == sha)
            ).first()
            if existing is not None:
                return int(existing[0]), False
            inserted = conn.execute(
                inspections.insert().values(
                    id_lembaga=id_lembaga,
                    checklist_id=checklist,
                    checklist_version=version,
                    visited_on=visited_on,
                    inspector=inspector,
                    notes=notes,
                    recorded_at=recorded_at,
                    input_sha256=sha,
                )
            ).inserted_primary_key
            assert inserted is not None
            inspection_id = int(inserted[0])
            if findings:
                conn.execute(
                    inspection_findings.insert(),
                    [
                        {
                            "inspection_id": inspection_id,
                            "item_code": code,
                            "severity": severity,
                            "note": note,
                            "action": action,
                            "due_on": due,
                            "status": "terbuka",
                            "follow_up": "[]",
                        }
                        for code, severity, note, action, due in findings
                    ],
                )
        return inspection_id, True

    def inspections(self, ids_lembaga: Iterable[str] | None = None) -> list[InspectionRecord]:
        """Inspections with their findings, newest visit first."""
        query = select(inspections).order_by(inspections.c.visited_on.desc(), inspections.c.id)
        if ids_lembaga is not None:
            query = query.where(inspections.c.id_lembaga.in_(list(ids_lembaga)))
        with self.store._connect() as conn:
            rows = conn.execute(query).mappings().all()
            ids = [r["id"] for r in rows]
            found = (
                conn.execute(
                    select(inspection_findings)
                    .where(inspection_findings.c.inspection_id.in_(ids))
                    .order_by(inspection_findings.c.id)
                )
                .mappings()
                .all()
                if ids
                else []
            )
        by_inspection: dict[int, list[FindingRecord]] = {}
        for f in found:
            by_inspection.setdefault(f["inspection_id"], []).append(_finding(f))
        return [
            InspectionRecord(
                r["id"],
                r["id_lembaga"],
                r["checklist_id"],
                r["checklist_version"],
                r["visited_on"],
                r["inspector"],
                r["notes"],
                r["recorded_at"],
                by_inspection.get(r["id"], []),
            )
            for r in rows
        ]

    def finding(self, finding_id: int) -> FindingRecord | None:
        query = select(inspection_findings).where(inspection_findings.c.id == finding_id)
        with self.store._connect() as conn:
            row = conn.execute(query).mappings().first()
        return _finding(row) if row else None

    def update_finding(
        self, finding_id: int, *, status: str, closed_on: dt.date | None, entry: dict[str, Any]
    ) -> None:
        """Set a finding's follow-up status and append ``entry`` to its follow-up log."""
        with self.store._begin() as conn:
            row = conn.execute(
                select(inspection_findings.c.follow_up).where(
                    inspection_findings.c.id == finding_id
                )
            ).first()
            if row is None:
                raise InputError(f"no finding {finding_id}; see padan institutions inspections")
            log = [*json.loads(row[0] or "[]"), entry]
            conn.execute(
                update(inspection_findings)
                .where(inspection_findings.c.id == finding_id)
                .values(status=status, closed_on=closed_on, follow_up=json.dumps(log, default=str))
            )

    # -- complaints ----------------------------------------------------------------------------

    def link_complaint(self, link: ComplaintLink) -> bool:
        """Store a complaint → institution link; False when it was already there."""
        with self.store._begin() as conn:
            exists = conn.execute(
                select(func.count())
                .select_from(institution_complaints)
                .where(
                    institution_complaints.c.id_lembaga == link.id_lembaga,
                    institution_complaints.c.no_pengaduan == link.no_pengaduan,
                )
            ).scalar_one()
            if exists:
                return False
            conn.execute(institution_complaints.insert().values(**asdict(link)))
        return True

    def complaint_categories(self, numbers: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """Klaster and Pasal 59 category of current KPAI complaints, by complaint number."""
        wanted = list(numbers)
        if not wanted:
            return {}
        query = select(
            kpai_kasus.c.no_pengaduan, kpai_kasus.c.klaster, kpai_kasus.c.kategori
        ).where(kpai_kasus.c.is_current, kpai_kasus.c.no_pengaduan.in_(wanted))
        with self.store._connect() as conn:
            return {r[0]: (r[1], r[2]) for r in conn.execute(query).all()}

    def complaint_links(self) -> list[ComplaintLink]:
        query = select(institution_complaints).order_by(
            institution_complaints.c.id_lembaga, institution_complaints.c.no_pengaduan
        )
        with self.store._connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [ComplaintLink(**dict(r)) for r in rows]

    # -- deduplication -------------------------------------------------------------------------

    def save_dedup_run(
        self,
        run: DedupRun,
        pairs: Sequence[tuple[str, str, float, str]],
        clusters: dict[str, str],
    ) -> int:
        """Store a run (``run.id`` ignored), its scored pairs and each record's cluster."""
        values = asdict(run)
        values.pop("id")
        with self.store._begin() as conn:
            inserted = conn.execute(
                institution_dedup_runs.insert().values(**values)
            ).inserted_primary_key
            assert inserted is not None
            run_id = int(inserted[0])
            if pairs:
                conn.execute(
                    institution_pairs.insert(),
                    [
                        {
                            "run_id": run_id,
                            "id_a": a,
                            "id_b": b,
                            "match_probability": p,
                            "decision": decision,
                        }
                        for a, b, p, decision in pairs
                    ],
                )
            if clusters:
                conn.execute(
                    institution_clusters.insert(),
                    [
                        {"run_id": run_id, "id_lembaga": uid, "cluster_id": root}
                        for uid, root in clusters.items()
                    ],
                )
        return run_id

    def latest_dedup_run(self) -> DedupRun | None:
        query = select(institution_dedup_runs).order_by(institution_dedup_runs.c.id.desc())
        with self.store._connect() as conn:
            row = conn.execute(query.limit(1)).mappings().first()
        return DedupRun(**dict(row)) if row else None

    def dedup_pairs(self, run_id: int) -> list[tuple[str, str, float, str]]:
        query = (
            select(institution_pairs)
            .where(institution_pairs.c.run_id == run_id)
            .order_by(
                institution_pairs.c.match_probability.desc(),
                institution_pairs.c.id_a,
                institution_pairs.c.id_b,
            )
        )
        with self.store._connect() as conn:
            rows = conn.execute(query).all()
        return [(r.id_a, r.id_b, r.match_probability, r.decision) for r in rows]

    def dedup_clusters(self, run_id: int) -> dict[str, str]:
        query = select(institution_clusters).where(institution_clusters.c.run_id == run_id)
        with self.store._connect() as conn:
            rows = conn.execute(query).all()
        return {r.id_lembaga: r.cluster_id for r in rows}


def _record(r: Any) -> InstitutionRecord:
    return InstitutionRecord(
        **{f: r[f] for f in ("id_lembaga", *INSTITUTION_FIELDS, "origin", "version")},
        updated_at=r["updated_at"],
    )


def _finding(f: Any) -> FindingRecord:
    return FindingRecord(
        f["id"],
        f["inspection_id"],
        f["item_code"],
        f["severity"],
        f["note"],
        f["action"],
        f["due_on"],
        f["status"],
        f["closed_on"],
        json.loads(f["follow_up"] or "[]"),
    )

"""Linkage runs: each run's record → child links, scored pairs and child id events (kept as
history: a row holds from its run until a later run ends it), and the reviewers' decisions the
next run applies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, Table, bindparam, func, select, update

from padan.errors import StoreError
from padan.store.connection import Connected, bulk_insert
from padan.store.records import ChildEvent, ChildLink, LinkRun, ReviewDecision
from padan.store.tables import (
    child_events,
    child_links,
    held_in_run,
    link_pairs,
    link_runs,
    review_decisions,
)

__all__ = ["LinkRunStore"]


class LinkRunStore(Connected):
    """Linkage runs and review decisions (a part of :class:`~padan.store.Store`)."""

    def save_link_run(
        self,
        run: LinkRun,
        links: Sequence[ChildLink] | pa.Table,
        pairs: Sequence[tuple[str, str, float, str, str]],
        events: Sequence[ChildEvent] | pa.Table = (),
        *,
        since: int | None = None,
        gone_pairs: Sequence[tuple[str, str]] = (),
        gone_links: Sequence[tuple[str, str]] = (),
    ) -> int:
        """Store a run (``run.id`` is ignored), its record → child links, pairs and id events.

        ``pairs`` are ``(uid_l, uid_r, probability, rule, decision)``. Without ``since``,
        ``links`` and ``pairs`` are all the run holds. With ``since`` (the latest run's id) they
        are only what changed since that run: each replaces the record's or pair's row, the
        rest hold on, and the pairs in ``gone_pairs`` and the links of the records in
        ``gone_links`` (``(source, source_id)``: records no longer current) end. ``links`` and
        ``events`` may be Arrow tables with the fields of :class:`ChildLink` and
        :class:`ChildEvent` as columns (a national run's million links). Returns the new run
        id.

        Raises :class:`StoreError` when ``since`` is not the latest run (another run was
        stored in between: the changes would not add up).
        """
        values = asdict(run)
        values.pop("id")
        values["batches"] = json.dumps(run.batches)
        # A NIK rule and the model may give the same pair: stored once.
        unique = list({(p[0], p[1]): p for p in pairs}.values())
        link_rows = list(_rows(links, ("source", "source_id", "child_id", "match_probability")))
        event_rows = _rows(events, ("event", "child_id", "other_child_id", "records"))
        with self._begin() as conn:
            latest = conn.execute(select(func.max(link_runs.c.id))).scalar()
            if since is not None and since != latest:
                raise StoreError(
                    f"the run's changes are relative to run {since}, but the latest run is "
                    f"{latest}; run padan link again"
                )
            inserted = conn.execute(link_runs.insert().values(**values)).inserted_primary_key
            assert inserted is not None
            run_id = int(inserted[0])
            if since is None:
                for table in (child_links, link_pairs):
                    conn.execute(
                        update(table).where(table.c.until_run.is_(None)).values(until_run=run_id)
                    )
            else:
                _end_rows(
                    conn,
                    child_links,
                    ("source", "source_id"),
                    run_id,
                    [*((row[0], row[1]) for row in link_rows), *gone_links],
                )
                _end_rows(
                    conn,
                    link_pairs,
                    ("uid_l", "uid_r"),
                    run_id,
                    [*((p[0], p[1]) for p in unique), *gone_pairs],
                )
            # A national run's first links are a million rows.
            bulk_insert(
                conn,
                child_links.name,
                ["run_id", "source", "source_id", "child_id", "match_probability"],
                ((run_id, *row) for row in link_rows),
            )
            bulk_insert(
                conn,
                child_events.name,
                ["run_id", "event", "child_id", "other_child_id", "records"],
                ((run_id, *row) for row in event_rows),
            )
            bulk_insert(
                conn,
                link_pairs.name,
                ["run_id", "uid_l", "uid_r", "match_probability", "rule", "decision"],
                ((run_id, *pair) for pair in unique),
            )
        return run_id

    def child_events(self, run_id: int) -> list[ChildEvent]:
        query = (
            select(child_events).where(child_events.c.run_id == run_id).order_by(child_events.c.id)
        )
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            ChildEvent(r["event"], r["child_id"], r["other_child_id"], r["records"]) for r in rows
        ]

    def add_review_decision(self, decision: ReviewDecision) -> int:
        """Store a reviewer's decision; the newest decision on a pair is the one that counts."""
        with self._begin() as conn:
            inserted = conn.execute(
                review_decisions.insert().values(**asdict(decision))
            ).inserted_primary_key
        assert inserted is not None
        return int(inserted[0])

    def review_decisions(self) -> list[ReviewDecision]:
        """The newest decision on every decided pair."""
        query = select(review_decisions).order_by(review_decisions.c.id)
        with self._connect() as conn:
            rows = conn.execute(query).mappings().all()
        newest = {(r["uid_a"], r["uid_b"]): r for r in rows}
        return [
            ReviewDecision(
                r["uid_a"], r["uid_b"], r["decision"], r["reviewer"], r["reason"], r["decided_at"]
            )
            for r in newest.values()
        ]

    def latest_link_run(self) -> LinkRun | None:
        with self._connect() as conn:
            row = (
                conn.execute(select(link_runs).order_by(link_runs.c.id.desc()).limit(1))
                .mappings()
                .first()
            )
        if row is None:
            return None
        return LinkRun(**{**row, "batches": json.loads(row["batches"])})

    def child_links(self, run_id: int) -> list[ChildLink]:
        query = (
            select(child_links)
            .where(held_in_run(child_links, run_id))
            .order_by(child_links.c.source, child_links.c.source_id)
        )
        with self._connect() as conn:
            rows = conn.execute(query).all()
        return [ChildLink(r.source, r.source_id, r.child_id, r.match_probability) for r in rows]

    def child_of(self, run_id: int) -> dict[str, str]:
        """Record (``source:source_id``) → child id in run ``run_id``: the lean form of
        :meth:`child_links` for a million records."""
        uid = (child_links.c.source + ":" + child_links.c.source_id).label("uid")
        query = select(uid, child_links.c.child_id).where(held_in_run(child_links, run_id))
        with self._connect() as conn:
            return {str(u): str(c) for u, c in conn.execute(query)}

    def highest_child_id(self) -> str | None:
        """The highest child id any run ever gave (retired ones included: never given again)."""
        with self._connect() as conn:
            top = conn.execute(select(func.max(child_links.c.child_id))).scalar()
        return str(top) if top is not None else None

    def link_pairs(self, run_id: int) -> list[tuple[str, str, float, str, str]]:
        query = (
            select(link_pairs)
            .where(held_in_run(link_pairs, run_id))
            .order_by(link_pairs.c.match_probability.desc(), link_pairs.c.uid_l, link_pairs.c.uid_r)
        )
        with self._connect() as conn:
            rows = conn.execute(query).all()
        return [(r.uid_l, r.uid_r, r.match_probability, r.rule, r.decision) for r in rows]


def _rows(items: Sequence[Any] | pa.Table, fields: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The ``fields`` of each of ``items`` (dataclasses, or the rows of an Arrow table)."""
    if isinstance(items, pa.Table):
        return zip(*(items.column(f).to_pylist() for f in fields), strict=True)
    return (tuple(getattr(item, f) for f in fields) for item in items)


def _end_rows(
    conn: Connection,
    table: Table,
    key: tuple[str, str],
    run_id: int,
    keys: Sequence[tuple[str, str]],
) -> None:
    """End the rows of ``table`` that hold now for ``keys``: run ``run_id`` replaces them."""
    if keys:
        a, b = key
        statement = (
            update(table)
            .where(
                table.c[a] == bindparam("_a"),
                table.c[b] == bindparam("_b"),
                table.c.until_run.is_(None),
            )
            .values(until_run=run_id)
        )
        conn.execute(statement, [{"_a": x, "_b": y} for x, y in keys])

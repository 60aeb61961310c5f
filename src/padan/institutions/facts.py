"""What is known of each institution, gathered once for the risk score and the indicators.

Records the latest deduplication run put together count as one institution: the most complete
record represents it, and the inspections and complaints of every member count for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from padan.institutions.fields import region_prefix
from padan.store import InspectionRecord, InstitutionRecord, InstitutionStore, Store

__all__ = ["InstitutionFacts", "gather_facts", "regency_of"]


@dataclass(frozen=True)
class InstitutionFacts:
    """One institution (a deduplicated group of records) and its supervision record."""

    record: InstitutionRecord  # the representative
    duplicates: tuple[str, ...] = ()  # other id_lembaga of the same institution
    inspections: tuple[InspectionRecord, ...] = ()  # newest first
    complaints: tuple[tuple[str, str, str | None], ...] = ()  # no_pengaduan, klaster, kategori
    ids: tuple[str, ...] = field(default=())

    @property
    def id_lembaga(self) -> str:
        return self.record.id_lembaga


def gather_facts(store: Store, *, region: str | None = None) -> list[InstitutionFacts]:
    """Facts of every registered institution (optionally within a region), in id order."""
    registry = InstitutionStore(store)
    records = {r.id_lembaga: r for r in registry.institutions()}
    run = registry.latest_dedup_run()
    clusters = registry.dedup_clusters(run.id) if run else {}
    groups: dict[str, list[str]] = {}
    for uid in records:
        groups.setdefault(clusters.get(uid, uid), []).append(uid)
    inspections: dict[str, list[InspectionRecord]] = {}
    for inspection in registry.inspections():
        inspections.setdefault(inspection.id_lembaga, []).append(inspection)
    links = registry.complaint_links()
    categories = registry.complaint_categories({link.no_pengaduan for link in links})
    complaints: dict[str, list[tuple[str, str, str | None]]] = {}
    for link in links:
        if link.no_pengaduan in categories:
            klaster, kategori = categories[link.no_pengaduan]
            complaints.setdefault(link.id_lembaga, []).append(
                (link.no_pengaduan, klaster, kategori)
            )
    prefix = region_prefix(region) if region else None
    facts = []
    for members in groups.values():
        representative = min(
            (records[uid] for uid in members),
            # The finest region code, then the most complete record, then the smallest id.
            key=lambda r: (-len(r.kode_wilayah), -_filled(r), r.id_lembaga),
        )
        code = representative.kode_wilayah
        if prefix is not None and not (code == prefix or code.startswith(prefix + ".")):
            continue
        seen: set[str] = set()
        found = sorted(
            (i for uid in members for i in inspections.get(uid, [])),
            key=lambda i: (i.visited_on, i.id),
            reverse=True,
        )
        linked = []
        for uid in sorted(members):
            for complaint in complaints.get(uid, []):
                if complaint[0] not in seen:
                    seen.add(complaint[0])
                    linked.append(complaint)
        facts.append(
            InstitutionFacts(
                representative,
                tuple(sorted(uid for uid in members if uid != representative.id_lembaga)),
                tuple(found),
                tuple(linked),
                tuple(sorted(members)),
            )
        )
    return sorted(facts, key=lambda f: f.id_lembaga)


def regency_of(code: str) -> str:
    """The regency part of a dotted region code (the province for a province-level code)."""
    return code[:5] if len(code) >= 5 else code


def _filled(record: InstitutionRecord) -> int:
    return sum(getattr(record, f.name) is not None for f in fields(record))

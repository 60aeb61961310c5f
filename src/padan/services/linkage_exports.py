"""Exports of the latest linkage run (``padan export clusters|pairs``): every record with its
child, and the scored pairs, as far as the user's role and scope reach; audited with the
children shown, like the web app's exports (:func:`padan.services.children.export_search`).
"""

from __future__ import annotations

from padan.access.authorise import audit, require
from padan.access.policy import Principal
from padan.errors import InputError
from padan.services.children import visible_child_ids
from padan.store import ChildLink, Store
from padan.store.children import latest_run_id

__all__ = ["export_clusters", "export_pairs"]


def _run(store: Store) -> int:
    run_id = latest_run_id(store)
    if run_id is None:
        raise InputError("no linkage run in the store yet. Run: padan link")
    return run_id


def _everything(p: Principal) -> bool:
    """Whether the role sees every child: national, and both record sources."""
    return p.regions is None and {"kpai", "dtsen"} <= set(p.role.sources)


def _source(uid: str) -> str:
    return uid.split(":", 1)[0]


def export_clusters(store: Store, p: Principal, *, purpose: str = "") -> list[ChildLink]:
    """Every record of the latest run with its child, for the children the role may see (a
    record of another source is left out); needs ``export``; audited with those children.

    Raises :class:`InputError` when nothing has been linked yet."""
    require(p, "export")
    run_id = _run(store)
    links = [x for x in store.child_links(run_id) if x.source in p.role.sources]
    if not _everything(p):
        shown = visible_child_ids(store, p, run_id, sorted({x.child_id for x in links}))
        links = [x for x in links if x.child_id in shown]
    children = sorted({x.child_id for x in links})
    target = f"clusters run={run_id} rows={len(links)} children={len(children)}"
    audit(store, p, "export", target, children, purpose)
    return links


def export_pairs(
    store: Store, p: Principal, *, purpose: str = ""
) -> list[tuple[str, str, float, str, str]]:
    """The scored pairs of the latest run (record A, record B, probability, rule, decision)
    whose two records belong to children the role may see; needs ``export``; audited with
    the children of those records.

    Raises :class:`InputError` when nothing has been linked yet."""
    require(p, "export")
    run_id = _run(store)
    child_of = store.child_of(run_id)
    pairs = [
        pair
        for pair in store.link_pairs(run_id)
        if _source(pair[0]) in p.role.sources and _source(pair[1]) in p.role.sources
    ]
    if not _everything(p):
        wanted = sorted({child_of[u] for a, b, *_ in pairs for u in (a, b) if u in child_of})
        shown = visible_child_ids(store, p, run_id, wanted)
        pairs = [
            pair
            for pair in pairs
            if child_of.get(pair[0]) in shown and child_of.get(pair[1]) in shown
        ]
    children = sorted({c for a, b, *_ in pairs for u in (a, b) if (c := child_of.get(u))})
    target = f"pairs run={run_id} rows={len(pairs)} children={len(children)}"
    audit(store, p, "export", target, children, purpose)
    return pairs

"""The clustering of one linkage run under the guard: which pairs link, wait for review or
stay apart (:mod:`padan.linkage.cluster`), from the pairs :mod:`padan.linkage.run_pairs`
gathers."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from padan.linkage.cluster import Clusters, Node, cluster_pairs
from padan.linkage.name_sql import call_name, slipped_within
from padan.linkage.run_pairs import listed

__all__ = ["cluster_run", "guard_nodes"]


def cluster_run(
    con: duckdb.DuckDBPyConnection,
    pairs: list[tuple[str, str, float, str]],
    affected: set[str] | None,
    *,
    threshold: float,
    cannot_link: Sequence[tuple[str, str]],
    children: pa.Table | None = None,
) -> tuple[Clusters, dict[tuple[str, str], str]]:
    """Cluster the ``pairs`` between ``affected`` records (all when None) and decide every pair:
    link, review (below ``threshold``, or names that share nothing), refused (the guard, for a
    person to look at) or apart (the guard, on evidence that settles it). ``children`` (uid,
    child_id: the previous run's) holds the children of records outside ``affected``, which
    stay as they were: a pair with one of them is apart where the guard would keep the two
    children apart, as it is in a run that clusters everything."""
    inside = [p for p in pairs if affected is None or (p[0] in affected and p[1] in affected)]
    strangers = _strangers(con, [(a, b) for a, b, p, _ in inside if p >= threshold])
    clusters = cluster_pairs(
        guard_nodes(con, {uid for a, b, _, _ in inside for uid in (a, b)}),
        # Reviewers' "same" decisions go first, ahead of every model score; pairs whose
        # names share nothing are never linked without one.
        (
            (a, b, 2.0 if rule == "review" else 0.0 if (a, b) in strangers else p)
            for a, b, p, rule in inside
        ),
        threshold=threshold,
        cannot_link=cannot_link,
    )
    refused = {(a, b) for a, b, _ in clusters.refused}
    apart = {(a, b) for a, b, _ in clusters.apart}
    beside = _children_beside(con, clusters, pairs, affected, children)
    decisions = {
        (a, b): "refused"
        if (a, b) in refused
        else "apart"
        if (a, b) in apart
        else "link"
        if p >= threshold and (rule == "review" or (a, b) not in strangers)
        else _doubtful(clusters, a, b, beside)
        for a, b, p, rule in pairs
    }
    return clusters, decisions


def _children_beside(
    con: duckdb.DuckDBPyConnection,
    clusters: Clusters,
    pairs: list[tuple[str, str, float, str]],
    affected: set[str] | None,
    children: pa.Table | None,
) -> tuple[dict[str, list[str]], dict[str, Node]]:
    """The records of ``pairs`` outside ``affected``, each with the records of its child in
    ``children`` (uid, child_id; itself alone if in none), and the guard's nodes of those
    records and of the affected ones ``clusters`` does not hold (each a child of its own)."""
    paired = {u for a, b, _, _ in pairs for u in (a, b)}
    if affected is None or children is None or paired <= affected:
        return {}, {}
    outside = paired - affected
    uid, child = children.column("uid"), children.column("child_id")
    wanted = pc.filter(child, pc.is_in(uid, pa.array(sorted(outside), pa.string())))
    kept = children.filter(pc.is_in(child, wanted))
    members: dict[str, list[str]] = {}
    ids, of_child = kept.column("uid").to_pylist(), kept.column("child_id").to_pylist()
    for u, c in zip(ids, of_child, strict=True):
        members.setdefault(c, []).append(u)
    of = {u: c for c, group in members.items() for u in group}
    nodes = guard_nodes(con, outside | of.keys() | (paired & affected) - clusters.root.keys())
    groups = {
        u: sorted(m for m in members[of[u]] if m in nodes) if u in of else [u] for u in outside
    }
    return groups, nodes


def _doubtful(
    clusters: Clusters,
    a: str,
    b: str,
    beside: tuple[dict[str, list[str]], dict[str, Node]],
) -> str:
    """A pair not linked: for review, unless the guard would keep the two children apart on
    evidence that settles it (a child's twin or sibling beside the child itself)."""
    groups, nodes = beside
    if b in groups:
        refusal = clusters.conflict_beside(a, b, groups[b], nodes)
    elif a in groups:
        refusal = clusters.conflict_beside(b, a, groups[a], nodes)
    else:
        refusal = clusters.conflict(a, b)
    return "apart" if refusal is not None and not refusal.doubtful else "review"


def _strangers(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The ``pairs`` whose names share no token, even one typing slip apart, and are not alike
    (Jaro-Winkler < 0.7).

    Among a million children a NIK mistyped into someone else's, with the same birth date,
    outweighs everything else in the model; two names with nothing in common are what shows
    it. On 1M synthetic records 27 of 114,896 true pairs look like this, and most confident
    false links do. They go to review instead of being linked. Another identifier written the
    same on both (``other_id``: NISN, a social security number) is not such a NIK: it encodes
    neither birth date nor region, so those agreeing with it are evidence of their own.
    A token the other name holds with one letter slipped (a call name typed or read wrong:
    Dinda / Dlnda, Utami / Utomi) is something in common: on a corpus written outside the
    project it was 18 of the 33 true pairs at 0.9 or more sent to review this way. So is a
    name of three letters or more found inside the other with one letter slipped: a call name
    is often a syllable of the registered name (Nisa of Khairunisa, Dani of Ramadani), and it
    slips as any name does (Nlsa, Hani). See :func:`slipped_within`.
    """
    con.register(
        "_padan_strong", pa.table({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]})
    )
    rows = con.execute(f"""
        SELECT p.a, p.b FROM _padan_strong p
        JOIN features l ON l.unique_id = p.a JOIN features r ON r.unique_id = p.b
        WHERE jaro_winkler_similarity(l.name_core, r.name_core) < 0.7
          AND NOT list_has_any(str_split(l.name, ' '), str_split(r.name, ' '))
          AND NOT coalesce({call_name("l.name", "r.name")}, false)
          AND NOT coalesce(l.other_id = r.other_id, false)
    """).fetchall()
    con.unregister("_padan_strong")
    if not rows:
        return set()
    con.register("_padan_unlike", pa.table({"a": [a for a, _ in rows], "b": [b for _, b in rows]}))
    # Two words one slip apart, of four letters or more: one slip between shorter words
    # (Ani / Ana) is another name. Or one name, joined, one slip from a stretch of the other
    # (a call name taken from inside it, :func:`slipped_within`).
    slipped = con.execute(f"""
        WITH t AS (SELECT p.a, p.b, unnest(str_split(l.name, ' ')) AS x, r.name AS other
                   FROM _padan_unlike p JOIN features l ON l.unique_id = p.a
                   JOIN features r ON r.unique_id = p.b),
             u AS (SELECT a, b, x, unnest(str_split(other, ' ')) AS y FROM t)
        SELECT DISTINCT a, b FROM u
        WHERE length(x) >= 4 AND length(y) >= 4 AND levenshtein(x, y) <= 1
        UNION
        SELECT p.a, p.b FROM _padan_unlike p
        JOIN features l ON l.unique_id = p.a JOIN features r ON r.unique_id = p.b
        WHERE {slipped_within("l.name_compact", "r.name_compact")}
           OR {slipped_within("r.name_compact", "l.name_compact")}
    """).fetchall()
    con.unregister("_padan_unlike")
    return {(a, b) for a, b in rows}.difference((a, b) for a, b in slipped)


def guard_nodes(con: duckdb.DuckDBPyConnection, uids: set[str]) -> dict[str, Node]:
    """What the clustering guard needs to know of the records ``uids`` (table ``features``)."""
    with listed(con, "_padan_paired", uids):
        rows = con.execute(
            "SELECT unique_id, nik, nik_valid, household, is_head, dob, name, nik_proven,"
            " nik_padan, sex, CASE WHEN source = 'dtsen' AND NOT dob_placeholder THEN dob END"
            " FROM features JOIN _padan_paired ON unique_id = uid"
        ).fetchall()
    return {
        uid: Node(
            nik if valid else None,
            household,
            bool(head),
            dob,
            name,
            bool(proven),
            bool(padan),
            sex,
            registered,
        )
        for uid, nik, valid, household, head, dob, name, proven, padan, sex, registered in rows
    }

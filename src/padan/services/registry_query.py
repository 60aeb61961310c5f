"""Children found by one identifier or by their attributes, for systems that query Padan's
master child index (the DCI registry API, :mod:`padan.dci`).

The same policy as the search page: the role's ``search`` permission, its sources and regional
scope (a child outside it is not counted, as if absent), fields shaped by role (a masked NIK
stays masked), and one audit row per page shown, which keeps the query only as a keyed hash.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from padan.access.authorise import audit, require
from padan.access.policy import Principal
from padan.errors import InputError
from padan.services.children import child_summaries, visible_child_ids
from padan.store import Store
from padan.store.audit import query_digest
from padan.store.children import children_of, latest_run_id
from padan.store.record_filter import (
    FILTER_COLUMNS,
    IDENTIFIER_COLUMNS,
    AllOf,
    AnyOf,
    Compare,
    Filter,
    Not,
    records_by_identifier,
    records_matching,
)

__all__ = [
    "IDENTIFIER_KINDS",
    "MAX_MATCHES",
    "ChildPage",
    "HiddenField",
    "Identifier",
    "TooManyMatches",
    "age_filter",
    "check_query",
    "find_children",
    "record_exchange",
]

#: Records one query may match before it must be narrowed (by region, age, ...): enough for a
#: district's children, few enough to count and page them on every request.
MAX_MATCHES = 5000
#: What an :class:`Identifier` may name: a NIK, a family card number (KK), a Padan child id,
#: or a source's own record id (KPAI complaint number, DTSEN individual id).
IDENTIFIER_KINDS = (
    "nik",
    "kk",
    "child",
    *(k for k in IDENTIFIER_COLUMNS if k not in ("nik", "kk")),
)


class TooManyMatches(InputError):
    """The query matches more than :data:`MAX_MATCHES` records; narrow it."""


class HiddenField(InputError):
    """The filter compares a field the role may not see (``policy.toml``)."""


def _attributes(f: Filter) -> set[str]:
    if isinstance(f, Compare):
        return {f.attribute}
    if isinstance(f, Not):
        return _attributes(f.part)
    return set().union(*(_attributes(p) for p in f.parts))


def _check_fields(p: Principal, where: Filter) -> None:
    """A filter may only compare fields the role sees: which children match ``desil = 1``
    tells the decile of each of them as surely as showing it would."""
    hidden = sorted(a for a in _attributes(where) if FILTER_COLUMNS[a] not in p.role.fields)
    if hidden:
        raise HiddenField(
            f"the role {p.role.name} does not see {', '.join(hidden)}, so it cannot filter "
            "by it either; leave it out of the query"
        )


@dataclass(frozen=True)
class Identifier:
    """One identifier: ``kind`` is one of :data:`IDENTIFIER_KINDS`."""

    kind: str
    value: str

    def __post_init__(self) -> None:
        if self.kind not in IDENTIFIER_KINDS:
            raise InputError(
                f"identifier kind {self.kind!r}: use one of {', '.join(IDENTIFIER_KINDS)}"
            )


@dataclass(frozen=True)
class ChildPage:
    """One page of the children found: ``total`` counts every visible child found."""

    total: int
    page: int
    page_size: int
    children: list[dict[str, Any]]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def age_filter(op: str, years: int | tuple[int, ...], *, today: dt.date) -> Filter:
    """``age op years`` (age in whole years on ``today``) as a filter on the date of birth.

    A child is ``n`` years old on ``today`` when born on or before ``today`` less ``n`` years
    and after ``today`` less ``n + 1`` years. Raises :class:`InputError` for a negative age or
    an unknown operator.
    """
    if isinstance(years, tuple):
        if op != "in":
            raise InputError(f"age {op}: a list of ages takes the operator in")
        return AnyOf(tuple(age_filter("eq", y, today=today) for y in years))
    if years < 0 or years > 150:
        raise InputError(f"age {years}: give an age in whole years (0-150)")

    def at_least(n: int) -> Filter:
        return Compare("birth_date", "le", _years_before(today, n))

    def below(n: int) -> Filter:
        return Compare("birth_date", "gt", _years_before(today, n))

    if op == "lt":
        return below(years)
    if op == "le":
        return below(years + 1)
    if op == "gt":
        return at_least(years + 1)
    if op == "ge":
        return at_least(years)
    if op == "eq":
        return AllOf((at_least(years), below(years + 1)))
    if op == "ne":
        return Not(AllOf((at_least(years), below(years + 1))))
    raise InputError(f"age: operator {op!r} is not one of eq, ne, lt, le, gt, ge, in")


def _candidates(
    store: Store, p: Principal, run_id: int, identifier: Identifier | None, where: Filter | None
) -> list[str]:
    if identifier is not None and identifier.kind == "child":
        return [identifier.value]
    sources = list(p.role.sources)
    if identifier is not None:
        uids = records_by_identifier(
            store,
            identifier.kind,
            identifier.value,
            sources=sources,
            regions=p.regions,
            limit=MAX_MATCHES + 1,
        )
    else:
        assert where is not None
        uids = records_matching(
            store, where, sources=sources, regions=p.regions, limit=MAX_MATCHES + 1
        )
    if len(uids) > MAX_MATCHES:
        raise TooManyMatches(
            f"the query matches more than {MAX_MATCHES} records; narrow it (a region, an age)"
        )
    return sorted(set(children_of(store, run_id, uids).values()))


def check_query(p: Principal, *, identifier: Identifier | None, where: Filter | None) -> None:
    """Raise :class:`HiddenField` when the query compares a field the role may not see, or
    names an identifier other than a NIK (or a child id) the role does not see."""
    if where is not None:
        _check_fields(p, where)
    if identifier is not None and identifier.kind not in ("nik", "child"):
        # A NIK may be searched by every role that searches, as on the search page; another
        # identifier only by a role that sees it (a KK number would list a family's children).
        columns = set(IDENTIFIER_COLUMNS[identifier.kind].values())
        if not columns <= p.role.fields:
            raise HiddenField(
                f"the role {p.role.name} does not see {', '.join(sorted(columns))}, so it "
                "cannot search by it either"
            )


def find_children(
    store: Store,
    p: Principal,
    *,
    identifier: Identifier | None = None,
    where: Filter | None = None,
    page: int = 1,
    page_size: int = 20,
    purpose: str = "",
) -> ChildPage:
    """The children with ``identifier``, or whose records ``where`` holds for (one of them is
    enough), that ``p`` may see: page ``page`` of ``page_size`` (1-1000), by child id, each
    with the welfare and aid fields of its DTSEN record the role may see; audited.

    Raises :class:`InputError` for a bad page or neither query given, :class:`HiddenField`
    for a filter on (or an identifier other than a NIK in) a field the role may not see,
    :class:`TooManyMatches`, :class:`~padan.access.authorise.Forbidden` without the ``search``
    permission.
    """
    require(p, "search")
    if (identifier is None) == (where is None):
        raise InputError("give either an identifier or a filter")
    if page < 1 or not 1 <= page_size <= 1000:
        raise InputError(f"page {page} of size {page_size}: pages count from 1, sizes 1-1000")
    check_query(p, identifier=identifier, where=where)
    run_id = latest_run_id(store)
    shown: list[dict[str, Any]] = []
    total = 0
    if run_id is not None:
        found = _candidates(store, p, run_id, identifier, where)
        visible = visible_child_ids(store, p, run_id, found)
        ordered = [c for c in found if c in visible]
        total = len(ordered)
        start = (page - 1) * page_size
        page_ids = ordered[start : start + page_size]
        shown = child_summaries(store, p, run_id, page_ids, welfare=True)
    digest = query_digest(store, "dci", repr(identifier or where))
    audit(
        store,
        p,
        "registry_query",
        f"q={digest} page={page} size={page_size} total={total}",
        [h["child_id"] for h in shown],
        purpose,
    )
    return ChildPage(total, page, page_size, shown)


def record_exchange(store: Store, p: Principal, action: str, detail: str) -> None:
    """Audit a registry exchange that shows no child's data (a subscription, a status check,
    a callback sent): ``detail`` must hold no identifier."""
    audit(store, p, f"registry_{action}", detail[:500], [], "")

"""What every service applies before it answers: the role's permission, its regional scope and
the audit row.

Out-of-scope data and absent data look the same (:class:`NotFound`).
"""

from __future__ import annotations

from collections.abc import Sequence

from padan.access.policy import Principal
from padan.domain.regions import check_region
from padan.errors import InputError, PadanError
from padan.store import Store
from padan.store.audit import append_audit

__all__ = [
    "Forbidden",
    "NotFound",
    "audit",
    "region_filter",
    "region_lineage",
    "require",
    "require_exact_counts",
]


class Forbidden(PadanError):
    """The role may not do this at all."""


class NotFound(PadanError):
    """Nothing to show: absent, or outside the user's scope (the two look the same)."""


def require(p: Principal, permission: str) -> None:
    """Raise :class:`Forbidden` unless the role has ``permission`` (``policy.toml``)."""
    if not p.can(permission):
        raise Forbidden(f"role {p.role.name} may not use {permission}")


def require_exact_counts(p: Principal) -> None:
    """Raise :class:`Forbidden` when ``p``'s role sees small counts suppressed (``small_cells =
    "suppress"``) and asks for counts of a freely chosen region and period.

    Each such count could be hidden alone, but two of them (a region and one of its parts, a
    period and a longer one) differ by the hidden one: the policy's complementary suppression
    holds only for the tables that apply it (the dashboard's indicators and trends).
    """
    if p.role.suppress_small:
        raise Forbidden(
            f"role {p.role.name} may not see counts for a freely chosen region and period: "
            "its counts of 1-4 are hidden, and subtracting two such counts would reveal them; "
            "use the dashboard's indicators and trends (padan report, padan trends) instead"
        )


def audit(
    store: Store,
    p: Principal,
    action: str,
    target: str,
    children: Sequence[str] = (),
    purpose: str = "",
) -> None:
    """Append what ``p`` asked for (``target``) and whose data it showed to the audit log."""
    append_audit(
        store,
        username=p.username,
        role=p.role.name,
        action=action,
        target=target,
        child_ids=list(children),
        purpose=purpose.strip()[:500] or "-",
    )


def region_filter(p: Principal, region: str | None) -> list[str] | None:
    """The regions to filter by: ``region`` (inside the scope) or the user's own (``None``:
    everywhere). Raises :class:`InputError` for a bad code, :class:`Forbidden` outside the scope.
    """
    if not region:
        return p.regions
    check = check_region(region)
    if check.code is None:
        raise InputError(f"region {region!r} is not a region code (e.g. 32, 32.01, 32.01.05)")
    if not p.in_scope(check.code):
        raise Forbidden(f"region {check.code} is outside your scope")
    return [check.code]


def region_lineage(code: str | None) -> list[dict[str, str]]:
    """The regions from the province down to ``code``, as the pages show them."""
    if not code:
        return []
    check = check_region(code)
    return [{"code": r.code, "level": r.level, "name": r.name} for r in reversed(check.lineage())]

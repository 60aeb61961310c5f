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

__all__ = ["Forbidden", "NotFound", "audit", "region_filter", "region_lineage", "require"]


class Forbidden(PadanError):
    """The role may not do this at all."""


class NotFound(PadanError):
    """Nothing to show: absent, or outside the user's scope (the two look the same)."""


def require(p: Principal, permission: str) -> None:
    """Raise :class:`Forbidden` unless the role has ``permission`` (``policy.toml``)."""
    if not p.can(permission):
        raise Forbidden(f"role {p.role.name} may not use {permission}")


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

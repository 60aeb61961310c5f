"""The data-sharing policy (``policy.toml``): who may do what, where, and see which fields.

Every page, JSON answer and export passes through :func:`shape_record` and :class:`Policy`, so
the rules live in one file and one module.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from padan.errors import InputError

__all__ = [
    "PERMISSIONS",
    "ROLES",
    "Principal",
    "Role",
    "exposure",
    "get_role",
    "mask_nik",
    "sees_complaint_details",
    "shape_institution",
    "shape_record",
    "shape_worklist_row",
    "worklist_columns",
]

PERMISSIONS = (
    "dashboard",
    "search",
    "profile",
    "export",
    "review",
    "ingest",
    "quarantine",
    "runs",
    "run_linkage",
    "audit",
    "institutions",
    "institutions_manage",
    "institutions_review",
    "safe_house_address",
    "worklists",
    "manage_users",
)
_SMALL = ("suppress", "exact")


@dataclass(frozen=True)
class Role:
    """One role of the policy file."""

    name: str
    label: str
    scope: str  # national | region
    permissions: frozenset[str]
    sources: tuple[str, ...]
    fields: frozenset[str]  # record columns the role may see
    groups: frozenset[str]  # field group names (kept for explanations)
    nik_full: bool
    ingest: tuple[str, ...]
    suppress_small: bool = True  # dashboard counts 1-4 hidden (roles meant for aggregates)
    worklists: tuple[str, ...] = ()  # named worklists the role may open and export
    audit_fields: frozenset[str] = frozenset()  # audit log columns the role sees


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user with a role and, for regional roles, a dotted region code."""

    username: str
    role: Role
    region: str | None

    def can(self, permission: str) -> bool:
        return permission in self.role.permissions

    @property
    def regions(self) -> list[str] | None:
        """Region codes the user may see (``None``: everywhere)."""
        if self.role.scope == "national":
            return None
        return [self.region] if self.region else []

    def in_scope(self, code: str | None) -> bool:
        """Whether a dotted region code lies in the user's scope."""
        regions = self.regions
        if regions is None:
            return True
        return code is not None and any(code == r or code.startswith(r + ".") for r in regions)


@cache
def _data() -> dict[str, Any]:
    text = (resources.files("padan.access") / "policy.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def _nik_fields() -> frozenset[str]:
    """The NIK and KK numbers of every source: the policy's ``nik`` group, statuses aside."""
    return frozenset(f for f in _data()["groups"]["nik"] if not f.endswith("_status"))


@cache
def _load() -> dict[str, Role]:
    data = _data()
    groups: dict[str, list[str]] = data["groups"]
    roles = {}
    for name, spec in data["roles"].items():
        unknown = set(spec["permissions"]) - set(PERMISSIONS)
        small = spec.get("small_cells", "suppress")
        if unknown or spec["scope"] not in ("national", "region") or small not in _SMALL:
            raise InputError(f"policy.toml: role {name}: bad permissions or scope {unknown}")
        fields = frozenset(f for g in spec["fields"] for f in groups[g])
        roles[name] = Role(
            name,
            spec["label"],
            spec["scope"],
            frozenset(spec["permissions"]),
            tuple(spec["sources"]),
            fields,
            frozenset(spec["fields"]),
            spec["nik"] == "full",
            tuple(spec["ingest"]),
            small == "suppress",
            tuple(spec.get("worklists", ())),
            frozenset(f for g in spec.get("audit_fields", ()) for f in groups[g]),
        )
    return roles


ROLES: tuple[str, ...] = (
    "admin",
    "analis_kpai",
    "analis_kemensos",
    "petugas_daerah",
    "peninjau",
    "auditor",
)


def get_role(name: str) -> Role:
    """The role named ``name``; raises :class:`InputError` for an unknown role."""
    roles = _load()
    if name not in roles:
        raise InputError(f"role {name!r} is not one of {', '.join(roles)}")
    return roles[name]


def exposure(source: str, columns: Sequence[str]) -> dict[str, list[str]]:
    """Per column of a ``source``, the roles the policy lets see it: roles whose ``sources``
    hold the source and whose field groups hold the column (NIKs masked for some of them).
    Empty lists for a source no role sees."""
    roles = _load()
    return {
        column: [
            name for name, role in roles.items() if source in role.sources and column in role.fields
        ]
        for column in columns
    }


def mask_nik(value: str | None) -> str | None:
    """Keep the district part (first 6 digits) of a NIK or KK; hide the rest."""
    if not value:
        return value
    return value[:6] + "*" * max(len(value) - 6, 0)


def shape_record(principal: Principal, record: dict[str, Any]) -> dict[str, Any]:
    """The fields of one record (``source`` plus store columns) the principal may see."""
    shaped: dict[str, Any] = {}
    for key, value in record.items():
        if key not in principal.role.fields:
            continue
        if key in _nik_fields() and not principal.role.nik_full:
            value = mask_nik(value)
        shaped[key] = value
    return shaped


#: Shown instead of a safe house's address to roles without ``safe_house_address``.
SAFE_HOUSE_HIDDEN = "(rahasia)"


def shape_institution(
    principal: Principal, record: dict[str, Any], *, safe_house: bool
) -> dict[str, Any]:
    """An institution's fields as the principal may see them.

    The address of a safe house (``safe_house``: it is, or was, a ``RUMAH_AMAN``) is hidden
    unless the role has ``safe_house_address``.
    """
    shaped = dict(record)
    if safe_house and not principal.can("safe_house_address") and shaped.get("alamat"):
        shaped["alamat"] = SAFE_HOUSE_HIDDEN
    return shaped


def sees_complaint_details(principal: Principal) -> bool:
    """Whether the role sees which KPAI complaints (number, cluster, category) concern an
    institution; other roles only see that a complaint is linked."""
    return "kpai" in principal.role.sources and "kpai_case" in principal.role.groups


def worklist_columns(principal: Principal, columns: tuple[str, ...]) -> list[int]:
    """Positions of the worklist ``columns`` the principal may see.

    A column follows the rule of the record field it comes from (``[worklist_columns]`` in the
    policy names the ones called differently); NIK columns are masked by :func:`shape_record`'s
    rule, see :func:`shape_worklist_row`.
    """
    aliases: dict[str, str] = _data().get("worklist_columns", {})
    return [i for i, c in enumerate(columns) if aliases.get(c, c) in principal.role.fields]


def shape_worklist_row(
    principal: Principal, columns: tuple[str, ...], keep: list[int], row: tuple[object, ...]
) -> list[object]:
    """The visible cells of one worklist row (``keep`` from :func:`worklist_columns`)."""
    shown: list[object] = []
    for i in keep:
        value = row[i]
        if columns[i] in _nik_fields() and not principal.role.nik_full and isinstance(value, str):
            value = mask_nik(value)
        shown.append(value)
    return shown


#: Explanation comparisons → the field group their values come from.
COMPARISON_GROUPS = {
    "name": "identity",
    "dob": "identity",
    "sex": "identity",
    "region": "identity",
    "parents": "family",
    "nik": "nik",
    "kk": "nik",
}

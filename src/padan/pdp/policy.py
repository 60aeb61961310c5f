"""The data-protection part of the policy file: controller, sources (owner, retention),
purposes and recipients, read and checked together with the roles they name.

The roles and field groups are the PKS policy the web app enforces (``policy.toml``); this
module reads the same file so that the record of processing describes what is enforced.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from padan.errors import InputError
from padan.ingest.definitions import SHIPPED_EXTRACTS
from padan.store.retention import record_columns, record_date_columns

__all__ = [
    "ACTIONS",
    "POLICY_PACKAGE",
    "PdpPolicy",
    "Purpose",
    "Recipient",
    "RoleView",
    "SourceRule",
    "load_pdp_policy",
    "parse_pdp_policy",
]

#: The package holding ``policy.toml``, the PKS policy the web app, the API and the CLI enforce.
POLICY_PACKAGE = "padan.access"
ACTIONS = ("pseudonymise", "delete")
_APPLIES = ("all", "superseded")


@dataclass(frozen=True)
class SourceRule:
    """A record source: who owns it, whose data it holds, and how long records are kept."""

    name: str
    label: str
    owner: str
    subjects: str
    extract: str
    keep_years: int
    counted_from: str  # "ingested" or a date column of the extract's table
    action: str  # pseudonymise | delete
    applies_to: str  # all | superseded
    identifying: tuple[str, ...]


@dataclass(frozen=True)
class Purpose:
    """A purpose of processing: why, on which legal basis, by which roles, to whom."""

    name: str
    label: str
    description: str
    legal_basis: str
    roles: tuple[str, ...]
    sources: tuple[str, ...]
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Recipient:
    """Who receives data, as what, through which roles."""

    name: str
    label: str
    kind: str
    roles: tuple[str, ...]
    abroad: bool


@dataclass(frozen=True)
class RoleView:
    """What the record of processing says of a role (from the role's policy entry)."""

    name: str
    label: str
    scope: str
    permissions: tuple[str, ...]
    sources: tuple[str, ...]
    groups: tuple[str, ...]
    nik: str  # full | masked


@dataclass(frozen=True)
class PdpPolicy:
    """The whole data-protection policy."""

    path: str  # where it was read from (for messages)
    controller: str
    contact: str
    sources: dict[str, SourceRule]
    exports_keep_days: int
    purposes: dict[str, Purpose]
    recipients: dict[str, Recipient]
    roles: dict[str, RoleView]
    groups: dict[str, tuple[str, ...]]


def load_pdp_policy(path: Path | None = None) -> PdpPolicy:
    """Read and check the policy file (default: the one the web app enforces).

    Raises :class:`InputError` naming the file, the section and the key for a missing, unreadable
    or inconsistent policy.
    """
    if path is None:
        where = f"policy.toml ({POLICY_PACKAGE})"
        text = (resources.files(POLICY_PACKAGE) / "policy.toml").read_text(encoding="utf-8")
    else:
        where = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{where}: cannot read the policy file ({exc.strerror})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML: {exc}") from exc
    return parse_pdp_policy(data, where=where)


class _Reader:
    """Typed access to one table of the TOML, with errors that say where."""

    def __init__(self, where: str, section: str, table: object) -> None:
        self.where, self.section = where, section
        if not isinstance(table, dict):
            self.fail("", "a table", table)
        self.table: dict[str, Any] = table  # type: ignore[assignment]

    def fail(self, key: str, expected: str, seen: object) -> None:
        at = f"[{self.section}]" + (f" {key}" if key else "")
        raise InputError(f"{self.where}: {at}: expected {expected}, got {seen!r}")

    def text(self, key: str) -> str:
        value = self.table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "a non-empty text", value)
        return str(value).strip()

    def names(self, key: str, allowed: object | None = None) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "a list of names", value)
        if allowed is not None:
            unknown = [v for v in value if v not in allowed]  # type: ignore[operator]
            if unknown:
                self.fail(key, f"names among {', '.join(sorted(allowed))}", unknown)  # type: ignore[call-overload]
        return tuple(value)

    def whole(self, key: str, *, least: int = 1) -> int:
        value = self.table.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            self.fail(key, f"a whole number ≥ {least}", value)
        return int(value)  # type: ignore[arg-type]

    def choice(self, key: str, options: tuple[str, ...]) -> str:
        value = self.table.get(key)
        if value not in options:
            self.fail(key, " or ".join(repr(o) for o in options), value)
        return str(value)


def _section(data: dict[str, Any], where: str, name: str) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, dict) or not value:
        raise InputError(
            f"{where}: the [{name}] section is missing or empty; the record of processing, "
            "retention and subject requests need it (see docs/manual/pdp.md)"
        )
    return value


def _columns(extract: str) -> tuple[frozenset[str], frozenset[str]]:
    """The columns and date columns of a record table, or of a shipped source's table before
    a store has declared it (Kemensos services, SIMFONI-PPA cases)."""
    try:
        return record_columns(extract), record_date_columns(extract)
    except InputError:
        shipped = {e.name: e for e in SHIPPED_EXTRACTS.values()}.get(extract)
        if shipped is None:
            raise
        dates = frozenset(c.name for c in shipped.columns if c.kind == "date")
        return frozenset(shipped.stored_columns), dates


def _source(where: str, name: str, spec: object) -> SourceRule:
    r = _Reader(where, f"sources.{name}", spec)
    extract = r.text("extract")
    try:
        columns, dates = _columns(extract)
    except InputError as exc:
        raise InputError(f"{where}: [sources.{name}] extract: {exc}") from exc
    counted_from = r.text("counted_from")
    if counted_from != "ingested" and counted_from not in dates:
        r.fail("counted_from", f'"ingested" or a date column of {extract}', counted_from)
    identifying = r.names("identifying", columns)
    if not identifying:
        r.fail("identifying", "at least one column", [])
    return SourceRule(
        name=name,
        label=r.text("label"),
        owner=r.text("owner"),
        subjects=r.text("subjects"),
        extract=extract,
        keep_years=r.whole("keep_years"),
        counted_from=counted_from,
        action=r.choice("action", ACTIONS),
        applies_to=r.choice("applies_to", _APPLIES),
        identifying=identifying,
    )


def _roles(data: dict[str, Any], where: str) -> dict[str, RoleView]:
    roles: dict[str, RoleView] = {}
    for name, spec in _section(data, where, "roles").items():
        r = _Reader(where, f"roles.{name}", spec)
        roles[name] = RoleView(
            name=name,
            label=r.text("label"),
            scope=r.choice("scope", ("national", "region")),
            permissions=r.names("permissions"),
            sources=r.names("sources"),
            groups=r.names("fields"),
            nik=r.choice("nik", ("full", "masked")),
        )
    return roles


def parse_pdp_policy(data: dict[str, Any], *, where: str = "policy.toml") -> PdpPolicy:
    """Check a parsed policy file and build the data-protection policy; raises
    :class:`InputError` at the first problem (file, section, key, value seen)."""
    roles = _roles(data, where)
    groups_raw = _section(data, where, "groups")
    groups = {k: tuple(v) for k, v in groups_raw.items() if isinstance(v, list)}
    controller = _Reader(where, "controller", _section(data, where, "controller"))
    sources = {n: _source(where, n, s) for n, s in _section(data, where, "sources").items()}
    exports = _Reader(where, "exports", _section(data, where, "exports"))
    recipients: dict[str, Recipient] = {}
    for name, spec in _section(data, where, "recipients").items():
        r = _Reader(where, f"recipients.{name}", spec)
        abroad = r.table.get("abroad", False)
        if not isinstance(abroad, bool):
            r.fail("abroad", "true or false", abroad)
        recipients[name] = Recipient(
            name, r.text("label"), r.text("kind"), r.names("roles", roles), bool(abroad)
        )
    purposes: dict[str, Purpose] = {}
    for name, spec in _section(data, where, "purposes").items():
        r = _Reader(where, f"purposes.{name}", spec)
        purposes[name] = Purpose(
            name=name,
            label=r.text("label"),
            description=" ".join(r.text("description").split()),
            legal_basis=r.text("legal_basis"),
            roles=r.names("roles", roles),
            sources=r.names("sources", sources),
            recipients=r.names("recipients", recipients),
        )
        if not purposes[name].roles:
            r.fail("roles", "at least one role", [])
    for role in roles.values():
        unknown = [s for s in role.sources if s not in sources]
        if unknown:
            raise InputError(
                f"{where}: [roles.{role.name}] sources: {unknown} have no [sources.…] entry "
                "(owner and retention); add one"
            )
        if role.sources and not any(role.name in p.roles for p in purposes.values()):
            raise InputError(
                f"{where}: [roles.{role.name}] sees children's records but serves no purpose; "
                "name it in the roles of a [purposes.…] section"
            )
    return PdpPolicy(
        path=where,
        controller=controller.text("name"),
        contact=controller.text("contact"),
        sources=sources,
        exports_keep_days=exports.whole("keep_days"),
        purposes=purposes,
        recipients=recipients,
        roles=roles,
        groups=groups,
    )

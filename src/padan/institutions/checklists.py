"""Inspection checklists: data files (TOML) shipped in ``checklists/``, loaded and checked here.

A checklist names the standard it follows, the institution types it applies to, and items, each
with a code, theme, text in Bahasa Indonesia and English, a default severity and its source.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from padan.domain.values import JENIS_LEMBAGA
from padan.errors import InputError

__all__ = [
    "SEVERITIES",
    "Checklist",
    "ChecklistItem",
    "checklist_for",
    "checklists",
    "get_checklist",
    "load_checklist",
]

#: Finding severities, lightest first.
SEVERITIES: Final = ("RINGAN", "SEDANG", "BERAT")
_BRIEF: Final = re.compile(r"[;,]?\s*domain brief §[\d.]+")


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One point an inspector checks, and where it comes from."""

    code: str
    theme: str
    text_id: str
    text_en: str
    severity: str  # default severity of a finding on this item
    source: str

    @property
    def public_source(self) -> str:
        """Where the item comes from, for the people who inspect: :attr:`source` without the
        project's own research notes ("domain brief §5.4"), which only its developers have."""
        text = _BRIEF.sub("", self.source)
        text = re.sub(r"\s+([;,])", r"\1", re.sub(r"\(\s*\)", "", text))
        return text.strip(" ;,")


@dataclass(frozen=True, slots=True)
class Checklist:
    """A checklist standard: its items and the institution types it applies to."""

    id: str
    version: str
    title_id: str
    title_en: str
    standard: str
    applies_to: tuple[str, ...]
    items: tuple[ChecklistItem, ...]

    def item(self, code: str) -> ChecklistItem:
        """The item with ``code``. Raises :class:`InputError` naming the valid codes."""
        for item in self.items:
            if item.code == code.strip().upper():
                return item
        raise InputError(
            f"checklist {self.id} has no item {code!r}; items are "
            f"{', '.join(i.code for i in self.items)}"
        )


def load_checklist(path: Path) -> Checklist:
    """Read and check one checklist file. Raises :class:`InputError` saying what is wrong where."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"checklist {path}: cannot be read as TOML ({exc})") from exc
    return _parse(data, str(path))


def _parse(data: dict[str, Any], where: str) -> Checklist:
    head = ("id", "version", "title_id", "title_en", "standard")
    missing = [key for key in (*head, "applies_to", "items") if key not in data]
    if missing:
        raise InputError(f"checklist {where}: missing {', '.join(missing)}")
    applies = tuple(str(k) for k in data["applies_to"])
    bad_types = [k for k in applies if k not in JENIS_LEMBAGA]
    if bad_types or not applies:
        raise InputError(
            f"checklist {where}: applies_to {list(applies)} must name types from "
            f"{', '.join(JENIS_LEMBAGA)}"
        )
    items: list[ChecklistItem] = []
    fields = ("code", "theme", "text_id", "text_en", "severity", "source")
    for number, raw in enumerate(data["items"], start=1):
        absent = [f for f in fields if not str(raw.get(f, "")).strip()]
        if absent:
            raise InputError(f"checklist {where}: item {number} lacks {', '.join(absent)}")
        if raw["severity"] not in SEVERITIES:
            raise InputError(
                f"checklist {where}: item {raw['code']} severity {raw['severity']!r} is not one "
                f"of {', '.join(SEVERITIES)}"
            )
        items.append(ChecklistItem(*(str(raw[f]).strip() for f in fields)))
    codes = [i.code for i in items]
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated or not items:
        raise InputError(f"checklist {where}: no items, or item codes repeated: {duplicated}")
    id_, version, title_id, title_en, standard = (str(data[k]) for k in head)
    return Checklist(id_, version, title_id, title_en, standard, applies, tuple(items))


@cache
def checklists() -> dict[str, Checklist]:
    """The checklists shipped with Padan, by id."""
    found: dict[str, Checklist] = {}
    for entry in sorted(
        resources.files("padan.institutions").joinpath("checklists").iterdir(), key=lambda e: e.name
    ):
        if entry.name.endswith(".toml"):
            checklist = _parse(tomllib.loads(entry.read_text(encoding="utf-8")), entry.name)
            found[checklist.id] = checklist
    return found


def get_checklist(checklist_id: str) -> Checklist:
    """A shipped checklist by id. Raises :class:`InputError` naming the ids there are."""
    try:
        return checklists()[checklist_id.strip()]
    except KeyError:
        raise InputError(
            f"no checklist {checklist_id!r}; checklists are {', '.join(checklists())}"
        ) from None


def checklist_for(jenis: str) -> Checklist | None:
    """The shipped checklist that applies to an institution type, if any."""
    for checklist in checklists().values():
        if jenis in checklist.applies_to:
            return checklist
    return None

"""What an extract is: its columns, how each is read, and the role each plays in matching.

Extracts are declared in source definition files (:mod:`padan.ingest.definitions`); the
validation in :mod:`padan.ingest.validate` and the store's record tables are driven entirely
by these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, get_args

__all__ = ["KINDS", "ROLES", "UNITS", "Column", "Extract", "Kind", "Role"]

Kind = Literal[
    "id",
    "date",
    "nik",
    "kk",
    "name",
    "text",
    "sex",
    "region",
    "code",
    "codes",  # several codes of one list, separated by ";"
    "count",
    "desil",
    "flag01",
    "age",
]
KINDS: Final = get_args(Kind)

#: What a column means to matching and to the indicators, whatever it is called in the file.
Role = Literal[
    "event_date",  # the day of the complaint, service or case report: ages refer to it
    "nik",
    "kk",
    "nik_verified",  # DTSEN's status_padan_dukcapil
    "identifier",  # another agency id (NISN, a case number the person keeps, a social security id)
    "household",  # the registry's own household id
    "institution",  # the institution (id_lembaga) that served or handled the person
    "relation",  # relation to the head of the household (hubungan_keluarga)
    "name",
    "sex",
    "birth_date",
    "age",
    "mother",
    "father",
    "region",
    "address",
    "postcode",
    "locality",
]
ROLES: Final = get_args(Role)

#: What one row of an extract stands for.
UNITS: Final = ("person", "complaint", "case", "service", "institution")

_DERIVED: Final = {
    "name": "{}_norm",
    "nik": "{}_status",
    "kk": "{}_status",
    "region": "wilayah_level",
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    codes: tuple[str, ...] = ()
    village: bool = False  # region codes: the format asks for village level (flag coarser ones)
    role: Role | None = None

    @property
    def derived(self) -> str | None:
        """The field derived from this column when stored (normalised name, status, level)."""
        pattern = _DERIVED.get(self.kind)
        return pattern.format(self.name) if pattern else None


@dataclass(frozen=True, slots=True)
class Extract:
    """One extract: its name (also its store table), the source it comes from, its columns.

    ``links``: its rows are about one child each and take part in matching. ``builtin``: shipped
    with Padan (KPAI, DTSEN, institutions); others are declared in the store.
    """

    name: str  # e.g. "kpai_kasus"; also the store table
    source: str  # e.g. "kpai": `padan ingest kpai FILE`
    id_column: str
    columns: tuple[Column, ...]
    owner: str = ""
    unit: str = "person"
    links: bool = False
    title_en: str = ""
    title_id: str = ""
    builtin: bool = False
    text: str = field(default="", compare=False, repr=False)  # the definition file as written

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """Every normalised field of an accepted record: the columns plus derived ones."""
        names: list[str] = []
        for column in self.columns:
            names.append(column.name)
            if column.derived:
                names.append(column.derived)
        return tuple(names)

    def column_for(self, role: Role) -> Column | None:
        """The column playing ``role``, if the extract has one."""
        return next((c for c in self.columns if c.role == role), None)

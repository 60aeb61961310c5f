"""Source definitions: one TOML file per source declares its extract (docs/manual/sources.md).

KPAI complaints, DTSEN individuals and institutions are built-in definitions
(``padan/ingest/sources/*.toml``); any other agency's extract is a file in the same format,
added to a store with ``padan source add``. A definition names the source, its owner, what
one row stands for, its id column, and each column's kind (how it is validated) and role
(what it means to matching: name, birth date, NIK, mother, region...).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from padan.domain import values as v
from padan.errors import InputError
from padan.ingest.schema import UNITS, Column, Extract, Kind, Role

__all__ = [
    "DTSEN",
    "EXTRACTS",
    "KPAI",
    "LEMBAGA",
    "RESERVED_COLUMNS",
    "SHIPPED",
    "SHIPPED_EXTRACTS",
    "TEMPLATES",
    "extract_for",
    "parse_definition",
    "template_text",
]

#: Columns every record table has besides the declared ones.
RESERVED_COLUMNS: Final = frozenset(
    {"id", "batch_id", "row_number", "is_current", "superseded_by", "flags", "raw"}
)
#: Definitions shipped as templates, not sources: add one under a name of your own.
TEMPLATES: Final = ("orang",)
#: Built-in sources whose record table a store creates on their first ingest (declared then).
SHIPPED: Final = ("kemensos", "simfoni")
_BUILTIN: Final = ("kpai", "dtsen", "lembaga")
_HELP: Final = "See docs/manual/sources.md."
_NAME = r"^[a-z][a-z0-9_]*$"


class _ColumnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(pattern=_NAME, max_length=63)]
    kind: Kind
    required: bool = False
    codes: str | list[str] | None = None
    village: bool = False
    role: Role | None = None

    @model_validator(mode="after")
    def _codes_for_codes(self) -> _ColumnSpec:
        if (self.kind in ("code", "codes")) != (self.codes is not None):
            raise ValueError(
                f"column {self.name}: 'codes' goes with kind 'code' or 'codes' and only with them "
                "(a list of codes, or the name of a code list in padan.domain.values)"
            )
        return self


class _DefinitionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(pattern=_NAME, min_length=2, max_length=16)]
    extract: Annotated[str | None, Field(pattern=_NAME, min_length=2, max_length=40)] = None
    owner: str = ""
    unit: Literal["person", "complaint", "case", "service", "institution"] = "person"
    id_column: str
    links: bool = False
    title: dict[Literal["en", "id"], str] = {}
    columns: Annotated[list[_ColumnSpec], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> _DefinitionSpec:
        names = [c.name for c in self.columns]
        derived = [n for c in self.columns if (n := _column(c).derived)]
        clashes = sorted(
            {n for n in names if names.count(n) > 1}
            | (set(names) & set(derived))
            | (set(names) & RESERVED_COLUMNS)
        )
        if clashes:
            raise ValueError(
                f"column names must be unique and not one of {sorted(RESERVED_COLUMNS)} or a "
                f"derived field (<name>_norm, <nik>_status, wilayah_level): {clashes}"
            )
        ids = [c for c in self.columns if c.name == self.id_column]
        if not ids or ids[0].kind != "id" or not ids[0].required:
            raise ValueError(
                f"id_column {self.id_column!r} must be one of the columns, of kind 'id', required"
            )
        roles = [c.role for c in self.columns if c.role]
        if twice := sorted({r for r in roles if roles.count(r) > 1}):
            raise ValueError(f"each role goes to one column; given more than once: {twice}")
        if self.links and "name" not in roles:
            raise ValueError("a source with links = true needs a column with role 'name'")
        return self


def _codes(spec: str | list[str] | None) -> tuple[str, ...]:
    if spec is None:
        return ()
    if isinstance(spec, list):
        return tuple(spec)
    found = getattr(v, spec, None) if spec in v.__all__ and spec.isupper() else None
    if not isinstance(found, tuple):
        lists = [n for n in v.__all__ if isinstance(getattr(v, n), tuple)]
        raise ValueError(f"no code list named {spec!r}; use a list or one of {lists}")
    return found


def _column(spec: _ColumnSpec) -> Column:
    return Column(spec.name, spec.kind, spec.required, (), spec.village, spec.role)


def parse_definition(
    text: str, *, where: str, name: str | None = None, builtin: bool = False
) -> Extract:
    """The extract a definition file declares; ``name`` renames the source (and its table,
    unless the file names the table itself).

    Raises :class:`InputError` saying which entry is wrong, the value seen and the fix.
    """
    try:
        data: dict[str, Any] = tomllib.loads(text)
        if name is not None:
            data = {**data, "name": name, "extract": name}
        spec = _DefinitionSpec.model_validate(data)
        columns = tuple(
            Column(c.name, c.kind, c.required, _codes(c.codes), c.village, c.role)
            for c in spec.columns
        )
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"source definition {where} is not valid TOML ({exc}). {_HELP}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}"
            + (f" (value seen: {e['input']!r})" if e["type"] != "missing" and e["loc"] else "")
            for e in exc.errors(include_url=False)
        )
        raise InputError(f"source definition {where}: {problems}. {_HELP}") from None
    except ValueError as exc:
        raise InputError(f"source definition {where}: {exc}. {_HELP}") from None
    if not builtin and spec.name in (*_BUILTIN, *SHIPPED):
        raise InputError(
            f"source definition {where}: {spec.name!r} is a built-in source; give another name "
            f"(--name). {_HELP}"
        )
    assert spec.unit in UNITS
    return Extract(
        spec.extract or spec.name,
        spec.name,
        spec.id_column,
        columns,
        owner=spec.owner,
        unit=spec.unit,
        links=spec.links,
        title_en=spec.title.get("en", ""),
        title_id=spec.title.get("id", ""),
        builtin=builtin,
        text=text,
    )


def template_text(name: str) -> str:
    """The text of a shipped definition (a built-in source or a template)."""
    shipped = (*_BUILTIN, *SHIPPED, *TEMPLATES)
    if name not in shipped:
        raise InputError(f"no shipped source definition {name!r}; use one of: {', '.join(shipped)}")
    return (resources.files("padan.ingest") / "sources" / f"{name}.toml").read_text("utf-8")


def _builtin(name: str) -> Extract:
    return parse_definition(template_text(name), where=f"{name}.toml (built in)", builtin=True)


KPAI: Final = _builtin("kpai")
DTSEN: Final = _builtin("dtsen")
LEMBAGA: Final = _builtin("lembaga")
#: The built-in extracts by source.
EXTRACTS: Final[dict[str, Extract]] = {e.source: e for e in (KPAI, DTSEN, LEMBAGA)}
#: The shipped sources a store declares on their first file, by source.
SHIPPED_EXTRACTS: Final[dict[str, Extract]] = {name: _builtin(name) for name in SHIPPED}


def extract_for(source: str, declared: Mapping[str, Extract] | None = None) -> Extract:
    """The extract of ``source``: a built-in one or one of ``declared`` (the store's own).

    Raises :class:`padan.errors.InputError` for any other source name.
    """
    found = EXTRACTS.get(source) or (declared or {}).get(source)
    if found is None:
        known = [*EXTRACTS, *SHIPPED, *(d for d in declared or {} if d not in SHIPPED)]
        raise InputError(
            f"unknown source {source!r}; use one of: {', '.join(known)} "
            "(or add a definition with `padan source add`)"
        )
    return found

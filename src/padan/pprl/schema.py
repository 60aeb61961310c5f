"""The encoding schema both agencies share: which fields, their q-grams, filter sizes, hashes and
hardening. Read from TOML and checked field by field, so a mistake is named before any record is
encoded.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

from padan.errors import InputError

__all__ = [
    "BLOCK_KEYS",
    "CLEAR",
    "FIELDS",
    "EncodingSchema",
    "FieldSpec",
    "RecordSpec",
    "default_schema_path",
    "load_schema",
]

#: The fields an extract can give, in output order.
FIELDS: Final = ("name", "mother", "birth_date", "sex", "region", "nik", "kk")
#: The block keys an encoding can carry (keyed hashes of the values joined by ``+``).
BLOCK_KEYS: Final = (
    "birth_year+regency",
    "birth_md+regency",
    "nik",
    "name_first+birth_year",
    "birth_year+sex",
)
#: Attributes the schema may let travel in the clear beside the encodings ([clear]): only what
#: an indicator needs and identifies nobody on its own. ``regency``: the record's Kemendagri
#: regency code (two levels, e.g. 32.01), for gap indicators by regency.
CLEAR: Final = ("regency",)
#: Fields whose value is a string of characters compared by q-grams (others give fixed tokens).
_QGRAM_FIELDS: Final = frozenset({"name", "mother", "nik", "kk"})
_SALTS: Final = ("birth_year", "sex")
_FIELD_KEYS: Final = frozenset(
    {"qgrams", "length", "hashes", "record_hashes", "noise", "balance", "salt", "filter"}
)
_FIX: Final = "Correct the schema file; docs/manual/pprl.md describes every key."


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field: its own filter (``length`` bits, ``hashes`` per token) and its share of the
    record-level filter (``record_hashes`` per token; 0 leaves it out)."""

    name: str
    qgrams: int
    length: int
    hashes: int
    record_hashes: int
    noise: float
    balance: bool
    salt: str | None
    filter: bool


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """The record-level filter: every field's tokens in one filter of ``length`` bits."""

    length: int
    noise: float
    balance: bool


@dataclass(frozen=True, slots=True)
class EncodingSchema:
    """A checked schema; ``sha256`` identifies it in every encoding file."""

    fields: tuple[FieldSpec, ...]
    record: RecordSpec
    block_keys: tuple[str, ...]
    sha256: str
    #: Attributes written in the clear beside the encodings (of :data:`CLEAR`; none by default).
    clear: tuple[str, ...] = ()

    def field(self, name: str) -> FieldSpec | None:
        """The spec of field ``name``, or ``None`` when the schema leaves it out."""
        return next((f for f in self.fields if f.name == name), None)


def default_schema_path() -> Path:
    """The schema shipped with Padan (``padan/pprl/data/schema.toml``)."""
    return Path(str(resources.files("padan.pprl").joinpath("data/schema.toml")))


def load_schema(path: Path | None = None) -> EncodingSchema:
    """Read and check the schema at ``path`` (default: :func:`default_schema_path`).

    Raises :class:`InputError` naming the file, the key, the value seen and the fix.
    """
    path = path or default_schema_path()
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"schema file {path} not found. Check the --schema path.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"schema file {path} cannot be read as TOML ({exc}). {_FIX}") from None
    where = f"schema file {path}"
    _only(data, {"version", "record", "blocking", "fields", "clear"}, where)
    if data.get("version") != 1:
        raise InputError(f"{where}: version = {data.get('version')!r}; this Padan reads 1. {_FIX}")
    fields_raw = _table(data, "fields", where)
    if not fields_raw:
        raise InputError(f"{where}: [fields] is empty. Give at least one of {', '.join(FIELDS)}.")
    fields = []
    for name, spec in fields_raw.items():
        if name not in FIELDS:
            raise InputError(
                f"{where}: unknown field [fields.{name}]. Use one of {', '.join(FIELDS)}."
            )
        if not isinstance(spec, dict):
            raise InputError(f"{where}: [fields.{name}] must be a table. {_FIX}")
        fields.append(_field(name, spec, f"{where} [fields.{name}]"))
    record = _record(_table(data, "record", where), f"{where} [record]")
    if not any(f.record_hashes for f in fields) and record.length:
        raise InputError(f"{where}: no field has record_hashes > 0, so [record] would be empty.")
    blocking = _table(data, "blocking", where)
    _only(blocking, {"keys"}, f"{where} [blocking]")
    keys = blocking.get("keys", [])
    if not isinstance(keys, list) or any(k not in BLOCK_KEYS for k in keys):
        raise InputError(
            f"{where} [blocking]: keys = {keys!r}; each key must be one of "
            f"{', '.join(BLOCK_KEYS)}. {_FIX}"
        )
    clear_table = _table(data, "clear", where)
    _only(clear_table, {"attributes"}, f"{where} [clear]")
    clear = clear_table.get("attributes", [])
    if not isinstance(clear, list) or any(a not in CLEAR for a in clear):
        raise InputError(
            f"{where} [clear]: attributes = {clear!r}; each must be one of {', '.join(CLEAR)} "
            "(nothing that identifies a child travels in the clear). " + _FIX
        )
    ordered = tuple(sorted(fields, key=lambda f: FIELDS.index(f.name)))
    return EncodingSchema(
        ordered, record, tuple(keys), hashlib.sha256(raw).hexdigest(), tuple(dict.fromkeys(clear))
    )


def _only(table: dict[str, object], allowed: set[str] | frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise InputError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}."
        )


def _table(data: dict[str, object], key: str, where: str) -> dict[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise InputError(f"{where}: {key} must be a table, found {value!r}. {_FIX}")
    return value


def _int(spec: dict[str, object], key: str, default: int, low: int, high: int, where: str) -> int:
    value = spec.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InputError(
            f"{where}: {key} = {value!r}; give a whole number from {low} to {high}. {_FIX}"
        )
    return value


def _noise(spec: dict[str, object], where: str) -> float:
    value = spec.get("noise", 0.0)
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 0.25:
        raise InputError(f"{where}: noise = {value!r}; give a share from 0 to 0.25. {_FIX}")
    return float(value)


def _bool(spec: dict[str, object], key: str, default: bool, where: str) -> bool:
    value = spec.get(key, default)
    if not isinstance(value, bool):
        raise InputError(f"{where}: {key} = {value!r}; give true or false. {_FIX}")
    return value


def _length(spec: dict[str, object], where: str, default: int) -> int:
    length = _int(spec, "length", default, 8, 1 << 16, where)
    if length % 8:
        raise InputError(f"{where}: length = {length}; give a multiple of 8 (whole bytes).")
    return length


def _field(name: str, spec: dict[str, object], where: str) -> FieldSpec:
    _only(spec, _FIELD_KEYS, where)
    qgrams = _int(spec, "qgrams", 2, 1, 4, where)
    if "qgrams" in spec and name not in _QGRAM_FIELDS:
        raise InputError(
            f"{where}: qgrams is for {', '.join(sorted(_QGRAM_FIELDS))}; {name} gives fixed "
            "tokens. Remove the key."
        )
    salt = spec.get("salt")
    if salt is not None and salt not in _SALTS:
        raise InputError(f"{where}: salt = {salt!r}; give one of {', '.join(_SALTS)} or omit it.")
    if salt is not None and salt.startswith(name.split("_")[0]):
        raise InputError(f"{where}: salt = {salt!r} salts the field with itself. Pick another.")
    return FieldSpec(
        name=name,
        qgrams=qgrams,
        length=_length(spec, where, 512),
        hashes=_int(spec, "hashes", 15, 1, 64, where),
        record_hashes=_int(spec, "record_hashes", 0, 0, 64, where),
        noise=_noise(spec, where),
        balance=_bool(spec, "balance", False, where),
        salt=salt if isinstance(salt, str) else None,
        filter=_bool(spec, "filter", True, where),
    )


def _record(spec: dict[str, object], where: str) -> RecordSpec:
    _only(spec, {"length", "noise", "balance"}, where)
    return RecordSpec(
        length=_length(spec, where, 1024),
        noise=_noise(spec, where),
        balance=_bool(spec, "balance", False, where),
    )

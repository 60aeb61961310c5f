"""A DCI ``reg_record`` (``SRPerson``/``Person``) as a row of the DTSEN extract
(``docs/exchange-format.md``), so an external registry's answer goes through the same
validation and store as a DTSEN file: a field the record lacks stays empty, and the row is
quarantined when the format requires it (never made up).

Where each column comes from: ``id_individu`` the record's ``DTSEN_ID_INDIVIDU`` identifier, else
its main identifier; ``id_keluarga`` ``DTSEN_ID_KELUARGA``, else the family card (``KK``);
``nik`` ``NIK`` (or ``UIN``/``NIN``); ``no_kk`` ``KK``; ``nama`` the name; ``jenis_kelamin``
``sex``; ``tanggal_lahir`` ``birth_date``; ``tempat_lahir`` ``birth_place``; ``kode_wilayah``
``address.region_code``; the other columns (``hubungan_keluarga``, ``desil``, ...) the
``additional_attributes`` of the same name; ``programs`` (a list of programme names) sets the
``penerima_*`` flags.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from padan.ingest.definitions import EXTRACTS

__all__ = ["dtsen_row", "write_rows"]

_SEX = {"male": "L", "m": "L", "l": "L", "female": "P", "f": "P", "p": "P"}
_PROGRAMS = {
    "PKH": "penerima_pkh",
    "SEMBAKO": "penerima_sembako",
    "PBI-JK": "penerima_pbi_jk",
    "PIP": "penerima_pip",
    "ATENSI": "penerima_atensi",
}
_ID_ALIASES = {"UIN": "NIK", "NIN": "NIK"}


def _identifiers(record: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    items = [record.get("identifier")]
    extra = record.get("additional_identifiers")
    items += extra if isinstance(extra, list) else []
    for item in items:
        if isinstance(item, dict) and item.get("identifier_value") not in (None, ""):
            kind = str(item.get("identifier_type", "")).strip().upper()
            found.setdefault(_ID_ALIASES.get(kind, kind), str(item["identifier_value"]))
    return found


def _name(value: Any) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    parts = ("given_name", "second_name", "surname")
    joined = " ".join(str(value[p]) for p in parts if value.get(p))
    return joined or str(value.get("name", ""))


def _attributes(record: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    items = record.get("additional_attributes")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            if "name" in item and "value" in item and len(item) <= 3:  # {name, value} form
                found[str(item["name"])] = item["value"]
            else:
                found.update(item)
    return found


def dtsen_row(record: dict[str, Any]) -> dict[str, Any]:
    """The DTSEN row of one ``reg_record``: every column of the extract, ``""`` where the
    record does not say."""
    ids = _identifiers(record)
    main = record.get("identifier")
    main_value = main.get("identifier_value") if isinstance(main, dict) else None
    attributes = _attributes(record)
    address = record.get("address") if isinstance(record.get("address"), dict) else {}
    row: dict[str, Any] = dict.fromkeys(EXTRACTS["dtsen"].column_names, "")
    for column in row:
        value = attributes.get(column)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            row[column] = value
    row |= {
        "id_individu": ids.get("DTSEN_ID_INDIVIDU") or str(main_value or ""),
        "id_keluarga": ids.get("DTSEN_ID_KELUARGA") or ids.get("KK", ""),
        "nik": ids.get("NIK", ""),
        "no_kk": ids.get("KK", ""),
        "nama": _name(record.get("name")),
        "jenis_kelamin": _SEX.get(str(record.get("sex", "")).strip().lower(), ""),
        "tanggal_lahir": str(record.get("birth_date") or "")[:10],
        "tempat_lahir": str(record.get("birth_place") or ""),
        "kode_wilayah": str(address.get("region_code") or "") if isinstance(address, dict) else "",
    }
    programs = attributes.get("programs")
    if isinstance(programs, list):  # the registry says which programmes: the others are 0
        held = {str(p).strip().upper() for p in programs}
        for name, column in _PROGRAMS.items():
            row[column] = "1" if name in held else "0"
    return row


def write_rows(rows: Iterable[dict[str, Any]], path: Path) -> int:
    """Write ``rows`` as a DTSEN extract in JSON lines, sorted by ``id_individu`` and then by
    content, each once, so the same answers make the same file (and the ingest recognises
    it); the count."""
    # The same person found by two values asked is one row, not a duplicate id.
    lines = list({json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) for r in rows})
    lines.sort(key=lambda line: (json.loads(line)["id_individu"], line))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)

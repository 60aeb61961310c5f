"""A child of Padan's master index as a DCI ``reg_record`` (an ``SRPerson``-like object).

Only the fields the role may see are written (the search hit is already shaped by the policy):
a masked NIK stays masked, a field the role may not see is left out.
"""

from __future__ import annotations

from typing import Any

__all__ = ["REG_RECORD_TYPE", "REG_TYPE", "reg_record"]

REG_TYPE = "ns:org:RegistryType:Social"
REG_RECORD_TYPE = "SRPerson"
_SEX = {"L": "male", "P": "female"}


def reg_record(hit: dict[str, Any]) -> dict[str, Any]:
    """One search hit of :func:`padan.services.registry_query.find_children` as a record."""
    record: dict[str, Any] = {
        "@type": REG_RECORD_TYPE,
        "identifier": {"identifier_type": "PADAN_CHILD_ID", "identifier_value": hit["child_id"]},
    }
    if hit.get("nik"):
        record["additional_identifiers"] = [
            {"identifier_type": "NIK", "identifier_value": str(hit["nik"])}
        ]
    if hit.get("nama"):
        record["name"] = {"@type": "Name", "given_name": hit["nama"]}
    if hit.get("jenis_kelamin") in _SEX:
        record["sex"] = _SEX[hit["jenis_kelamin"]]
    if hit.get("tanggal_lahir"):
        record["birth_date"] = str(hit["tanggal_lahir"])[:10]
    if hit.get("kode_wilayah"):
        record["address"] = {"@type": "Address", "region_code": hit["kode_wilayah"]}
    record["additional_attributes"] = [{"sources": list(hit.get("sources", []))}]
    return record

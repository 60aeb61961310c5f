"""A child of Padan's master index as a DCI ``reg_record`` (an ``SRPerson``-like object).

Only the fields the role may see are written (the search hit is already shaped by the policy):
a masked NIK stays masked, a field the role may not see is left out. Whether the child is in
DTSEN, its decile and the aid programmes it receives (``additional_attributes``) answer the
question a partner asks most: is this child known, in DTSEN, receiving what?
"""

from __future__ import annotations

from typing import Any

__all__ = ["REG_RECORD_TYPE", "REG_TYPE", "reg_record"]

REG_TYPE = "ns:org:RegistryType:Social"
REG_RECORD_TYPE = "SRPerson"
_SEX = {"L": "male", "P": "female"}
#: DTSEN welfare fields passed on as they are (when the role may see them).
_WELFARE = ("desil", "status_sekolah", "ragam_disabilitas")
#: DTSEN aid flags → the programme's name.
_AID = {
    "penerima_pkh": "PKH",
    "penerima_sembako": "Sembako",
    "penerima_pbi_jk": "PBI-JK",
    "penerima_pip": "PIP",
    "penerima_atensi": "ATENSI",
}


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
    sources = list(hit.get("sources", []))
    attributes: list[dict[str, Any]] = [{"sources": sources}, {"in_dtsen": "dtsen" in sources}]
    attributes += [{name: hit[name]} for name in _WELFARE if hit.get(name) is not None]
    programs = [label for column, label in _AID.items() if hit.get(column)]
    if any(column in hit for column in _AID):  # the role sees aid: say which programmes
        attributes.append({"programs": programs})
    record["additional_attributes"] = attributes
    return record

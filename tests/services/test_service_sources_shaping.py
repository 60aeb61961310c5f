"""The data-sharing policy over the shipped service sources: a victim's NIK in a SIMFONI-PPA
case is masked like every other NIK for roles with masked NIKs, and fields of a group a role
lacks are left out."""

from __future__ import annotations

import pytest

from padan.access.policy import Principal, get_role, shape_record

_CASE = {
    "id_korban": "K1",
    "nama_korban": "Rina",
    "nik_korban": "3201014501150001",
    "nik_korban_status": "valid",
    "jenis_kekerasan": "fisik",
    "hubungan_pelaku": "tetangga",
}
_SERVICE = {
    "id_layanan": "A1",
    "nik_anak": "3201014501150001",
    "no_kk": "3201010101100001",
    "komponen_atensi": "terapi",
}


@pytest.mark.parametrize(
    ("role", "record", "shown", "hidden"),
    [
        ("analis_kpai", _CASE, {"nik_korban": "320101**********"}, ()),
        ("analis_kemensos", _CASE, {"nama_korban": "Rina"}, ("jenis_kekerasan", "hubungan_pelaku")),
        ("petugas_daerah", _CASE, {"nik_korban": "3201014501150001"}, ("jenis_kekerasan",)),
        (
            "analis_kemensos",
            _SERVICE,
            {"nik_anak": "320101**********", "no_kk": "320101**********"},
            (),
        ),
        ("peninjau", _SERVICE, {"nik_anak": "3201014501150001"}, ("komponen_atensi",)),
    ],
)
def test_shape_record_masks_every_nik_and_keeps_groups(
    role: str, record: dict[str, str], shown: dict[str, str], hidden: tuple[str, ...]
) -> None:
    shaped = shape_record(Principal("t", get_role(role), None), record)
    assert {k: shaped.get(k) for k in shown} == shown
    assert not set(hidden) & set(shaped)

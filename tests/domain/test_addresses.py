import pytest

from padan.domain.addresses import village_named


@pytest.mark.parametrize(
    ("address", "village"),
    [
        # A complaint form: the village alone.
        ("Sukamaju", "sukamaju"),
        (" Pasar  Manggis ", "pasar manggis"),
        # DTSEN-style: RT/RW, then the village.
        ("RT 010/RW 008, Limang", "limang"),
        ("Jl. Sudirman No. 101 RT 001/RW 002, Pasar Manggis", "pasar manggis"),
        ("Dusun Lembah RT 003/RW 008, Angantaka", "angantaka"),
        # The village labelled, and levels above it after it.
        ("Desa/Kel. Balekambang, Kec. Jonggol", "balekambang"),
        ("Kel. Duren Tiga, Kecamatan Pancoran, Kota Jakarta Selatan", "duren tiga"),
        ("Jl. Kenanga 5, Desa Cibeber I, Kec. Cibeber, Kab. Cianjur, 43262", "cibeber i"),
        ("Kp. Melayu RT.2 RW.5; Kelurahan Kampung Melayu", "kampung melayu"),
        ("RT 02 / 05, Ds. Sumberbendo", "sumberbendo"),
        # A remark in brackets is no part of the address's hierarchy.
        ("RT 001/RW 002, Sukamaju (belakang masjid)", "sukamaju"),
        ("Jl. Mawar 2 (dekat pasar), Cibeber, Kec. Cibeber", "cibeber"),
        ("Sukamaju (pindah rumah", "sukamaju"),
        # No village named: empty, a street or a hamlet only, levels above only, too short.
        (None, None),
        ("", None),
        ("Jl. Sudirman No. 101", None),
        ("Dusun Krajan RT 003/RW 001", None),
        ("Kec. Jonggol, Kab. Bogor", None),
        ("RT 001/RW 002", None),
        ("12", None),
    ],
)
def test_addresses_village_named_table(address: str | None, village: str | None) -> None:
    assert village_named(address) == village

"""padan.web.messages: library errors for people, in their language, with the values kept."""

from __future__ import annotations

import pytest

from padan.errors import FileLevelError, InputError
from padan.web.messages import error_text, message_text

_MISSING = FileLevelError(
    "kasus.csv",
    "required column(s) missing for kpai_kasus: no_pengaduan (headers found: nama, umur)",
    "Rename the headers to the exchange format or pass --mapping FILE.toml.",
)


@pytest.mark.parametrize(
    ("exc", "lang", "cli", "expected"),
    [
        (
            _MISSING,
            "id",
            False,
            "kasus.csv: kolom wajib tidak ada: no_pengaduan (kolom dalam berkas: nama, umur). "
            "Ganti judul kolom sesuai format pertukaran data (nama kolom dalam panduan "
            "pertukaran data), atau minta administrator memuat berkas di server dengan berkas "
            "pemetaan.",
        ),
        (
            _MISSING,
            "en",
            True,
            "kasus.csv: required column(s) missing for kpai_kasus: no_pengaduan (headers found: "
            "nama, umur). Rename the headers to the exchange format or pass --mapping FILE.toml.",
        ),
        (
            InputError("inspection not recorded: petugas (the inspector) is required"),
            "id",
            False,
            "Pengawasan tidak tersimpan: nama petugas pengawas wajib diisi",
        ),
        (
            InputError("role analis_kpai may not use manage_users"),
            "id",
            False,
            "peran Analis KPAI tidak boleh membuka halaman ini atau melakukan tindakan ini",
        ),
        (
            InputError("role analis_kpai may not use manage_users"),
            "id",
            True,
            "role analis_kpai may not use manage_users",
        ),
        (InputError("something nobody foresaw"), "id", False, "something nobody foresaw"),
    ],
)
def test_error_text_translates_known_shapes_and_keeps_values(
    exc: Exception, lang: str, cli: bool, expected: str
) -> None:
    assert error_text(exc, lang, cli=cli) == expected


def test_error_text_names_fields_by_label_and_keeps_dates() -> None:
    text = (
        "institution fields are not valid: tanggal_akreditasi: '2020-13-01' is not a usable date "
        "(tanggal_tidak_ada); use YYYY-MM-DD; nama_lembaga is required"
    )
    assert message_text(text, "id") == (
        "Lembaga tidak tersimpan: Tanggal akreditasi 2020-13-01 bukan tanggal yang dapat dipakai "
        "(tanggal tidak ada di kalender); gunakan TTTT-BB-HH; Nama lembaga wajib diisi"
    )
    assert message_text(text, "en").startswith("The institution was not saved: Accreditation date")

"""Every quality flag and quarantine reason: its stable code, and its text from the catalogs.

Codes are stable: they are stored with records and quarantined rows and appear in JSON output.
Their text, in Bahasa Indonesia and English, is the gettext label ``label("reason", code)``
(``padan.i18n.codes`` marks each one; ``src/padan/i18n/locale/*/LC_MESSAGES/padan.po`` holds it).
"""

from __future__ import annotations

from typing import NamedTuple

from padan.i18n import label

__all__ = ["REASONS", "Reason", "describe"]


class Reason(NamedTuple):
    id: str
    en: str


#: Every reason code, in the order of the checks (values, identifiers, dates, regions, rows).
REASONS: tuple[str, ...] = (
    "wajib_kosong",
    "nik_format",
    "nik_notasi_ilmiah",
    "nik_wilayah_tidak_dikenal",
    "nik_wilayah_lama",
    "nik_tanggal_tidak_valid",
    "nik_nomor_urut_nol",
    "nik_tgl_lahir_beda",
    "nik_jk_beda",
    "kk_format",
    "kk_wilayah_tidak_dikenal",
    "kk_wilayah_lama",
    "kk_tanggal_tidak_valid",
    "kk_nomor_urut_nol",
    "tanggal_format",
    "tanggal_tidak_ada",
    "tanggal_masa_depan",
    "tanggal_terlalu_lama",
    "tanggal_lahir_setelah_pengaduan",
    "jk_tidak_dikenal",
    "wilayah_format",
    "wilayah_tidak_dikenal",
    "wilayah_lama",
    "wilayah_bukan_desa",
    "usia_tidak_valid",
    "usia_dewasa",
    "usia_beda_tgl_lahir",
    "hanya_usia",
    "kode_tidak_dikenal",
    "angka_tidak_valid",
    "desil_tidak_valid",
    "flag_tidak_valid",
    "formula_spreadsheet",
    "karakter_kontrol",
    "nilai_terlalu_panjang",
    "id_ganda_dalam_file",
    "kolom_berlebih",
    "kolom_kurang",
    "baris_tidak_terbaca",
)


def describe(code: str) -> Reason:
    """The text of a flag or reason ``code`` in both languages (an unknown code: the code)."""
    return Reason(label("reason", code, "id"), label("reason", code, "en"))

"""Every quality flag and quarantine reason, with its text in Bahasa Indonesia and English.

Codes are stable: they are stored with records and quarantined rows and appear in JSON output.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["REASONS", "Reason", "describe"]


class Reason(NamedTuple):
    id: str
    en: str


REASONS: dict[str, Reason] = {
    # values
    "wajib_kosong": Reason("kolom wajib kosong", "required field is empty"),
    "nik_format": Reason("NIK bukan 16 digit angka", "NIK is not 16 digits"),
    "nik_notasi_ilmiah": Reason(
        "NIK rusak oleh Excel (notasi ilmiah), digit terakhir hilang",
        "NIK mangled by Excel (scientific notation); trailing digits lost",
    ),
    "nik_wilayah_tidak_dikenal": Reason(
        "6 digit awal NIK bukan kode kecamatan Kemendagri",
        "first 6 digits of the NIK are not a Kemendagri district code",
    ),
    "nik_wilayah_lama": Reason(
        "kode kecamatan dalam NIK sudah tidak berlaku (kode lama)",
        "district code in the NIK is retired (older release)",
    ),
    "nik_tanggal_tidak_valid": Reason(
        "tanggal lahir dalam NIK tidak valid", "birth date encoded in the NIK is not a valid date"
    ),
    "nik_nomor_urut_nol": Reason("nomor urut NIK 0000", "NIK serial number is 0000"),
    "nik_tgl_lahir_beda": Reason(
        "tanggal lahir dalam NIK berbeda dengan tanggal lahir pada data",
        "birth date in the NIK differs from the record's birth date",
    ),
    "nik_jk_beda": Reason(
        "jenis kelamin dalam NIK berbeda dengan jenis kelamin pada data",
        "sex encoded in the NIK differs from the record's sex",
    ),
    "kk_format": Reason("Nomor KK bukan 16 digit angka", "KK number is not 16 digits"),
    "kk_wilayah_tidak_dikenal": Reason(
        "6 digit awal Nomor KK bukan kode kecamatan Kemendagri",
        "first 6 digits of the KK number are not a Kemendagri district code",
    ),
    "kk_wilayah_lama": Reason(
        "kode kecamatan dalam Nomor KK sudah tidak berlaku (kode lama)",
        "district code in the KK number is retired (older release)",
    ),
    "kk_tanggal_tidak_valid": Reason(
        "tanggal pencatatan dalam Nomor KK tidak valid",
        "recording date encoded in the KK number is not a valid date",
    ),
    "kk_nomor_urut_nol": Reason("nomor urut KK 0000", "KK serial number is 0000"),
    "tanggal_format": Reason(
        "format tanggal tidak dikenal (pakai YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY)",
        "unknown date format (use YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY)",
    ),
    "tanggal_tidak_ada": Reason(
        "tanggal tidak ada di kalender", "date does not exist in the calendar"
    ),
    "tanggal_masa_depan": Reason("tanggal di masa depan", "date is in the future"),
    "tanggal_terlalu_lama": Reason("tanggal sebelum tahun 1900", "date is before 1900"),
    "tanggal_lahir_setelah_pengaduan": Reason(
        "tanggal lahir setelah tanggal pengaduan", "birth date is after the complaint date"
    ),
    "jk_tidak_dikenal": Reason("jenis kelamin tidak dikenal (pakai L/P)", "unknown sex (use L/P)"),
    "wilayah_format": Reason(
        "kode wilayah bukan 2, 4, 6 atau 10 digit",
        "region code is not 2, 4, 6 or 10 digits",
    ),
    "wilayah_tidak_dikenal": Reason(
        "kode wilayah tidak ada dalam daftar Kemendagri",
        "region code is not in the Kemendagri list",
    ),
    "wilayah_lama": Reason(
        "kode wilayah lama (tidak berlaku lagi)", "retired region code (older release)"
    ),
    "wilayah_bukan_desa": Reason(
        "kode wilayah bukan tingkat desa/kelurahan", "region code is not at village level"
    ),
    "usia_tidak_valid": Reason("usia bukan angka 0-25", "age is not a number from 0 to 25"),
    "usia_dewasa": Reason("usia 18 tahun atau lebih", "age is 18 or over"),
    "usia_beda_tgl_lahir": Reason(
        "usia tidak sesuai tanggal lahir", "age does not agree with the birth date"
    ),
    "hanya_usia": Reason(
        "tanggal lahir tidak diketahui, hanya usia", "birth date unknown, age only"
    ),
    "kode_tidak_dikenal": Reason("nilai di luar daftar kode", "value is not in the code list"),
    "angka_tidak_valid": Reason("bukan bilangan bulat >= 0", "not a whole number >= 0"),
    "desil_tidak_valid": Reason("desil bukan angka 1-10", "desil is not a number from 1 to 10"),
    "flag_tidak_valid": Reason("nilai harus 1 atau 0", "value must be 1 or 0"),
    "formula_spreadsheet": Reason(
        "nilai tampak seperti formula spreadsheet; disimpan sebagai teks",
        "value looks like a spreadsheet formula; kept as text",
    ),
    "karakter_kontrol": Reason(
        "nilai berisi karakter kontrol", "value contains control characters"
    ),
    "nilai_terlalu_panjang": Reason(
        "nilai lebih dari 1000 karakter", "value is longer than 1000 characters"
    ),
    "id_ganda_dalam_file": Reason(
        "id sudah muncul di baris sebelumnya dalam file yang sama",
        "id already appeared on an earlier row of the same file",
    ),
    "kolom_berlebih": Reason(
        "baris berisi lebih banyak kolom daripada header",
        "row has more fields than the header",
    ),
    "kolom_kurang": Reason(
        "baris berisi lebih sedikit kolom daripada header",
        "row has fewer fields than the header",
    ),
    "baris_tidak_terbaca": Reason(
        "baris tidak dapat dibaca (kutip rusak atau JSON tidak valid)",
        "row cannot be parsed (broken quoting or invalid JSON)",
    ),
}


def describe(code: str) -> Reason:
    """The bilingual text of a flag or reason ``code`` (an unknown code describes itself)."""
    return REASONS.get(code, Reason(code, code))

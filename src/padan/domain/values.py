"""Value rules shared by every extract: unknown markers, sex, yes/no flags and code lists."""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "AKREDITASI",
    "BASIS_LAYANAN",
    "HUBUNGAN_KELUARGA",
    "HUBUNGAN_PELAKU",
    "JENIS_KEKERASAN",
    "JENIS_LEMBAGA",
    "JENIS_LEMBAGA_LAYANAN",
    "JENIS_PPKS_ANAK",
    "KATEGORI_PASAL59",
    "KLASTER",
    "KLASTER_ATENSI",
    "KOMPONEN_ATENSI",
    "PERAN_ABH",
    "RAGAM_DISABILITAS",
    "STATUS_IZIN",
    "STATUS_LAYANAN",
    "STATUS_PADAN",
    "STATUS_PENANGANAN",
    "STATUS_SEKOLAH",
    "STATUS_SIMFONI",
    "TEMPAT_KEJADIAN",
    "UNKNOWN_MARKERS",
    "is_unknown",
    "parse_code",
    "parse_flag01",
    "parse_sex",
]

# The exchange format's markers for "unknown"; "0" only counts as unknown for identifiers.
UNKNOWN_MARKERS: Final = frozenset(
    {"", "-", "--", "null", "none", "n/a", "na", "#n/a", "tidak ada", "nan"}
)

_SEX: Final[dict[str, Literal["L", "P"]]] = {
    "l": "L",
    "lk": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "lakilaki": "L",
    "laki": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
}
_FLAG: Final[dict[str, bool]] = {
    "1": True,
    "0": False,
    "ya": True,
    "tidak": False,
    "y": True,
    "t": False,
    "n": False,
    "true": True,
    "false": False,
    "1.0": True,
    "0.0": False,
}

KLASTER: Final = ("I", "II", "III", "IV", "V")
KATEGORI_PASAL59: Final = tuple("abcdefghijklmno")
PERAN_ABH: Final = ("pelaku", "korban", "saksi")
RAGAM_DISABILITAS: Final = ("FISIK", "INTELEKTUAL", "MENTAL", "SENSORIK", "GANDA")
STATUS_PENANGANAN: Final = ("baru", "proses", "selesai")
HUBUNGAN_KELUARGA: Final = (
    "KEPALA KELUARGA",
    "ISTRI",
    "SUAMI",
    "ANAK",
    "CUCU",
    "ORANG TUA",
    "FAMILI LAIN",
    "LAINNYA",
)
#: Whether a DTSEN NIK was verified against Dukcapil (exchange format v1.1).
STATUS_PADAN: Final = ("PADAN", "TIDAK_PADAN")
STATUS_SEKOLAH: Final = ("SEKOLAH", "TIDAK SEKOLAH", "PUTUS SEKOLAH", "BELUM SEKOLAH")
JENIS_LEMBAGA: Final = ("LKSA", "TPA", "RUMAH_AMAN", "RPSA", "UPTD_PPA")
STATUS_IZIN: Final = ("BERIZIN", "TIDAK_BERIZIN", "DALAM_PROSES")
AKREDITASI: Final = ("A", "B", "C", "BELUM")

# Kemensos service records (``kemensos_layanan``, exchange format annex A; domain.md §5.10).
#: The seven direct-service components of ATENSI, Permensos 7/2021 (kemensos.go.id 2021-05-01
#: lists them in this order; the definition in Pasal 1 names the same activities).
KOMPONEN_ATENSI: Final = (
    "pemenuhan_hidup_layak",
    "perawatan_pengasuhan",
    "dukungan_keluarga",
    "terapi",
    "vokasional_kewirausahaan",
    "bantuan_asistensi_sosial",
    "dukungan_aksesibilitas",
)
#: ATENSI is family-, community- and/or residential-based (Permensos 7/2021, Pasal 1).
BASIS_LAYANAN: Final = ("keluarga", "komunitas", "residensial")
#: The five target clusters, plus disaster victims and other PPKS (Permensos 7/2021 Pasal 3).
KLASTER_ATENSI: Final = (
    "anak",
    "penyandang_disabilitas",
    "lanjut_usia",
    "tuna_sosial_kpo",
    "korban_napza",
    "korban_bencana",
    "ppks_lainnya",
)
#: Who delivered it: a Kemensos Sentra (the former balai/loka), a regional UPTD, or an LKS
#: (Permensos 7/2021: ATENSI is carried out by balai/loka, UPTD and LKS).
JENIS_LEMBAGA_LAYANAN: Final = ("sentra", "uptd", "lks")
#: The seven child PPKS types of Permensos 8/2012 (``reference/ppks_26.csv`` rows 1-7).
JENIS_PPKS_ANAK: Final = (
    "anak_balita_terlantar",
    "anak_terlantar",
    "abh",
    "anak_jalanan",
    "anak_disabilitas",
    "anak_korban_kekerasan",
    "ampk",
)
#: State of one service record. Padan's choice for the exchange format, not a published list.
STATUS_LAYANAN: Final = ("berjalan", "selesai", "dirujuk", "dihentikan")

# SIMFONI-PPA case records (``simfoni_kasus``, exchange format annex B; domain.md §5.11).
#: Forms of violence as SIMFONI-PPA counts them (KemenPPPA summary page
#: kekerasan.kemenpppa.go.id/ringkasan as quoted by mediapribumi.id 2025-01-11 and
#: diskominfo.kaltimprov.go.id 2021): a victim may have suffered several.
JENIS_KEKERASAN: Final = (
    "fisik",
    "psikis",
    "seksual",
    "eksploitasi",
    "trafficking",
    "penelantaran",
    "lainnya",
)
#: Place of the incident, the categories of the same SIMFONI-PPA summary.
TEMPAT_KEJADIAN: Final = (
    "rumah_tangga",
    "tempat_kerja",
    "sekolah",
    "lembaga_pendidikan_kilat",
    "fasilitas_umum",
    "lainnya",
)
#: Perpetrator's relation to the victim, the categories of the same summary ("NA" there).
HUBUNGAN_PELAKU: Final = (
    "orang_tua",
    "keluarga",
    "suami_istri",
    "pacar_teman",
    "tetangga",
    "guru",
    "majikan",
    "rekan_kerja",
    "lainnya",
    "tidak_diketahui",
)
#: Stage of a case at the UPTD PPA: complaint received, assessment, service intervention,
#: monitoring, closed (terminasi), referred on (Permen PPPA 2/2022 service standard; stages as
#: in UPTD PPA service standards on sippn.menpan.go.id; SIMFONI-PPA v3 case management).
STATUS_SIMFONI: Final = (
    "pengaduan",
    "asesmen",
    "intervensi",
    "pemantauan",
    "terminasi",
    "dirujuk",
)

_ROMAN: Final = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}


def is_unknown(value: object, *, identifier: bool = False) -> bool:
    """True for an empty cell or one of the exchange format's unknown markers.

    With ``identifier=True`` a lone ``0`` also means unknown (agencies write 0 for "no id").
    """
    if value is None:
        return True
    if not isinstance(value, str):
        return identifier and value == 0
    text = value.strip().lower()
    return text in UNKNOWN_MARKERS or (identifier and text.strip("0") == "" and text != "")


def parse_sex(value: str) -> Literal["L", "P"] | None:
    """``L``/``P`` from any accepted spelling (L, P, Laki-laki, Perempuan, LK, PR; any case)."""
    return _SEX.get(" ".join(value.strip().lower().split()))


def parse_flag01(value: str) -> bool | None:
    """``True``/``False`` from ``1``/``0`` (also ya/tidak, y/t, true/false); ``None`` otherwise."""
    return _FLAG.get(value.strip().lower())


def parse_code(value: str, codes: tuple[str, ...]) -> str | None:
    """Match ``value`` against a code list ignoring case, spaces vs underscores and extra spaces.

    KPAI klaster also accepts the digits 1-5 for I-V. Returns the code as the list writes it.
    """
    text = " ".join(value.strip().replace("_", " ").split()).upper()
    if codes is KLASTER:
        text = _ROMAN.get(text, text)
    for code in codes:
        if code.replace("_", " ").upper() == text:
            return code
    return None

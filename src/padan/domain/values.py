"""Value rules shared by every extract: unknown markers, sex, yes/no flags and code lists."""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "AKREDITASI",
    "HUBUNGAN_KELUARGA",
    "JENIS_LEMBAGA",
    "KATEGORI_PASAL59",
    "KLASTER",
    "PERAN_ABH",
    "RAGAM_DISABILITAS",
    "STATUS_IZIN",
    "STATUS_PADAN",
    "STATUS_PENANGANAN",
    "STATUS_SEKOLAH",
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

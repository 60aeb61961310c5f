"""The three extracts of the data exchange format (``docs/exchange-format.md``).

Each column is declared once, with whether it is required and how its value is read. The
validation in :mod:`padan.ingest.validate` is driven entirely by these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from padan.domain import values as v
from padan.errors import InputError

__all__ = ["EXTRACTS", "Column", "Extract", "extract_for"]

Kind = Literal[
    "id",
    "date",
    "nik",
    "kk",
    "name",
    "text",
    "sex",
    "region",
    "code",
    "count",
    "desil",
    "flag01",
    "age",
]


_DERIVED: Final = {
    "name": "{}_norm",
    "nik": "{}_status",
    "kk": "{}_status",
    "region": "wilayah_level",
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    codes: tuple[str, ...] = ()
    village: bool = False  # region codes: the format asks for village level (flag coarser ones)

    @property
    def derived(self) -> str | None:
        """The field derived from this column when stored (normalised name, status, level)."""
        pattern = _DERIVED.get(self.kind)
        return pattern.format(self.name) if pattern else None


@dataclass(frozen=True, slots=True)
class Extract:
    """One extract of the exchange format: its name, the source it comes from and its columns."""

    name: str  # e.g. "kpai_kasus"; also the store table
    source: Literal["kpai", "dtsen", "lembaga"]
    id_column: str
    columns: tuple[Column, ...]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """Every normalised field of an accepted record: the columns plus derived ones."""
        names: list[str] = []
        for column in self.columns:
            names.append(column.name)
            if column.derived:
                names.append(column.derived)
        return tuple(names)


KPAI: Final = Extract(
    "kpai_kasus",
    "kpai",
    "no_pengaduan",
    (
        Column("no_pengaduan", "id", True),
        Column("tanggal_pengaduan", "date", True),
        Column("nik_anak", "nik"),
        Column("nama_anak", "name", True),
        Column("jenis_kelamin", "sex", True),
        Column("tempat_lahir", "text"),
        Column("tanggal_lahir", "date"),
        Column("usia", "age"),
        Column("nama_ibu", "name"),
        Column("nama_ayah", "name"),
        Column("alamat", "text"),
        Column("kode_wilayah", "region", True),
        Column("klaster", "code", True, v.KLASTER),
        Column("kategori", "code", False, v.KATEGORI_PASAL59),
        Column("peran_abh", "code", False, v.PERAN_ABH),
        Column("ragam_disabilitas", "code", False, v.RAGAM_DISABILITAS),
        Column("status_penanganan", "code", False, v.STATUS_PENANGANAN),
    ),
)

DTSEN: Final = Extract(
    "dtsen_individu",
    "dtsen",
    "id_individu",
    (
        Column("id_individu", "id", True),
        Column("id_keluarga", "id", True),
        Column("no_kk", "kk"),
        Column("nik", "nik"),
        Column("status_padan_dukcapil", "code", False, v.STATUS_PADAN),
        Column("nama", "name", True),
        Column("jenis_kelamin", "sex", True),
        Column("tempat_lahir", "text"),
        Column("tanggal_lahir", "date", True),
        Column("hubungan_keluarga", "code", True, v.HUBUNGAN_KELUARGA),
        Column("nama_ibu_kandung", "name"),
        Column("alamat", "text"),
        Column("kode_wilayah", "region", True, village=True),
        Column("desil", "desil"),
        Column("ragam_disabilitas", "code", False, v.RAGAM_DISABILITAS),
        Column("status_sekolah", "code", False, v.STATUS_SEKOLAH),
        Column("penerima_pkh", "flag01"),
        Column("penerima_sembako", "flag01"),
        Column("penerima_pbi_jk", "flag01"),
        Column("penerima_pip", "flag01"),
        Column("penerima_atensi", "flag01"),
    ),
)

LEMBAGA: Final = Extract(
    "lembaga",
    "lembaga",
    "id_lembaga",
    (
        Column("id_lembaga", "id", True),
        Column("nama_lembaga", "text", True),
        Column("jenis", "code", True, v.JENIS_LEMBAGA),
        Column("kode_wilayah", "region", True),
        Column("alamat", "text"),
        Column("status_izin", "code", False, v.STATUS_IZIN),
        Column("akreditasi", "code", False, v.AKREDITASI),
        Column("tanggal_akreditasi", "date"),
        Column("kapasitas", "count"),
        Column("jumlah_anak", "count"),
        Column("jumlah_pekerja_sosial", "count"),
        Column("jumlah_pekerja_sosial_bersertifikat", "count"),
    ),
)

EXTRACTS: Final[dict[str, Extract]] = {e.source: e for e in (KPAI, DTSEN, LEMBAGA)}


def extract_for(source: str) -> Extract:
    """The extract declared for ``source`` (``kpai``, ``dtsen`` or ``lembaga``).

    Raises :class:`padan.errors.InputError` for any other source name.
    """
    try:
        return EXTRACTS[source]
    except KeyError:
        raise InputError(f"unknown source {source!r}; use one of: {', '.join(EXTRACTS)}") from None

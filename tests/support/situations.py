"""Hand-written DTSEN households and KPAI complaints for the real-registry situations.

A :class:`Situations` collects households (each member's NIK and the family's KK built by the
rules of ``docs/domain.md`` §2.1 and §2.3, on real Kemendagri village codes) and complaints,
remembers every record under a short reference, and writes one DTSEN and one KPAI file in the
exchange format (v1.1). Ids start with ``SIT`` so that they cannot collide with generated data.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from padan.domain.identifiers import check_kk, check_nik
from padan.domain.regions import RegionStatus, check_region
from padan.synth.complaints import KPAI_COLUMNS
from padan.synth.dtsen import DTSEN_COLUMNS, STATUS_PADAN_COLUMN

__all__ = [
    "DTSEN_HEADER",
    "KPAI_HEADER",
    "TODAY",
    "Person",
    "Situations",
    "age_on",
    "kk_number",
    "nik",
    "replace_digit",
    "swap_digits",
]

#: The day the extracts are judged on (as in ``tests/conftest.py``).
TODAY: Final = dt.date(2026, 11, 28)

# The columns padan synth writes, with the exchange format v1.1 NIK status after the NIK.
_AT_NIK = DTSEN_COLUMNS.index("nik") + 1
DTSEN_HEADER: Final = [*DTSEN_COLUMNS[:_AT_NIK], STATUS_PADAN_COLUMN, *DTSEN_COLUMNS[_AT_NIK:]]
KPAI_HEADER: Final = list(KPAI_COLUMNS)

Sex = Literal["L", "P"]


def _digits(code: str) -> str:
    return code.replace(".", "")


def nik(district: str, born: dt.date, sex: Sex, serial: int) -> str:
    """A NIK: the 6-digit district of registration, DDMMYY (day + 40 for girls), a serial."""
    day = born.day + (40 if sex == "P" else 0)
    return f"{_digits(district)[:6]}{day:02d}{born:%m%y}{serial:04d}"


def kk_number(district: str, recorded: dt.date, serial: int) -> str:
    """A Nomor KK: the 6-digit district of issuance, the recording date DDMMYY, a serial."""
    return f"{_digits(district)[:6]}{recorded:%d%m%y}{serial:04d}"


def replace_digit(number: str, position: int, digit: str) -> str:
    """``number`` with the digit at ``position`` (0-based) replaced by another one."""
    assert number[position] != digit, "a replaced digit must change the number"
    return number[:position] + digit + number[position + 1 :]


def swap_digits(number: str, position: int) -> str:
    """``number`` with the digits at ``position`` and ``position + 1`` swapped."""
    a, b = number[position], number[position + 1]
    assert a != b, "swapping two equal digits does not change the number"
    return number[:position] + b + a + number[position + 2 :]


def age_on(born: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class Person:
    """One member of a DTSEN household.

    ``nik`` ``None`` builds the NIK from the rules (``nik_district`` where it was issued, by
    default the household's district; ``serial`` as SIAK numbers people born the same day in
    one district: 0001, 0002, ...); ``""`` writes none; anything else is written as given.
    ``mother`` is ``nama_ibu_kandung``; for a child it defaults to the household's mother.
    """

    ref: str
    name: str
    sex: Sex
    born: str  # ISO date
    relation: str = "ANAK"
    mother: str | None = None
    serial: int = 1
    nik: str | None = None
    nik_district: str = ""
    padan: str = "PADAN"  # status_padan_dukcapil of a built NIK; others are written unchecked

    @property
    def birth(self) -> dt.date:
        return dt.date.fromisoformat(self.born)


class Situations:
    """Households and complaints under short references, written as two extract files."""

    def __init__(self) -> None:
        self.dtsen: list[dict[str, str]] = []
        self.kpai: list[dict[str, str]] = []
        self.uid: dict[str, str] = {}  # reference -> ``dtsen:<id_individu>`` / ``kpai:<no>``
        self.niks: dict[str, str] = {}  # reference -> the NIK a DTSEN person really holds
        self.people: dict[str, Person] = {}
        self._households = 0

    def household(
        self,
        *,
        village: str,
        place: str,
        address: str,
        kk_recorded: str,
        kk_serial: int,
        members: Sequence[Person],
        desil: int | None = None,
    ) -> str:
        """Add a household in ``village`` (a current village code); returns its KK number."""
        region = check_region(village)
        assert region.status is RegionStatus.CURRENT and region.level == "village", village
        kk = kk_number(village, dt.date.fromisoformat(kk_recorded), kk_serial)
        assert check_kk(kk, today=TODAY).status == "valid", kk
        self._households += 1
        family = f"SITK{self._households:03d}"
        wife = next((m for m in members if m.relation == "ISTRI"), None)
        head = next(m for m in members if m.relation == "KEPALA KELUARGA")
        mother = wife or (head if head.sex == "P" else None)
        for person in members:
            self._member(person, family, kk, village, place, address, desil, mother)
        return kk

    def _member(
        self,
        person: Person,
        family: str,
        kk: str,
        village: str,
        place: str,
        address: str,
        desil: int | None,
        mother: Person | None,
    ) -> None:
        assert person.ref not in self.uid, f"reference {person.ref} used twice"
        true_nik = nik(person.nik_district or village, person.birth, person.sex, person.serial)
        check = check_nik(true_nik, today=TODAY, birth_date=person.birth, sex=person.sex)
        # A NIK issued before a region was split keeps its retired district (domain.md §2.2).
        assert check.status == "valid" and set(check.flags) <= {"nik_wilayah_lama"}, (
            true_nik,
            check.flags,
        )
        written = true_nik if person.nik is None else person.nik
        child = person.relation in ("ANAK", "CUCU")
        if person.mother is not None:
            mothers_name = person.mother
        else:
            mothers_name = mother.name if child and mother is not None else ""
        in_school = child and age_on(person.birth, TODAY) >= 7
        poor = desil is not None and desil <= 3
        row_id = f"SIT{len(self.dtsen) + 1:04d}"
        self.dtsen.append(
            {
                "id_individu": row_id,
                "id_keluarga": family,
                "no_kk": kk,
                "nik": written,
                "status_padan_dukcapil": person.padan if written == true_nik else "",
                "nama": person.name,
                "jenis_kelamin": person.sex,
                "tempat_lahir": place,
                "tanggal_lahir": person.born,
                "hubungan_keluarga": person.relation,
                "nama_ibu_kandung": mothers_name,
                "alamat": address,
                "kode_wilayah": village,
                "desil": "" if desil is None else str(desil),
                "ragam_disabilitas": "",
                "status_sekolah": "SEKOLAH"
                if in_school
                else ("BELUM SEKOLAH" if child else "TIDAK SEKOLAH"),
                "penerima_pkh": "1" if poor and child else "0",
                "penerima_sembako": "1" if poor else "0",
                "penerima_pbi_jk": "1" if desil is not None and desil <= 4 else "0",
                "penerima_pip": "1" if poor and in_school else "0",
                "penerima_atensi": "0",
            }
        )
        self.uid[person.ref] = f"dtsen:{row_id}"
        self.niks[person.ref] = true_nik
        self.people[person.ref] = person

    def complaint(
        self,
        ref: str,
        *,
        received: str,
        name: str,
        sex: Sex,
        region: str,
        nik: str = "",
        born: str = "",
        age: int | None = None,
        mother: str = "",
        father: str = "",
        address: str = "",
        klaster: str = "V",
        kategori: str = "i",
        status: str = "proses",
    ) -> None:
        """Add a one-child complaint under reference ``ref``."""
        assert ref not in self.uid, f"reference {ref} used twice"
        assert check_region(region).ok, region
        number = f"SIT/{received[:4]}/{len(self.kpai) + 1:04d}"
        self.kpai.append(
            {
                "no_pengaduan": number,
                "tanggal_pengaduan": received,
                "nik_anak": nik,
                "nama_anak": name,
                "jenis_kelamin": sex,
                "tempat_lahir": "",
                "tanggal_lahir": born,
                "usia": "" if age is None else str(age),
                "nama_ibu": mother,
                "nama_ayah": father,
                "alamat": address,
                "kode_wilayah": region,
                "klaster": klaster,
                "kategori": kategori if klaster == "V" else "",
                "peran_abh": "",
                "ragam_disabilitas": "",
                "status_penanganan": status,
            }
        )
        self.uid[ref] = f"kpai:{number}"

    def write(self, directory: Path) -> tuple[Path, Path]:
        """Write ``situations_dtsen.csv`` and ``situations_kpai.csv``; returns their paths."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = directory / "situations_dtsen.csv", directory / "situations_kpai.csv"
        for path, header, rows in zip(
            paths, (DTSEN_HEADER, KPAI_HEADER), (self.dtsen, self.kpai), strict=True
        ):
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=header)
                writer.writeheader()
                writer.writerows(rows)
        return paths

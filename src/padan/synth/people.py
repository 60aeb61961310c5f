"""Who the synthetic data describes: people and DTSEN households (the true values behind every
record), and the registry that issues their NIK and KK numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from padan.synth.places import Village

__all__ = ["Household", "Person", "Registry"]


@dataclass(slots=True)
class Person:
    """One real (synthetic) person; the true values behind every record that mentions them."""

    pid: int
    name: str
    sex: str  # "L" / "P"
    birth: dt.date
    relation: str
    mother: str  # birth mother's name as she is really called
    father: str  # "" when unknown
    birthplace: str
    nik: str = ""
    disability: str = ""
    school: str = ""
    mother_written: str = ""  # nama_ibu_kandung as the DTSEN row writes it
    pip: bool = False
    twin: int = 0  # pid of the twin (profiles other than standard mark twins)
    similar_to: int = 0  # pid of the elder sibling or twin whose name this one nearly repeats
    old_nik: bool = False  # NIK carries a retired (pre-2022 Papua) district prefix


@dataclass(slots=True)
class Household:
    """One DTSEN family with its members and household-level attributes."""

    hid: int
    village: Village
    group: str
    desil: int | None
    no_kk: str
    address: str
    members: list[Person] = field(default_factory=list)
    pkh: bool = False
    sembako: bool = False
    pbi: bool = False
    atensi: bool = False


class Registry:
    """Issues NIK and KK numbers with serials unique per (district, encoded date).

    Keys are packed into one int (12 digits) to keep the table small for a million people.
    """

    def __init__(self) -> None:
        self._nik: dict[int, int] = {}
        self._kk: dict[int, int] = {}

    @staticmethod
    def _issue(table: dict[int, int], core: str) -> str:
        key = int(core)
        serial = table.get(key, 0) + 1
        table[key] = serial
        # More than 9999 people of one district born on one day cannot happen at our scale;
        # wrap rather than emit a 5-digit serial.
        return f"{core}{(serial - 1) % 9999 + 1:04d}"

    def nik(self, district6: str, birth: dt.date, sex: str) -> str:
        """A NIK: district, birth DDMMYY with day + 40 for women, next serial."""
        day = birth.day + (40 if sex == "P" else 0)
        return self._issue(
            self._nik, f"{district6}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        )

    def kk(self, district6: str, recorded: dt.date) -> str:
        """A KK number: district, recording DDMMYY, next serial."""
        core = f"{district6}{recorded.day:02d}{recorded.month:02d}{recorded.year % 100:02d}"
        return self._issue(self._kk, core)

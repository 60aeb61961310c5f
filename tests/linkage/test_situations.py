"""Every real-registry situation of issue 14, end to end: pairs that must link, and twins and
siblings that must not.

A synthetic background population (``intake`` profile) gives the model data to train on; the
situations are hand-written households and complaints on top (``support.situations``), ingested
as their own batches, and linked once with real SQLite, DuckDB and Splink. Each case names two
records and whether they are one child.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from typing import Final

import pytest

from padan.ingest import ingest_file
from padan.registry import run_linkage
from padan.store import open_store
from padan.synth import generate
from support.situations import (
    TODAY,
    Person,
    Situations,
    age_on,
    kk_number,
    nik,
    replace_digit,
    swap_digits,
)

SAME: Final = "same"
DIFFERENT: Final = "different"


def _kpai_with_relatives_nik(s: Situations) -> None:
    """KPAI's ``nik_anak`` holds the mother's, the father's or a sibling's NIK (§8.5)."""
    s.household(
        village="32.01.01.1002",
        place="Bogor",
        address="Kp. Karadenan RT 003/RW 007",
        kk_recorded="2015-02-10",
        kk_serial=44,
        desil=4,
        members=[
            Person("agus", "Agus Setiawan", "L", "1983-03-12", "KEPALA KELUARGA", "Suminah"),
            Person("sri", "Sri Wahyuni", "P", "1986-07-25", "ISTRI", "Aminah"),
            Person("rizky", "Rizky Pratama", "L", "2009-05-14"),
            Person("dewi", "Dewi Anggraini", "P", "2014-09-03"),
        ],
    )
    s.complaint(
        "dewi@kpai",
        received="2026-02-16",
        name="Dewi Anggraini",
        sex="P",
        nik=s.niks["sri"],
        born="2014-09-03",
        mother="Sri Wahyuni",
        father="Agus Setiawan",
        region="32.01.01",
        klaster="II",
    )
    s.household(
        village="33.74.02.1002",
        place="Semarang",
        address="Jl. Bulu Lor RT 005/RW 002",
        kk_recorded="2016-09-05",
        kk_serial=118,
        desil=3,
        members=[
            Person("joko", "Joko Susilo", "L", "1980-11-02", "KEPALA KELUARGA", "Painem"),
            Person("ratna", "Ratna Sari", "P", "1985-04-19", "ISTRI", "Sulastri"),
            Person("bayu", "Bayu Aji Nugroho", "L", "2011-08-27"),
            Person("nadia", "Nadia Rahmawati", "P", "2016-01-30"),
        ],
    )
    s.complaint(
        "bayu@kpai",
        received="2026-03-04",
        name="Bayu Aji Nugroho",
        sex="L",
        nik=s.niks["joko"],
        born="2011-08-27",
        mother="Ratna Sari",
        father="Joko Susilo",
        region="33.74.02.1002",
    )
    s.household(
        village="73.71.01.1001",
        place="Makassar",
        address="Jl. Rajawali Lr. 2 No. 14",
        kk_recorded="2017-05-22",
        kk_serial=73,
        desil=2,
        members=[
            Person("syamsul", "Syamsul Bahri", "L", "1978-06-06", "KEPALA KELUARGA", "Hasnah"),
            Person("nurhayati", "Nurhayati", "P", "1982-12-15", "ISTRI", "Sitti Rahma"),
            Person("ilham", "Muhammad Ilham", "L", "2008-02-11"),
            Person("fadil", "Muhammad Fadil", "L", "2012-10-05"),
            Person("aulia", "Nur Aulia", "P", "2017-03-22"),
        ],
    )
    s.complaint(
        "fadil@kpai",
        received="2026-04-20",
        name="Muhammad Fadil",
        sex="L",
        nik=s.niks["ilham"],
        born="2012-10-05",
        mother="Nurhayati",
        father="Syamsul Bahri",
        region="73.71.01",
        klaster="IV",
    )


def _kpai_with_kk_number(s: Situations) -> None:
    """KPAI's ``nik_anak`` holds the family's KK number, or a newer one issued when the family
    split (pecah KK, §2.3) that DTSEN does not have yet."""
    kk = s.household(
        village="35.27.01.2001",
        place="Sampang",
        address="Dusun Noreh Laok",
        kk_recorded="2014-03-15",
        kk_serial=9,
        desil=1,
        members=[
            Person("sholeh", "Mohammad Sholeh", "L", "1979-09-09", "KEPALA KELUARGA", "Marsunah"),
            Person("aminah", "Siti Aminah", "P", "1984-05-05", "ISTRI", "Halimah"),
            Person("khotijah", "Siti Khotijah", "P", "2010-07-17"),
            Person("rofiqi", "Mohammad Rofiqi", "L", "2013-12-01"),
        ],
    )
    s.complaint(
        "rofiqi@kpai",
        received="2026-01-27",
        name="Mohammad Rofiqi",
        sex="L",
        nik=kk,
        born="2013-12-01",
        mother="Siti Aminah",
        father="Mohammad Sholeh",
        region="35.27.01.2001",
        kategori="d",
    )
    s.household(
        village="31.74.01.1001",
        place="Jakarta",
        address="Jl. Tebet Timur Dalam VI No. 21",
        kk_recorded="2016-02-03",
        kk_serial=112,
        desil=5,
        members=[
            Person("hendra", "Hendra Gunawan", "L", "1981-01-23", "KEPALA KELUARGA", "Sutini"),
            Person("lina", "Lina Marlina", "P", "1985-10-08", "ISTRI", "Komariah"),
            Person("rafi", "Rafi Ahmad Gunawan", "L", "2012-04-16"),
            Person("salsabila", "Salsabila Putri", "P", "2015-06-29"),
        ],
    )
    newer_kk = kk_number("31.74.01", dt.date(2024, 8, 20), 35)  # recorded after the split
    s.complaint(
        "salsabila@kpai",
        received="2026-05-12",
        name="Salsabila Putri",
        sex="P",
        nik=newer_kk,
        born="2015-06-29",
        mother="Lina Marlina",
        father="Hendra Gunawan",
        region="31.74.01.1001",
        klaster="II",
    )


def _dtsen_double_registrations(s: Situations) -> None:
    """A child registered twice in DTSEN (§2.2, §8.5): with a second NIK (double e-KTP
    recording, in the neighbouring district), with the KK number typed as NIK, or again as a
    grandchild in the grandparents' household (another KK, short name, no NIK, no mother)."""
    s.household(
        village="12.02.01.1001",
        place="Tarutung",
        address="Huta Partoli Toruan",
        kk_recorded="2015-01-19",
        kk_serial=27,
        desil=4,
        members=[
            Person(
                "marihot",
                "Marihot Simanjuntak",
                "L",
                "1980-02-14",
                "KEPALA KELUARGA",
                "Rosmaida Hutabarat",
            ),
            Person(
                "rumiris", "Rumiris Sitompul", "P", "1984-08-08", "ISTRI", "Tiominar Lumbantobing"
            ),
            Person("daniel", "Daniel Simanjuntak", "L", "2010-11-11"),
            Person("grace", "Grace Natalia Simanjuntak", "P", "2014-12-24"),
            Person(
                "grace-again",
                "Grace Natalia Simanjuntak",
                "P",
                "2014-12-24",
                nik=nik("12.02.02", dt.date(2014, 12, 24), "P", 3),
            ),
        ],
    )
    kk = kk_number("53.02.01", dt.date(2013, 4, 18), 52)  # the household's own KK, below
    s.household(
        village="53.02.01.1002",
        place="Soe",
        address="RT 011/RW 004 Kel. Cendana",
        kk_recorded="2013-04-18",
        kk_serial=52,
        desil=1,
        members=[
            Person(
                "yohanes", "Yohanes Nenobais", "L", "1979-05-20", "KEPALA KELUARGA", "Yuliana Tefa"
            ),
            Person("maria", "Maria Selan", "P", "1983-03-03", "ISTRI", "Agustina Nomleni"),
            Person("yunus", "Yunus Nenobais", "L", "2009-09-19"),
            Person("ester", "Ester Nenobais", "P", "2013-04-07"),
            Person("ester-again", "Ester Nenobais", "P", "2013-04-07", nik=kk),
        ],
    )
    s.household(
        village="32.01.02.2002",
        place="Bogor",
        address="Perum Bojong Indah Blok C2 No. 8",
        kk_recorded="2019-11-04",
        kk_serial=205,
        desil=5,
        members=[
            Person(
                "dedi", "Dedi Kurniawan", "L", "1988-06-01", "KEPALA KELUARGA", "Entin Suhartini"
            ),
            Person("yanti", "Yanti Susanti", "P", "1990-09-14", "ISTRI", "Iis Rohaeti"),
            Person("nabila", "Nabila Putri Ramadhani", "P", "2015-07-02"),
            Person("raka", "Raka Aditya", "L", "2019-10-10"),
        ],
    )
    s.household(
        village="32.01.01.1001",
        place="Bogor",
        address="Kp. Pondok Rajeg RT 001/RW 004",
        kk_recorded="2008-06-30",
        kk_serial=61,
        desil=3,
        members=[
            Person("ujang", "Ujang Suherman", "L", "1962-04-04", "KEPALA KELUARGA", "Icih"),
            Person("iis", "Iis Rohaeti", "P", "1965-11-11", "ISTRI", "Enok"),
            Person(
                "nabila-at-grandparents",
                "Nabila Putri",
                "P",
                "2015-07-02",
                "CUCU",
                mother="",
                nik="",
            ),
        ],
    )


def _mistyped_niks(s: Situations) -> None:
    """One digit replaced, or two neighbouring digits swapped (§2.2: operator input errors),
    in a complaint's NIK or in DTSEN's."""
    s.household(
        village="33.74.01.1001",
        place="Semarang",
        address="Jl. Miroto RT 002/RW 001",
        kk_recorded="2012-07-09",
        kk_serial=88,
        desil=6,
        members=[
            Person("slamet", "Slamet Riyadi", "L", "1976-08-17", "KEPALA KELUARGA", "Sukinah"),
            Person("endang", "Endang Lestari", "P", "1980-02-02", "ISTRI", "Tumini"),
            Person("dimas", "Dimas Prasetyo", "L", "2011-03-09"),
            Person("anisa", "Anisa Fitriani", "P", "2016-11-25"),
        ],
    )
    s.complaint(  # 337401 typed 337407: the district part
        "dimas@kpai",
        received="2026-06-02",
        name="Dimas Prasetyo",
        sex="L",
        nik=replace_digit(s.niks["dimas"], 5, "7"),
        born="2011-03-09",
        mother="Endang Lestari",
        father="Slamet Riyadi",
        region="33.74.01",
        kategori="b",
    )
    s.household(
        village="73.71.01.1002",
        place="Makassar",
        address="Jl. Kakatua No. 31",
        kk_recorded="2015-03-02",
        kk_serial=140,
        desil=5,
        members=[
            Person(
                "yusuf",
                "Andi Muhammad Yusuf",
                "L",
                "1982-07-07",
                "KEPALA KELUARGA",
                "Andi Hasnawati",
            ),
            Person("hasriani", "Hasriani", "P", "1986-09-30", "ISTRI", "Nurmiati"),
            Person("rafli", "Muhammad Rafli", "L", "2012-06-18"),
            Person("fadilah", "Nur Fadilah", "P", "2015-02-26"),
        ],
    )
    s.complaint(  # birth year 12 typed 21
        "rafli@kpai",
        received="2026-07-21",
        name="Muhammad Rafli",
        sex="L",
        nik=swap_digits(s.niks["rafli"], 10),
        born="2012-06-18",
        mother="Hasriani",
        father="Andi Muhammad Yusuf",
        region="73.71.01.1002",
        klaster="IV",
    )
    aziz = nik("35.27.01", dt.date(2014, 8, 19), "L", 1)
    s.household(
        village="35.27.01.2002",
        place="Sampang",
        address="Dusun Labuhan Barat",
        kk_recorded="2015-01-12",
        kk_serial=17,
        desil=2,
        members=[
            Person("rahman", "Abdul Rahman", "L", "1975-03-15", "KEPALA KELUARGA", "Samiyah"),
            Person("musyarofah", "Musyarofah", "P", "1983-06-21", "ISTRI", "Rukayyah"),
            Person("maimunah", "Siti Maimunah", "P", "2010-10-10"),
            # DTSEN's operator typed the birth month 08 as 06.
            Person("aziz", "Abdul Aziz", "L", "2014-08-19", nik=replace_digit(aziz, 9, "6")),
        ],
    )
    s.complaint(
        "aziz@kpai",
        received="2026-03-30",
        name="Abdul Aziz",
        sex="L",
        nik=aziz,
        born="2014-08-19",
        mother="Musyarofah",
        father="Abdul Rahman",
        region="35.27.01",
        kategori="d",
    )


def _age_only(s: Situations) -> None:
    """The complaint has no birth date, only the age (``usia``)."""
    otniel = Person("otniel", "Otniel Wenda", "L", "2012-04-27", nik_district="91.02.01")
    s.household(
        village="95.01.01.1001",
        place="Wamena",
        address="Jl. Homhom, Wamena Kota",
        kk_recorded="2017-10-02",
        kk_serial=19,
        desil=1,
        members=[
            Person(
                "yulianus",
                "Yulianus Wenda",
                "L",
                "1981-05-05",
                "KEPALA KELUARGA",
                "Martha Kogoya",
                nik_district="91.02.01",
            ),
            Person(
                "selina",
                "Selina Tabuni",
                "P",
                "1986-12-12",
                "ISTRI",
                "Rosa Hubi",
                nik_district="91.02.01",
            ),
            otniel,
            Person("debora", "Debora Wenda", "P", "2016-08-15", nik_district="91.02.01"),
        ],
    )
    received = dt.date(2026, 5, 11)
    s.complaint(
        "otniel@kpai",
        received=received.isoformat(),
        name="Otniel Wenda",
        sex="L",
        nik=s.niks["otniel"],
        age=age_on(otniel.birth, received),
        mother="Selina Tabuni",
        region="95.01.01",
        klaster="III",
    )
    aprilia = Person("aprilia", "Aprilia Tanesib", "P", "2014-04-12")
    s.household(
        village="53.02.01.1001",
        place="Soe",
        address="RT 007/RW 003 Kel. Soe",
        kk_recorded="2014-09-29",
        kk_serial=31,
        desil=2,
        members=[
            Person(
                "markus", "Markus Tanesib", "L", "1977-10-10", "KEPALA KELUARGA", "Yohana Boimau"
            ),
            Person("yuliana", "Yuliana Nomleni", "P", "1982-01-28", "ISTRI", "Sarlota Kase"),
            Person("ferdinan", "Ferdinan Tanesib", "L", "2010-06-06"),
            aprilia,
        ],
    )
    received = dt.date(2026, 8, 3)
    s.complaint(
        "aprilia@kpai",
        received=received.isoformat(),
        name="Aprilia Tanesib",
        sex="P",
        age=age_on(aprilia.birth, received),
        mother="Yuliana Nomleni",
        region="53.02.01.1001",
        kategori="m",
    )


def _regions(s: Situations) -> None:
    """The complaint's region: a retired Papua code (Merauke was 91.01, now 93.01, §1.2), the
    province only, or the regency the family moved to (DTSEN still has the old one)."""
    s.household(
        village="93.01.01.1003",
        place="Merauke",
        address="Jl. Ermasu, Karang Indah",
        kk_recorded="2019-04-08",
        kk_serial=66,
        desil=3,
        members=[
            Person(
                "yakobus",
                "Yakobus Gebze",
                "L",
                "1980-07-21",
                "KEPALA KELUARGA",
                "Paulina Mahuze",
                nik_district="91.01.01",
            ),
            Person(
                "veronika",
                "Veronika Kaize",
                "P",
                "1985-05-30",
                "ISTRI",
                "Anastasia Ndiken",
                nik_district="91.01.01",
            ),
            Person("fransiskus", "Fransiskus Gebze", "L", "2011-02-08", nik_district="91.01.01"),
            Person("yosefina", "Yosefina Gebze", "P", "2015-10-13", nik_district="91.01.01"),
        ],
    )
    s.complaint(
        "yosefina@kpai",
        received="2026-02-09",
        name="Yosefina Gebze",
        sex="P",
        born="2015-10-13",
        mother="Veronika Kaize",
        father="Yakobus Gebze",
        region="91.01",
        klaster="III",
    )
    s.household(
        village="32.01.02.2001",
        place="Bogor",
        address="Kp. Wanaherang RT 004/RW 009",
        kk_recorded="2018-08-13",
        kk_serial=97,
        desil=3,
        members=[
            Person("asep", "Asep Saepudin", "L", "1983-12-03", "KEPALA KELUARGA", "Euis Kurniasih"),
            Person("neneng", "Neneng Hasanah", "P", "1987-02-17", "ISTRI", "Iyah Rohayah"),
            Person("rizal", "Muhammad Rizal Firmansyah", "L", "2012-09-21"),
            Person("nurjanah", "Siti Nurjanah", "P", "2018-05-05"),
        ],
    )
    s.complaint(
        "rizal@kpai",
        received="2026-09-14",
        name="Muhammad Rizal Firmansyah",
        sex="L",
        born="2012-09-21",
        mother="Neneng Hasanah",
        father="Asep Saepudin",
        region="32",
        kategori="b",
    )
    s.household(
        village="33.74.02.1001",
        place="Semarang",
        address="Kampung Tambakrejo RT 006/RW 016",
        kk_recorded="2013-08-26",
        kk_serial=54,
        desil=2,
        members=[
            Person("sutrisno", "Sutrisno", "L", "1974-04-14", "KEPALA KELUARGA", "Ngatinah"),
            Person("sumiati", "Sumiati", "P", "1979-08-08", "ISTRI", "Kasmini"),
            Person("eko", "Eko Prasetyo", "L", "2008-03-03"),
            Person("tri", "Tri Wahyuningsih", "P", "2013-07-19"),
        ],
    )
    s.complaint(  # the family moved to Mranggen, Kabupaten Demak
        "tri@kpai",
        received="2026-10-05",
        name="Tri Wahyuningsih",
        sex="P",
        born="2013-07-19",
        mother="Sumiati",
        father="Sutrisno",
        region="33.21.01",
        klaster="II",
    )

    # Coded to the province only, a call name, an age and no NIK; the address names the village
    # (§8.6). A namesake of the same age lives in the next village of the district.
    s.household(
        village="35.09.06.2004",
        place="Jember",
        address="Dusun Krajan RT 002/RW 004, Darungan",
        kk_recorded="2016-05-02",
        kk_serial=38,
        desil=2,
        members=[
            Person("bambang", "Bambang Sugiarto", "L", "1985-02-11", "KEPALA KELUARGA", "Sutini"),
            Person("yuli", "Yuliana", "P", "1990-09-09", "ISTRI", "Marsini"),
            Person("nayla", "Nayla Putri Ramadhani", "P", "2016-04-09"),
        ],
    )
    s.household(
        village="35.09.06.2005",
        place="Jember",
        address="Dusun Krajan RT 001/RW 002, Manggisan",
        kk_recorded="2015-11-23",
        kk_serial=52,
        desil=3,
        members=[
            Person("rahmat", "Rahmat Hidayat", "L", "1984-06-30", "KEPALA KELUARGA", "Painah"),
            Person("wati", "Suwati", "P", "1988-01-17", "ISTRI", "Sainem"),
            Person("nayla-m", "Nayla Azzahra", "P", "2016-08-20"),
        ],
    )
    s.complaint(
        "nayla@kpai",
        received="2026-02-10",
        name="Nayla",
        sex="P",
        age=9,
        region="35",
        address="Darungan",
        klaster="II",
    )

    # Moved to the city, a slip in the name, day and month of birth swapped, only the father
    # named and no NIK: the father's name is what brings the two together.
    s.household(
        village="32.01.01.1002",
        place="Bogor",
        address="Kp. Cibeureum RT 002/RW 004",
        kk_recorded="2012-03-19",
        kk_serial=71,
        desil=2,
        members=[
            Person("dedi-k", "Dedi Kusnadi", "L", "1980-01-15", "KEPALA KELUARGA", "Oneng"),
            Person("lilis", "Lilis Salimah", "P", "1984-06-02", "ISTRI", "Enah"),
            Person("salim", "Ahmad Salim Kusnadi", "L", "2014-11-05"),
        ],
    )
    s.complaint(
        "salim@kpai",
        received="2026-08-03",
        name="Ahmad Salim Kusnad",
        sex="L",
        born="2014-05-11",
        father="Dedi Kusnadi",
        region="32.71.01",
        klaster="IV",
    )


def _names(s: Situations) -> None:
    """The complaint writes the call name only (Putri for Putri Ayu Lestari, Dika for Andika),
    drops a Papuan marga, or drops the Balinese I / Ni (§8.1)."""
    s.household(
        village="31.74.01.1002",
        place="Jakarta",
        address="Jl. Tebet Barat Dalam II No. 5",
        kk_recorded="2014-01-20",
        kk_serial=131,
        desil=6,
        members=[
            Person("rudi", "Rudi Hartono", "L", "1982-09-09", "KEPALA KELUARGA", "Sukarsih"),
            Person("wulan", "Wulan Sari", "P", "1986-03-27", "ISTRI", "Tati Suryati"),
            Person("putri", "Putri Ayu Lestari", "P", "2013-11-05"),
            Person("bagas", "Bagas Saputra", "L", "2017-02-14"),
        ],
    )
    s.complaint(
        "putri@kpai",
        received="2026-04-08",
        name="Putri",
        sex="P",
        born="2013-11-05",
        mother="Wulan Sari",
        father="Rudi Hartono",
        region="31.74.01",
        klaster="IV",
    )
    s.household(
        village="33.74.01.1002",
        place="Semarang",
        address="Jl. Brumbungan Tengah No. 17",
        kk_recorded="2011-05-16",
        kk_serial=76,
        desil=4,
        members=[
            Person("hadi", "Hadi Santoso", "L", "1979-12-20", "KEPALA KELUARGA", "Parmi"),
            Person("rina-k", "Rina Kusumawati", "P", "1984-06-11", "ISTRI", "Sri Mulyani"),
            Person("andika", "Andika Pratama", "L", "2011-01-17"),
            Person("citra", "Citra Kirana", "P", "2014-10-02"),
        ],
    )
    s.complaint(
        "andika@kpai",
        received="2026-08-24",
        name="Dika",
        sex="L",
        born="2011-01-17",
        mother="Rina Kusumawati",
        father="Hadi Santoso",
        region="33.74.01.1002",
        kategori="b",
    )
    s.household(
        village="95.01.01.1006",
        place="Wamena",
        address="Kampung Sinapuk",
        kk_recorded="2016-03-14",
        kk_serial=8,
        desil=1,
        members=[
            Person(
                "yusuf-a",
                "Yusuf Asso",
                "L",
                "1983-08-30",
                "KEPALA KELUARGA",
                "Lince Itlay",
                nik_district="91.02.01",
            ),
            Person(
                "martina",
                "Martina Lokobal",
                "P",
                "1988-02-05",
                "ISTRI",
                "Yuliana Wetipo",
                nik_district="91.02.01",
            ),
            Person("natalia", "Natalia Yuliana Asso", "P", "2012-12-01", nik_district="91.02.01"),
            Person("benyamin", "Benyamin Asso", "L", "2016-06-23", nik_district="91.02.01"),
        ],
    )
    s.complaint(
        "natalia@kpai",
        received="2026-05-25",
        name="Natalia Yuliana",
        sex="P",
        born="2012-12-01",
        mother="Martina Lokobal",
        region="95.01.01",
        klaster="III",
    )
    s.household(
        village="51.03.01.1001",
        place="Badung",
        address="Br. Pesalakan, Tuban",
        kk_recorded="2016-07-11",
        kk_serial=93,
        desil=5,
        members=[
            Person(
                "nyoman",
                "I Nyoman Sudarsana",
                "L",
                "1980-05-16",
                "KEPALA KELUARGA",
                "Ni Wayan Rinten",
            ),
            Person("ketut", "Ni Ketut Sriani", "P", "1984-09-23", "ISTRI", "Ni Made Sukerti"),
            Person("eka", "I Putu Eka Pradnyana", "L", "2010-02-19"),
            Person("made", "I Made Agus Wirawan", "L", "2013-08-08"),
            Person("komang", "Ni Komang Sri Astuti", "P", "2016-04-04"),
        ],
    )
    s.complaint(
        "made@kpai",
        received="2026-03-16",
        name="Made Agus Wirawan",
        sex="L",
        born="2013-08-08",
        mother="Ni Ketut Sriani",
        father="I Nyoman Sudarsana",
        region="51.03.01",
        kategori="b",
    )
    s.complaint(
        "komang@kpai",
        received="2026-09-28",
        name="Komang Sri Astuti",
        sex="P",
        born="2016-04-04",
        mother="Ketut Sriani",
        father="Nyoman Sudarsana",
        region="51.03.01.1001",
        klaster="II",
    )


def _twins_and_siblings(s: Situations) -> None:
    """Twins (same birth date, mother and KK; names a letter or a token apart; one without
    NIK) and siblings with alike names born years apart: different children."""
    s.household(
        village="32.01.02.2002",
        place="Bogor",
        address="Kp. Bojong RT 002/RW 011",
        kk_recorded="2019-06-17",
        kk_serial=188,
        desil=4,
        members=[
            Person("wahyu", "Wahyu Hidayat", "L", "1985-10-25", "KEPALA KELUARGA", "Cucu Sumarni"),
            Person("dewi-l", "Dewi Lestari", "P", "1989-01-09", "ISTRI", "Enah"),
            Person("rina", "Rina Aprilia", "P", "2014-04-21", serial=1),
            Person("rini", "Rini Aprilia", "P", "2014-04-21", serial=2),
            Person("fauzan-h", "Fauzan Hidayat", "L", "2019-03-03"),
        ],
    )
    # Twins whose NIKs Dukcapil has not verified (status_padan_dukcapil empty): each NIK fits
    # its record, which is evidence enough.
    s.household(
        village="32.01.02.2002",
        place="Bogor",
        address="Kp. Bojong RT 003/RW 011",
        kk_recorded="2020-02-10",
        kk_serial=191,
        desil=2,
        members=[
            Person("rohmat-s", "Rohmat Sodikin", "L", "1988-02-02", "KEPALA KELUARGA", "Enok"),
            Person("cucu-m", "Cucu Maryati", "P", "1990-07-15", "ISTRI", "Imas"),
            Person("keisya", "Keisya Ramadhani", "P", "2016-07-05", serial=1, padan=""),
            Person("kaisya", "Kaisya Ramadhani", "P", "2016-07-05", serial=2, padan=""),
        ],
    )
    s.complaint(
        "rini@kpai",
        received="2026-06-22",
        name="Rini Aprilia",
        sex="P",
        born="2014-04-21",
        mother="Dewi Lestari",
        father="Wahyu Hidayat",
        region="32.01.02",
        klaster="IV",
    )
    s.household(
        village="31.74.01.1001",
        place="Jakarta",
        address="Jl. Tebet Timur Raya No. 40",
        kk_recorded="2018-01-08",
        kk_serial=207,
        desil=7,
        members=[
            Person("irfan", "Irfan Hakim", "L", "1983-05-12", "KEPALA KELUARGA", "Nining"),
            Person("rahmawati-s", "Siti Rahmawati", "P", "1986-11-30", "ISTRI", "Rohimah"),
            Person("hasan", "Muhammad Hasan Alfarizi", "L", "2017-09-14", serial=1),
            Person("husein", "Muhammad Husein Alfarizi", "L", "2017-09-14", serial=2),
        ],
    )
    s.household(
        village="12.02.01.1002",
        place="Tarutung",
        address="Jl. Hutatoruan V",
        kk_recorded="2013-02-25",
        kk_serial=45,
        desil=3,
        members=[
            Person(
                "parlindungan",
                "Parlindungan Hutagalung",
                "L",
                "1979-03-18",
                "KEPALA KELUARGA",
                "Nurmaida Sihombing",
            ),
            Person(
                "rosdiana", "Rosdiana Situmorang", "P", "1983-07-07", "ISTRI", "Tiurma Simatupang"
            ),
            Person("yosua", "Yosua Hutagalung", "L", "2012-11-28", serial=1),
            Person("yosia", "Yosia Hutagalung", "L", "2012-11-28", serial=2, nik=""),
        ],
    )
    s.household(
        village="73.71.01.1002",
        place="Makassar",
        address="Jl. Gagak No. 7",
        kk_recorded="2010-04-12",
        kk_serial=22,
        desil=3,
        members=[
            Person(
                "arsyad", "Muhammad Arsyad", "L", "1976-02-12", "KEPALA KELUARGA", "Sitti Saleha"
            ),
            Person("rahmawati", "Rahmawati", "P", "1980-10-10", "ISTRI", "Hadijah"),
            Person("nurhaliza", "Siti Nurhaliza", "P", "2009-06-15"),
            Person("nurlaila", "Siti Nurlaila", "P", "2013-06-25"),
        ],
    )
    s.household(
        village="35.27.01.2001",
        place="Sampang",
        address="Dusun Noreh Daja",
        kk_recorded="2009-03-23",
        kk_serial=14,
        desil=1,
        members=[
            Person("syafii", "Ahmad Syafii", "L", "1978-04-30", "KEPALA KELUARGA", "Maimunah"),
            Person("hasanah", "Nur Hasanah", "P", "1982-08-16", "ISTRI", "Sarifah"),
            Person("fauzan", "Ahmad Fauzan", "L", "2009-01-20"),
            Person("fauzi", "Ahmad Fauzi", "L", "2013-05-07", nik=""),
        ],
    )
    received = dt.date(2026, 6, 10)
    s.complaint(
        "fauzi@kpai",
        received=received.isoformat(),
        name="Ahmad Fauzi",
        sex="L",
        age=age_on(dt.date(2013, 5, 7), received),
        mother="Nur Hasanah",
        father="Ahmad Syafii",
        region="35.27.01",
        kategori="d",
    )


def _situations() -> Situations:
    s = Situations()
    for add in (
        _kpai_with_relatives_nik,
        _kpai_with_kk_number,
        _dtsen_double_registrations,
        _mistyped_niks,
        _age_only,
        _regions,
        _names,
        _twins_and_siblings,
    ):
        add(s)
    return s


# (case id, record A, record B, expected): references of ``_situations``.
CASES: Final = [
    ("kpai-nik-is-mothers", "dewi@kpai", "dewi", SAME),
    ("kpai-nik-is-mothers-not-the-mother", "dewi@kpai", "sri", DIFFERENT),
    ("kpai-nik-is-fathers", "bayu@kpai", "bayu", SAME),
    ("kpai-nik-is-fathers-not-the-father", "bayu@kpai", "joko", DIFFERENT),
    ("kpai-nik-is-siblings", "fadil@kpai", "fadil", SAME),
    ("kpai-nik-is-siblings-not-the-sibling", "fadil@kpai", "ilham", DIFFERENT),
    ("kpai-nik-is-kk", "rofiqi@kpai", "rofiqi", SAME),
    ("kpai-nik-is-newer-kk", "salsabila@kpai", "salsabila", SAME),
    ("dtsen-second-nik", "grace", "grace-again", SAME),
    ("dtsen-nik-is-kk", "ester", "ester-again", SAME),
    ("dtsen-under-grandparents-kk", "nabila", "nabila-at-grandparents", SAME),
    ("kpai-nik-digit-replaced", "dimas@kpai", "dimas", SAME),
    ("kpai-nik-digits-swapped", "rafli@kpai", "rafli", SAME),
    ("dtsen-nik-digit-replaced", "aziz@kpai", "aziz", SAME),
    ("age-only-with-nik", "otniel@kpai", "otniel", SAME),
    ("age-only-without-nik", "aprilia@kpai", "aprilia", SAME),
    ("region-retired-papua-code", "yosefina@kpai", "yosefina", SAME),
    ("region-province-only", "rizal@kpai", "rizal", SAME),
    ("region-moved-regency", "tri@kpai", "tri", SAME),
    ("region-province-only-village-in-address", "nayla@kpai", "nayla", SAME),
    ("region-province-only-not-the-namesake-next-village", "nayla@kpai", "nayla-m", DIFFERENT),
    ("region-moved-only-the-father-named", "salim@kpai", "salim", SAME),
    ("name-call-name-putri", "putri@kpai", "putri", SAME),
    ("name-call-name-dika", "andika@kpai", "andika", SAME),
    ("name-papuan-marga-dropped", "natalia@kpai", "natalia", SAME),
    ("name-balinese-i-dropped", "made@kpai", "made", SAME),
    ("name-balinese-ni-dropped", "komang@kpai", "komang", SAME),
    ("twins-names-a-letter-apart", "rina", "rini", DIFFERENT),
    ("twins-complaint-finds-its-twin", "rini@kpai", "rini", SAME),
    ("twins-complaint-not-the-other-twin", "rini@kpai", "rina", DIFFERENT),
    ("twins-names-a-token-apart", "hasan", "husein", DIFFERENT),
    ("twins-niks-not-verified", "keisya", "kaisya", DIFFERENT),
    ("twins-one-without-nik", "yosua", "yosia", DIFFERENT),
    ("siblings-names-alike", "nurhaliza", "nurlaila", DIFFERENT),
    ("siblings-younger-without-nik", "fauzan", "fauzi", DIFFERENT),
    ("siblings-age-only-complaint-finds-the-younger", "fauzi@kpai", "fauzi", SAME),
    ("siblings-age-only-complaint-not-the-elder", "fauzi@kpai", "fauzan", DIFFERENT),
]


@dataclass(frozen=True, slots=True, repr=False)  # a million-entry repr helps no one
class Linked:
    """The latest run: each record's child, each scored pair, and the situations' records."""

    child_of: dict[str, str]
    pairs: dict[frozenset[str], tuple[float, str, str]]  # probability, rule, decision
    situations: Situations

    def explain(self, a: str, b: str) -> str:
        uid_a, uid_b = self.situations.uid[a], self.situations.uid[b]
        pair = self.pairs.get(frozenset((uid_a, uid_b)))
        if pair is None:
            scored = "not a candidate pair"
        else:
            scored = f"p={pair[0]:.4f} rule={pair[1]} decision={pair[2]}"
        return (
            f"{a} ({uid_a}) -> {self.child_of.get(uid_a)}, {b} ({uid_b}) -> "
            f"{self.child_of.get(uid_b)}; pair: {scored}"
        )


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Linked:
    work = tmp_path_factory.mktemp("situations")
    background = generate(work / "data", households=1500, seed=14, profile="intake")
    situations = _situations()
    dtsen, kpai = situations.write(work / "situations")
    with background.files["dtsen"].open(newline="") as handle:
        taken = {v for r in csv.DictReader(handle) for v in (r["nik"], r["no_kk"]) if v}
    ours = {r["nik"] for r in situations.dtsen} | {r["no_kk"] for r in situations.dtsen}
    ours |= {r["nik_anak"] for r in situations.kpai}
    clash = sorted((ours - {""}) & taken)
    assert not clash, f"hand-written NIK or KK numbers also in the background: {clash}"
    store = open_store(f"sqlite:///{work / 'padan.db'}")
    for path, source in (
        (background.files["dtsen"], "dtsen"),
        (background.files["kpai"], "kpai"),
        (dtsen, "dtsen"),
        (kpai, "kpai"),
    ):
        summary = ingest_file(path, source=source, store=store, today=TODAY)
        assert summary.accepted > 0
        if path in (dtsen, kpai):  # the situations are valid extracts: nothing quarantined
            assert summary.quarantined == 0, summary.quarantine_reasons
            assert summary.accepted == len(
                situations.dtsen if source == "dtsen" else situations.kpai
            )
    run = run_linkage(store, model_path=work / "model.json", retrain=True)
    assert run.trained
    pairs = {frozenset((a, b)): (p, rule, d) for a, b, p, rule, d in store.link_pairs(run.run_id)}
    return Linked(store.child_of(run.run_id), pairs, situations)


def _cases(expected: str) -> list[object]:
    return [pytest.param(a, b, id=case) for case, a, b, want in CASES if want == expected]


@pytest.mark.parametrize(("a", "b"), _cases(SAME))
def test_link_situation_links_the_same_child(linked: Linked, a: str, b: str) -> None:
    child_a = linked.child_of[linked.situations.uid[a]]
    child_b = linked.child_of[linked.situations.uid[b]]
    assert child_a == child_b, linked.explain(a, b)


@pytest.mark.parametrize(("a", "b"), _cases(DIFFERENT))
def test_link_situation_keeps_different_children_apart(linked: Linked, a: str, b: str) -> None:
    child_a = linked.child_of[linked.situations.uid[a]]
    child_b = linked.child_of[linked.situations.uid[b]]
    assert child_a != child_b, linked.explain(a, b)


def test_link_situation_table_tests_every_hand_written_complaint_and_duplicate(
    linked: Linked,
) -> None:
    # No situation row goes untested: every complaint, and every second DTSEN registration,
    # is named by a case; case ids are unique.
    named = {ref for _, a, b, _ in CASES for ref in (a, b)}
    complaints = {ref for ref, uid in linked.situations.uid.items() if uid.startswith("kpai:")}
    duplicates = {"grace-again", "ester-again", "nabila-at-grandparents"}
    assert complaints | duplicates <= named
    assert len({case for case, *_ in CASES}) == len(CASES)
    assert all(linked.situations.uid[ref] in linked.child_of for ref in named)


@pytest.mark.parametrize(
    ("a", "b", "asked"),
    [
        # Twins, each under a NIK of its own that fits its record (not verified by
        # Dukcapil): settled, not queued.
        pytest.param("keisya", "kaisya", False, id="twins-own-niks"),
        # One twin without a NIK: twins, or one child entered twice with a slip: a person asks.
        pytest.param("yosua", "yosia", True, id="twins-one-without-nik"),
    ],
)
def test_link_situation_asks_about_twins_only_when_a_nik_is_missing(
    linked: Linked, a: str, b: str, asked: bool
) -> None:
    pair = linked.pairs.get(frozenset((linked.situations.uid[a], linked.situations.uid[b])))
    assert pair is not None, linked.explain(a, b)
    assert (pair[2] == "refused") is asked, linked.explain(a, b)

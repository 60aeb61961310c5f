"""An outside test corpus for Padan's linkage: DTSEN and KPAI extracts with their own truth.

How it was written: as an agency data team would, from the shared domain brief
(``docs/domain.md`` of the research folder, cited below as "§n"), the data contract
(exchange format v1.1), the Kemendagri region codes and the name/title reference lists only,
without reading Padan's linkage, synthetic generator, domain rules or their tests. Every error
kind below names the section of the brief it comes from; every rate is this author's choice with
a one-line reason. Region codes are read from ``--data`` (default ``/work/shared/data``, else
the identical copy the repository ships in ``src/padan/domain/data``).

Run::

    python benchmarks/outside_corpus.py --people 29000 --seed 1 --out DIR [--profile B]
    padan ingest dtsen DIR/dtsen.csv && padan ingest kpai DIR/kpai.csv && padan link
    padan evaluate --truth DIR/truth.csv
    padan export clusters --out DIR/clusters.csv && padan export pairs --out DIR/pairs.csv
    python benchmarks/outside_corpus_misses.py DIR      # misses per injected error kind

(29,000 people give about 27,500 DTSEN rows and 2,900 KPAI rows.)

Writes DIR/dtsen.csv, DIR/kpai.csv (exchange format v1.1 columns), DIR/truth.csv
(``source,source_id,person_id``), DIR/people.csv (kinship: mother, father, birth date) and
DIR/errors.csv (``source,source_id,person_id,kinds``:
the error kinds injected into each record, ``;``-separated, empty = written as true).
Profile A is a plain complaint desk; profile B a scanned-form desk: more missing fields,
OCR-like character confusions, coarser regions.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from outside_corpus_names import make_name
from outside_corpus_rates import DTSEN_RATES, RATES
from outside_corpus_write import write_corpus


@dataclass
class Person:
    """One true person: the values as a correct register would hold them."""

    pid: str
    name: str
    sex: str
    born: date
    nik: str
    group: str
    tokens: list[str] = field(default_factory=list)
    mother: Person | None = None
    father: Person | None = None


@dataclass
class Household:
    """One family (KK) living in one village."""

    hid: str
    kk: str
    village: str
    district: str
    head: Person
    spouse: Person | None
    children: list[Person]
    elders: list[Person]
    in_dtsen: bool
    twins: list[Person] = field(default_factory=list)


class Regions:
    """Kemendagri codes (§1) and the pre-2022 Papua codes each current code replaced (§1.2)."""

    def __init__(self, data: Path) -> None:
        wil = data / "wilayah"
        self.names: dict[str, str] = {}
        self.villages: dict[str, list[str]] = {}
        self.districts: dict[str, list[str]] = {}  # regency → its districts
        for row in _rows(wil / "regencies.csv") + _rows(wil / "districts.csv"):
            self.names[row["code"]] = row["name"]
            if row["code"].count(".") == 2:
                self.districts.setdefault(row["parent_code"], []).append(row["code"])
        for row in _rows(wil / "villages.csv"):
            self.villages.setdefault(row["parent_code"], []).append(row["code"])
            self.names[row["code"]] = row["name"]
        self.old: dict[str, str] = {}  # current regency/district → retired code (Papua)
        retired = [r for r in _rows(wil / "code_history_l1_l3.csv") if r["in_current_2025"] == "0"]
        reg_by_name = {
            self.names[c].lower().replace("kabupaten ", "").replace("kota ", ""): c
            for c in self.names
            if c.count(".") == 1 and c[:2] in {"93", "94", "95", "96", "92", "91"}
        }
        for r in retired:
            if r["level"] == "regency":
                key = r["latest_name"].lower().replace("kab. ", "").replace("kota ", "").strip()
                if key in reg_by_name:
                    self.old[reg_by_name[key]] = r["code"]
        new_of_old = {v: k for k, v in self.old.items()}
        for r in retired:
            if r["level"] == "district" and r["code"][:5] in new_of_old:
                for code in self.districts.get(new_of_old[r["code"][:5]], []):
                    if self.names[code].lower() == r["latest_name"].lower():
                        self.old[code] = r["code"]

    def pick_districts(self, rng: random.Random) -> list[tuple[str, str]]:
        """Districts with the population weight of their region: Java dense, then the rest."""
        # Java ~56 % of Indonesia's people [U]; Sumut (Batak marga), Bali (birth-order names),
        # Papua (marga, retired codes) are over-weighted so their naming patterns are measured.
        plan = {"32": 8, "33": 7, "35": 7, "31": 3, "36": 2, "12": 5, "51": 4, "73": 2, "16": 2,
                "93": 1, "94": 1, "95": 1, "96": 1}  # fmt: skip
        out = []
        for prov, k in plan.items():
            dists = sorted(d for reg, ds in self.districts.items() if reg[:2] == prov for d in ds)
            dists = [d for d in dists if self.villages.get(d)]
            for d in rng.sample(dists, min(k, len(dists))):
                out.append((prov, d))
        return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(handle)]


def _group(prov: str, rng: random.Random) -> str:
    """Naming tradition by province (§8.1)."""
    if prov == "51":
        return "bali" if rng.random() < 0.9 else "muslim"
    if prov == "12":
        return "batak" if rng.random() < 0.6 else "muslim"
    if prov in {"93", "94", "95", "96"}:
        return "papua" if rng.random() < 0.7 else "muslim"
    if prov in {"33", "35"}:
        return "java"
    return "muslim"


def _nik(district: str, born: date, sex: str, serial: int) -> str:
    """§2.1: kecamatan of first registration + DDMMYY (female DD+40) + serial from 0001."""
    day = born.day + (40 if sex == "P" else 0)
    return f"{district.replace('.', '')}{day:02d}{born:%m%y}{serial:04d}"


class World:
    """Builds the true population, then writes what each agency would hold about it."""

    def __init__(self, regions: Regions, seed: int, profile: str) -> None:
        self.rng = random.Random(seed)
        self.regions = regions
        self.rates = RATES[profile]
        self.serial = 0
        self.people: list[Person] = []
        self.households: list[Household] = []

    def person(self, group: str, sex: str, born: date, district: str, **kw: object) -> Person:
        """A new true person with a NIK registered in ``district`` (old code if retired, §2.2)."""
        self.serial += 1
        reg = district
        if born.year < 2022 and district in self.regions.old:  # §2.2: prefix kept from issuance
            reg = self.regions.old[district]
        name, tokens = make_name(self.rng, group, sex, born, **kw)  # type: ignore[arg-type]
        p = Person(
            f"P{self.serial:06d}",
            name,
            sex,
            born,
            _nik(reg, born, sex, self.serial % 9000 + 1),
            group,
            tokens,
        )
        self.people.append(p)
        return p

    def build(self, n_people: int) -> None:
        """Households of parents, 1-5 children, sometimes grandparents (§8.5 KK structure)."""
        rng = self.rng
        districts = self.regions.pick_districts(rng)
        weights = [8 if p in {"32", "33", "35", "31"} else 4 for p, _ in districts]
        h = 0
        while len(self.people) < n_people:
            prov, district = rng.choices(districts, weights)[0]
            villages = self.regions.villages[district][:6]  # few villages: dense, shared names
            village = rng.choice(villages)
            group = _group(prov, rng)
            fb = _rand_date(rng, 1968, 1998)
            father = self.person(group, "L", fb, district)
            mother = self.person(
                group, "P", fb + timedelta(days=rng.randint(-1500, 1500)), district
            )
            n_kids = rng.choices([1, 2, 3, 4, 5], [25, 35, 22, 12, 6])[0]
            kids: list[Person] = []
            twins: list[Person] = []
            born = max(mother.born, father.born) + timedelta(days=rng.randint(19 * 365, 27 * 365))
            for order in range(n_kids):
                if born > date(2025, 6, 30):
                    break
                sex = rng.choice("LP")
                kid = self.person(group, sex, born, district, order=order, father=father)
                kid.mother, kid.father = mother, father
                kids.append(kid)
                if rng.random() < DTSEN_RATES["twins"]:
                    # Twins: same birth date and mother, names a letter apart; NEVER one child.
                    twin = self.person(group, sex, born, district, order=order, father=father,
                                       twin_of=kid.tokens)  # fmt: skip
                    twin.mother, twin.father = mother, father
                    kids.append(twin)
                    twins += [kid, twin]
                born += timedelta(days=rng.randint(400, 2000))
            elders = []
            if rng.random() < DTSEN_RATES["three_generations"]:
                elders.append(self.person(group, "P", _rand_date(rng, 1940, 1965), district))
            h += 1
            kk = _nik(district, _rand_date(rng, 2010, 2024), "L", h % 9000 + 1)
            hh = Household(f"KEL{h:07d}", kk, village, district, father, mother, kids, elders,
                           rng.random() < DTSEN_RATES["registered"], twins)  # fmt: skip
            self.households.append(hh)


def _rand_date(rng: random.Random, y0: int, y1: int) -> date:
    start = date(y0, 1, 1)
    return start + timedelta(days=rng.randint(0, (date(y1, 12, 31) - start).days))


def main() -> None:
    """Command line: generate the corpus into --out."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=30000, help="true persons in households")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", choices=["A", "B"], default="A")
    ap.add_argument("--out", type=Path, required=True)
    # The research folder's copy of the Kemendagri codes; the repository ships the same files.
    shared = Path("/work/shared/data")
    repo_copy = Path(__file__).resolve().parents[1] / "src/padan/domain/data"
    ap.add_argument("--data", type=Path, default=shared if shared.exists() else repo_copy)
    ap.add_argument("--kpai-share", type=float, default=0.10, help="complaint rows per person")
    args = ap.parse_args()
    world = World(Regions(args.data), args.seed, args.profile)
    world.build(args.people)
    counts = write_corpus(world, args.out, int(args.people * args.kpai_share))
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()

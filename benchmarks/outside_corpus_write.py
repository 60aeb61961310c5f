"""Writes what DTSEN and KPAI would hold about the outside corpus's true population.

Each error kind names the domain.md section it comes from; see benchmarks/outside_corpus.py.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from outside_corpus_names import call_name, ocr_typo, spelling_variant, typo, with_title
from outside_corpus_rates import DTSEN_RATES

DTSEN_COLUMNS = [
    "id_individu", "id_keluarga", "no_kk", "nik", "nama", "jenis_kelamin", "tempat_lahir",
    "tanggal_lahir", "hubungan_keluarga", "nama_ibu_kandung", "alamat", "kode_wilayah", "desil",
    "ragam_disabilitas", "status_sekolah", "penerima_pkh", "penerima_sembako", "penerima_pbi_jk",
    "penerima_pip", "penerima_atensi",
]  # fmt: skip
KPAI_COLUMNS = [
    "no_pengaduan", "tanggal_pengaduan", "nik_anak", "nama_anak", "jenis_kelamin", "tempat_lahir",
    "tanggal_lahir", "usia", "nama_ibu", "nama_ayah", "alamat", "kode_wilayah", "klaster",
    "kategori", "peran_abh", "ragam_disabilitas", "status_penanganan",
]  # fmt: skip


def _fmt_date(rng: random.Random, d: date) -> str:
    """Any of the contract's date forms."""
    form = rng.choices(["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"], [6, 2, 2])[0]
    return d.strftime(form)


def _nik_typo(rng: random.Random, nik: str, ocr: bool) -> str:
    """One digit wrong (keyboard) or confused by OCR, or two neighbours swapped (§2.2)."""
    i = rng.randrange(6, 16)  # the region prefix is usually copied right; date/serial slip
    if ocr:
        confusions = {"1": "7", "7": "1", "5": "6", "6": "5", "8": "3", "3": "8", "0": "8"}
        return nik[:i] + confusions.get(nik[i], "1") + nik[i + 1 :]
    if rng.random() < 0.5 and i < 15 and nik[i] != nik[i + 1]:
        return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
    return nik[:i] + str((int(nik[i]) + rng.randint(1, 9)) % 10) + nik[i + 1 :]


def _region_code(code: str, dotless: bool) -> str:
    return code.replace(".", "") if dotless else code


SEX_FORMS = [("L", "P"), ("Laki-laki", "Perempuan"), ("LK", "PR"), ("l", "p")]  # contract forms
# §4.1 2024: PHA 67 % / PKA 32 %; family & alternative care (II) about half of all complaints.
KLASTER = {"I": 4, "II": 45, "III": 8, "IV": 10, "V": 33}
# §4.1 2024 counts: sexual crime 265, physical/psychic violence 240, then ABH, exploitation …
KATEGORI = {"j": 30, "i": 25, "b": 15, "d": 8, "m": 8, "l": 5, "f": 4, "h": 2, "a": 2, "o": 1}
DISABILITY = ["FISIK", "INTELEKTUAL", "MENTAL", "SENSORIK", "GANDA"]
SNAPSHOT = date(2025, 9, 30)  # date of the DTSEN extract


class _Writer:
    """Holds the output rows, the truth and the injected error kinds per record."""

    def __init__(self, world: Any) -> None:
        self.w = world
        self.rng: random.Random = world.rng
        self.r: dict[str, float] = world.rates
        self.dtsen: list[dict[str, str]] = []
        self.kpai: list[dict[str, str]] = []
        self.errors: list[tuple[str, str, str, str]] = []
        self.n_id = 0
        self.dtsen_pids: set[str] = set()

    def hit(self, rate: float) -> bool:
        return self.rng.random() < rate

    def record(self, source: str, sid: str, pid: str, kinds: list[str]) -> None:
        self.errors.append((source, sid, pid, ";".join(kinds)))

    # ---- DTSEN ---------------------------------------------------------------------------
    def dtsen_household(self, hh: Any, members: list[tuple[Any, str]], kk: str, village: str,
                        hid: str, extra: dict[str, list[str]] | None = None) -> None:  # fmt: skip
        rng, names = self.rng, self.w.regions.names
        desil = rng.choices(range(1, 11), [16, 14, 12, 11, 10, 9, 8, 7, 7, 6])[0]
        alamat = f"RT {rng.randint(1, 12):03d}/RW {rng.randint(1, 8):03d}, {names[village]}"
        code = _region_code(village, self.hit(DTSEN_RATES["region_dotless"]))
        place = names[hh.district[:5]].replace("Kabupaten ", "").replace("Kota ", "")
        for p, rel in members:
            kinds = list((extra or {}).get(p.pid, []))
            self.n_id += 1
            sid = f"DT{self.n_id:09d}"
            child = (SNAPSHOT - p.born).days < 18 * 365
            nik = getattr(p, "dtsen_nik", p.nik)
            if child and self.hit(DTSEN_RATES["child_nik_missing"]):
                nik, kinds = "", [*kinds, "dtsen_nik_missing"]
            elif self.hit(DTSEN_RATES["nik_typo"]):
                nik, kinds = _nik_typo(rng, nik, False), [*kinds, "dtsen_nik_typo"]
            name = p.name
            if not child and self.hit(DTSEN_RATES["parent_title"]):
                name = with_title(rng, name, p.sex, p.group)  # not an error: a KK fact (§2.4)
            if self.hit(DTSEN_RATES["name_typo"]):
                name, kinds = typo(rng, name), [*kinds, "dtsen_name_typo"]
            mother = p.mother.name if p.mother else ""
            if mother and self.hit(DTSEN_RATES["mother_name_missing"]):
                mother, kinds = "", [*kinds, "dtsen_mother_missing"]
            if getattr(p, "nik_dob_differs", False):
                kinds.append("nik_dob_differs")
            age = (SNAPSHOT - p.born).days // 365
            school = "" if age > 18 else ("BELUM SEKOLAH" if age < 6 else
                                          rng.choices(["SEKOLAH", "PUTUS SEKOLAH", "TIDAK SEKOLAH"], [90, 6, 4])[0])  # fmt: skip
            flag = lambda cut: "1" if desil <= cut and rng.random() < 0.7 else "0"  # noqa: E731
            self.dtsen.append({
                "id_individu": sid, "id_keluarga": hid, "no_kk": kk, "nik": nik, "nama": name,
                "jenis_kelamin": rng.choice(SEX_FORMS[:2])[0 if p.sex == "L" else 1],
                "tempat_lahir": place if rng.random() < 0.9 else "",
                "tanggal_lahir": _fmt_date(rng, p.born), "hubungan_keluarga": rel,
                "nama_ibu_kandung": mother, "alamat": alamat, "kode_wilayah": code,
                "desil": str(desil) if rng.random() < 0.95 else "",
                "ragam_disabilitas": getattr(p, "disability", ""), "status_sekolah": school,
                "penerima_pkh": flag(4) if child else "0", "penerima_sembako": flag(5),
                "penerima_pbi_jk": flag(5), "penerima_pip": flag(4) if 6 <= age <= 18 else "0",
                "penerima_atensi": "1" if rng.random() < 0.01 else "0",
            })  # fmt: skip
            self.dtsen_pids.add(p.pid)
            self.record("dtsen", sid, p.pid, kinds)

    def dtsen_all(self) -> None:
        rng, w = self.rng, self.w
        for hh in w.households:
            for p in [hh.head, hh.spouse, *hh.children, *hh.elders]:
                if p is not None and rng.random() < DTSEN_RATES["nik_dob_differs"]:
                    # §2.2: the NIK keeps the birth date first registered; the record was corrected
                    wrong = p.born + timedelta(days=rng.choice([-1, 1, 30, -30, 365]))
                    day = wrong.day + (40 if p.sex == "P" else 0)
                    p.nik = f"{p.nik[:6]}{day:02d}{wrong:%m%y}{p.nik[12:]}"
                    p.nik_dob_differs = True
            for c in hh.children:
                if rng.random() < 0.02:
                    c.disability = rng.choice(DISABILITY)
        dup_jobs = []
        for hh in w.households:
            if not hh.in_dtsen:
                continue
            extra: dict[str, list[str]] = {}
            kids = [c for c in hh.children]
            if len(kids) >= 2 and self.hit(DTSEN_RATES["shared_nik"] * len(kids)):
                a, b = rng.sample(kids, 2)  # §2.2 NIK ganda: b typed in with a's NIK
                b.dtsen_nik = a.nik
                extra[b.pid] = ["dtsen_shared_nik_sibling"]
            for t in hh.twins:
                extra.setdefault(t.pid, []).append("twin")
            members = [(hh.head, "KEPALA KELUARGA")]
            if hh.spouse:
                members.append((hh.spouse, "ISTRI"))
            members += [(c, "ANAK") for c in hh.children]
            members += [(e, "ORANG TUA") for e in hh.elders]
            self.dtsen_household(hh, members, hh.kk, hh.village, hh.hid, extra)
            for c in hh.children:
                if self.hit(DTSEN_RATES["double_registration"]):
                    dup_jobs.append((hh, c))
        for n, (hh, c) in enumerate(dup_jobs):
            # §2.2 / §8.5: registered again under the grandparents' KK (moving without updating
            # the KK, double recording), with the same NIK or a second one.
            gf = w.person(
                c.group, "L", c.mother.born - timedelta(days=rng.randint(7000, 11000)), hh.district
            )
            gm = w.person(
                c.group, "P", gf.born + timedelta(days=rng.randint(-1500, 1500)), hh.district
            )
            c.mother.mother = gm
            same = not self.hit(DTSEN_RATES["double_new_nik"])
            kinds = ["dtsen_double_same_nik" if same else "dtsen_double_new_nik"]
            saved_name, saved_nik = c.name, c.nik
            if not same:
                serial = (int(c.nik[12:]) + 4321) % 9000 + 1
                c.dtsen_nik = f"{hh.district.replace('.', '')}{c.nik[6:12]}{serial:04d}"
            if rng.random() < 0.4:
                c.name = spelling_variant(rng, c.name)
                kinds.append("dtsen_double_spelling")
            village = rng.choice(w.regions.villages[hh.district][:6])
            kk = f"{hh.district.replace('.', '')}{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(10, 24):02d}{n % 9000 + 1:04d}"
            self.dtsen_household(hh, [(gf, "KEPALA KELUARGA"), (gm, "ISTRI"), (c, "CUCU")],
                                 kk, village, f"KEL9{n:06d}", {c.pid: kinds})  # fmt: skip
            c.name, c.nik = saved_name, saved_nik
            if hasattr(c, "dtsen_nik"):
                del c.dtsen_nik

    # ---- KPAI ----------------------------------------------------------------------------
    def kpai_all(self, n_rows: int) -> None:
        rng, w = self.rng, self.w
        kids = [(hh, c) for hh in w.households for c in hh.children
                if c.born < date(2025, 10, 1) and c.born > date(2005, 12, 1)]  # fmt: skip
        # §2.2: children outside the registry are over-represented among KPAI cases.
        weights = [1.0 if hh.in_dtsen else 2.0 for hh, _ in kids]
        seq = 0
        while len(self.kpai) < n_rows:
            hh, c = rng.choices(kids, weights)[0]
            # Several complaints about one child (contract: "one child may appear in several").
            n = rng.choices([1, 2, 3, 4], [78, 15, 5, 2])[0]
            for _ in range(n):
                seq += 1
                lo = max(c.born + timedelta(days=60), date(2023, 1, 1))
                hi = min(c.born + timedelta(days=18 * 365 - 10), date(2025, 11, 30))
                if lo > hi:
                    break
                when = lo + timedelta(days=rng.randint(0, (hi - lo).days))
                group = [c]
                # A complaint about a family often names several siblings (neglect, custody).
                sibs = [s for s in hh.children if s is not c and s.born < when - timedelta(days=60)
                        and (when - s.born).days < 18 * 365]  # fmt: skip
                if sibs and rng.random() < 0.10:
                    group.append(rng.choice(sibs))
                for k, child in enumerate(group):
                    suffix = f"/{k + 1}" if len(group) > 1 else ""
                    self.kpai_row(hh, child, when, f"KPAI/{when.year}/{seq:05d}{suffix}",
                                  ["sibling_same_complaint"] if len(group) > 1 else [])  # fmt: skip

    def kpai_row(self, hh: Any, c: Any, when: date, sid: str, kinds: list[str]) -> None:
        rng, r, names = self.rng, self.r, self.w.regions.names
        kinds = list(kinds)
        if c in hh.twins:
            kinds.append("twin")
        if c.pid not in self.dtsen_pids:
            kinds.append("not_in_dtsen")
        # NIK field (§2.2, §2.3): missing, mistyped, the KK number, a parent's NIK, or right.
        nik, u = c.nik, rng.random()
        cut = [
            r["kpai_nik_missing"],
            r["kpai_nik_typo"],
            r["kpai_nik_is_kk"],
            r["kpai_nik_is_parent"],
        ]
        if u < cut[0]:
            nik, kinds = "", [*kinds, "kpai_nik_missing"]
        elif u < sum(cut[:2]):
            nik, kinds = _nik_typo(rng, nik, r["kpai_ocr"] > 0), [*kinds, "kpai_nik_typo"]
        elif u < sum(cut[:3]):
            nik, kinds = hh.kk, [*kinds, "kpai_nik_is_kk"]
        elif u < sum(cut):
            parent = c.mother if rng.random() < 0.7 else c.father
            nik, kinds = parent.nik, [*kinds, "kpai_nik_is_parent"]
        if nik and rng.random() < 0.2:
            nik = "'" + nik if rng.random() < 0.5 else " ".join([nik[:6], nik[6:12], nik[12:]])
        # Name as reported (§4.3, §8.2).
        name = c.name
        if self.hit(r["kpai_call_name"]):
            name, kinds = call_name(rng, c.tokens, c.group), [*kinds, "kpai_call_name"]
        elif self.hit(r["kpai_spelling"]):
            name, kinds = spelling_variant(rng, name), [*kinds, "kpai_spelling"]
        if self.hit(r["kpai_name_typo"]):
            name, kinds = typo(rng, name), [*kinds, "kpai_name_typo"]
        if self.hit(r["kpai_ocr"]):
            name, kinds = ocr_typo(rng, name), [*kinds, "kpai_ocr"]
        if c.group in {"java", "muslim"} and self.hit(r["kpai_bin_binti"]):
            particle = "bin" if c.sex == "L" else "binti"
            name, kinds = f"{name} {particle} {c.father.tokens[0]}", [*kinds, "kpai_bin_binti"]
        if rng.random() < 0.3:
            name = name.upper()  # case is not an error: forms are typed in capitals
        # Birth date or age (§4.3 age bands).
        born, usia = _fmt_date(rng, c.born), ""
        if self.hit(r["kpai_age_only"]):
            age = (when - c.born).days // 365
            if self.hit(r["kpai_age_off"]):
                age, kinds = max(0, age + rng.choice([-1, 1])), [*kinds, "kpai_age_off"]
            born, usia, kinds = "", str(age), [*kinds, "kpai_age_only"]
        elif c.born.day <= 12 and c.born.day != c.born.month and self.hit(r["kpai_dmy_swap"]):
            swapped = date(c.born.year, c.born.day, c.born.month)
            born, kinds = _fmt_date(rng, swapped), [*kinds, "kpai_dmy_swap"]
        elif self.hit(r["kpai_year_off"]):
            y = c.born.year + rng.choice([-1, 1])
            born = _fmt_date(rng, c.born.replace(year=y, day=min(c.born.day, 28)))
            kinds.append("kpai_year_off")
        # Parents.
        mother = c.mother.name
        if self.hit(r["kpai_mother_missing"]):
            mother, kinds = "", [*kinds, "kpai_mother_missing"]
        elif self.hit(r["kpai_mother_call"]):
            mother, kinds = call_name(rng, c.mother.tokens, c.group), [*kinds, "kpai_mother_call"]
        father = "" if self.hit(r["kpai_father_missing"]) else c.father.name
        # Region (§1, §4.3): village, district, regency or province; old Papua code; moved.
        village = hh.village
        if self.hit(r["kpai_moved"]):
            # Mostly within the province (§8.5 migration), sometimes to another island.
            same = [d for d in self.w.regions.villages if d[:2] == village[:2] and d != hh.district]
            other = rng.choice(
                same if same and rng.random() < 0.6 else list(self.w.regions.villages)
            )
            village, kinds = self.rng.choice(self.w.regions.villages[other]), [*kinds, "kpai_moved"]
        level = rng.choices([10, 6], [55, 45])[0]
        if self.hit(r["kpai_region_coarse"]):
            level = rng.choice([4, 4, 2])
            kinds.append("kpai_region_coarse")
        code = {10: village, 6: village[:8], 4: village[:5], 2: village[:2]}[level]
        if level in {4, 6} and code in self.w.regions.old and self.hit(r["kpai_region_old"]):
            code, kinds = self.w.regions.old[code], [*kinds, "kpai_region_old_code"]
        code = _region_code(code, rng.random() < 0.3)
        sex_pair = rng.choice(SEX_FORMS)
        sex = sex_pair[0 if c.sex == "L" else 1]
        if self.hit(r["kpai_sex_missing"]):
            sex, kinds = "", [*kinds, "kpai_sex_missing"]
        klaster = rng.choices(list(KLASTER), list(KLASTER.values()))[0]
        kat = rng.choices(list(KATEGORI), list(KATEGORI.values()))[0] if klaster == "V" else ""
        self.kpai.append({
            "no_pengaduan": sid, "tanggal_pengaduan": _fmt_date(rng, when), "nik_anak": nik,
            "nama_anak": name, "jenis_kelamin": sex,
            "tempat_lahir": "" if rng.random() < 0.5 else names[hh.district[:5]].split(" ", 1)[-1],
            "tanggal_lahir": born, "usia": usia, "nama_ibu": mother, "nama_ayah": father,
            "alamat": "" if rng.random() < 0.3 else f"{names[village]}",
            "kode_wilayah": code, "klaster": klaster, "kategori": kat,
            "peran_abh": rng.choice(["pelaku", "korban", "saksi"]) if kat == "b" else "",
            "ragam_disabilitas": rng.choice(DISABILITY) if kat == "l" else getattr(c, "disability", ""),
            "status_penanganan": rng.choice(["baru", "proses", "selesai"]),
        })  # fmt: skip
        self.record("kpai", sid, c.pid, kinds)


def write_corpus(world: Any, out: Path, n_kpai: int) -> dict[str, int]:
    """Write dtsen.csv, kpai.csv, truth.csv and errors.csv for ``world`` into ``out``."""
    wr = _Writer(world)
    wr.dtsen_all()
    wr.kpai_all(n_kpai)
    out.mkdir(parents=True, exist_ok=True)
    for name, cols, rows in [
        ("dtsen.csv", DTSEN_COLUMNS, wr.dtsen),
        ("kpai.csv", KPAI_COLUMNS, wr.kpai),
    ]:
        with (out / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=cols)
            writer.writeheader()
            writer.writerows(rows)
    with (out / "truth.csv").open("w", encoding="utf-8", newline="") as handle:
        tw = csv.writer(handle)
        tw.writerow(["source", "source_id", "person_id"])
        tw.writerows((s, i, p) for s, i, p, _ in wr.errors)
    with (out / "errors.csv").open("w", encoding="utf-8", newline="") as handle:
        ew = csv.writer(handle)
        ew.writerow(["source", "source_id", "person_id", "kinds"])
        ew.writerows(wr.errors)
    with (out / "people.csv").open("w", encoding="utf-8", newline="") as handle:
        pw = csv.writer(handle)  # kinship, to tell twins and siblings among false links
        pw.writerow(["person_id", "born", "sex", "mother_id", "father_id", "group"])
        for p in world.people:
            ids = [x.pid if x else "" for x in (p.mother, p.father)]
            pw.writerow([p.pid, p.born.isoformat(), p.sex, *ids, p.group])
    return {"dtsen": len(wr.dtsen), "kpai": len(wr.kpai), "people": len(world.people)}

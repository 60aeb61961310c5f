"""A small store for the institution pages: known institutions in and out of one province,
a safe house, an inspection with an open severe finding, a duplicate pair waiting for review,
a linked KPAI complaint in an exploitation category, and one user per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from padan.access.auth import create_token, create_user
from padan.ingest import ingest_file
from padan.institutions import link_complaint, record_inspection
from padan.store import DedupRun, InstitutionStore, open_store
from padan.synth import generate
from support.institutions import register

PASSWORD = "rahasia-sekali-123"
PROVINCE = "32"
USERS = {
    "admin1": ("admin", None),
    "kpai1": ("analis_kpai", None),
    "kemensos1": ("analis_kemensos", None),
    "daerah1": ("petugas_daerah", PROVINCE),
    "tinjau1": ("peninjau", None),
    "audit1": ("auditor", None),
}
SAFE_ADDRESS = "Jl. Rahasia Aman No. 7"
OUT_SAFE_ADDRESS = "Jl. Tersembunyi No. 3"
#: Text only the out-of-province institutions carry.
OUT_SECRETS = ("TPA Luar Provinsi", "Jl. Seberang No. 9", "L-OUT", OUT_SAFE_ADDRESS)


@dataclass
class InstWorld:
    url: str
    model: Path
    tokens: dict[str, str]
    complaint: str  # the linked complaint's number
    finding: int  # an open severe finding of L-RISK


def build(work: Path) -> InstWorld:
    """Build the store in ``work`` (a few seconds)."""
    data = generate(work / "data", households=40, seed=3, rows_per_complaint=3)
    url = f"sqlite:///{work / 'inst.db'}"
    store = open_store(url)
    ingest_file(data.files["kpai"], source="kpai", store=store)
    register(store, "L-GOOD")
    register(
        store,
        "L-RISK",
        nama_lembaga="TPA Bahaya",
        status_izin="TIDAK_BERIZIN",
        akreditasi="BELUM",
        tanggal_akreditasi=None,
        kapasitas="10",
        jumlah_anak="25",
    )
    register(
        store,
        "L-SAFE",
        nama_lembaga="Rumah Aman Melati",
        jenis="RUMAH_AMAN",
        kode_wilayah="32.01",
        alamat=SAFE_ADDRESS,
    )
    register(store, "L-DUP1", nama_lembaga="TPA Ceria", alamat="Jl. Mawar 5")
    register(store, "L-DUP2", nama_lembaga="Daycare Ceria", alamat="Jalan Mawar No. 5")
    register(
        store,
        "L-OUT",
        nama_lembaga="TPA Luar Provinsi",
        kode_wilayah="35.27.06.2013",
        alamat="Jl. Seberang No. 9",
    )
    register(
        store,
        "L-OUTSAFE",
        nama_lembaga="Rumah Aman Seberang",
        jenis="RUMAH_AMAN",
        kode_wilayah="35.27",
        alamat=OUT_SAFE_ADDRESS,
    )
    kpai = store.fetch_records("kpai_kasus")
    complaint = next(r["no_pengaduan"] for r in kpai if r["kategori"] in ("d", "j"))
    link_complaint(store, "L-RISK", complaint, by="test")
    visit = dt.date.today() - dt.timedelta(days=30)
    made = record_inspection(
        store,
        {
            "id_lembaga": "L-RISK",
            "checklist": "tpa-tara",
            "tanggal": visit.isoformat(),
            "petugas": "Rina",
            "temuan": [{"butir": "TPA-06", "keparahan": "BERAT", "tindakan": "Susun kebijakan"}],
        },
    )
    registry = InstitutionStore(store)
    ids = [r.id_lembaga for r in registry.institutions()]
    now = dt.datetime.now(dt.UTC)
    registry.save_dedup_run(
        DedupRun(0, now, now, 0.9, 0.2, len(ids), len(ids)),
        [("L-DUP1", "L-DUP2", 0.55, "review"), ("L-OUT", "L-OUTSAFE", 0.3, "review")],
        {uid: uid for uid in ids},
    )
    tokens = {}
    for name, (role, region) in USERS.items():
        create_user(store, name, role=role, password=PASSWORD, region=region)
        tokens[name] = create_token(store, name)
    store.engine.dispose()
    return InstWorld(url, work / "model.json", tokens, complaint, made.inspection.findings[0].id)

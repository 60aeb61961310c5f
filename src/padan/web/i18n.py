"""Interface text in Bahasa Indonesia (default) and English."""

from __future__ import annotations

import re
from collections.abc import Callable

from padan.web.i18n_accounts import ACCOUNT_TEXT
from padan.web.i18n_institutions import INSTITUTION_TEXT

__all__ = ["LANGUAGES", "step_translator", "translator"]

LANGUAGES = ("id", "en")

_TEXT: dict[str, tuple[str, str]] = {
    "app": ("Padan — pemadanan data perlindungan anak", "Padan — child-protection data matching"),
    "login": ("Masuk", "Log in"),
    "logout": ("Keluar", "Log out"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "dashboard": ("Dasbor", "Dashboard"),
    "search": ("Cari anak", "Find a child"),
    "review": ("Antrian tinjauan", "Review queue"),
    "ingest": ("Unggah & riwayat data", "Upload & ingestion history"),
    "runs": ("Model & proses pemadanan", "Model & linkage runs"),
    "audit": ("Log audit", "Audit log"),
    "query": ("Nama atau NIK", "Name or NIK"),
    "region": ("Kode wilayah", "Region code"),
    "purpose": ("Tujuan akses", "Purpose of access"),
    "go": ("Cari", "Search"),
    "export_csv": ("Ekspor CSV", "Export CSV"),
    "no_results": ("Tidak ada hasil.", "No results."),
    "child": ("Anak", "Child"),
    "name": ("Nama", "Name"),
    "sex": ("Jenis kelamin", "Sex"),
    "birth_date": ("Tanggal lahir", "Birth date"),
    "sources": ("Sumber", "Sources"),
    "records": ("Catatan", "Records"),
    "children": ("Anak", "Children"),
    "evidence": ("Bukti pemadanan", "Match evidence"),
    "explain": ("Rincian bobot", "Weight breakdown"),
    "household": ("Keluarga (DTSEN)", "Household (DTSEN)"),
    "probability": ("Probabilitas", "Probability"),
    "rule": ("Aturan", "Rule"),
    "decision": ("Keputusan", "Decision"),
    "reason": ("Alasan", "Reason"),
    "same": ("Anak yang sama", "Same child"),
    "different": ("Anak berbeda", "Different children"),
    "unsure": ("Ragu", "Unsure"),
    "decide": ("Putuskan", "Decide"),
    "field": ("Kolom", "Field"),
    "second_reviewer": (
        "NIK valid berbeda: penggabungan perlu peninjau kedua",
        "Different valid NIKs: merging needs a second reviewer",
    ),
    "pending_by": (
        "Menunggu peninjau kedua; disetujui oleh",
        "Waiting for a second reviewer; approved by",
    ),
    "province": ("Provinsi", "Province"),
    "queue_size": ("Antrian tinjauan", "Review queue"),
    "quarantine": ("Karantina", "Quarantine"),
    "upload": ("Unggah berkas", "Upload a file"),
    "source": ("Sumber", "Source"),
    "file": ("Berkas", "File"),
    "read": ("Dibaca", "Read"),
    "accepted": ("Diterima", "Accepted"),
    "quarantined": ("Dikarantina", "Quarantined"),
    "superseded": ("Menggantikan", "Superseding"),
    "batches": ("Riwayat unggahan", "Ingestion history"),
    "row": ("Baris", "Row"),
    "value": ("Nilai", "Value"),
    "model": ("Model", "Model"),
    "forbidden_hint": (
        "Peran Anda tidak berhak membuka halaman atau menjalankan tindakan ini. "
        "Hubungi administrator bila Anda memerlukannya.",
        "Your role may not open this page or take this action. "
        "Ask an administrator if you need it.",
    ),
    "model_version": ("Versi model", "Model version"),
    "model_trained_at": ("Dilatih pada", "Trained at"),
    "model_training_records": ("Catatan pelatihan", "Training records"),
    "model_seed": ("Benih acak", "Random seed"),
    "model_neutral_levels": ("Tingkat perbandingan netral", "Neutral comparison levels"),
    "model_capped_levels": ("Tingkat perbandingan dibatasi", "Capped comparison levels"),
    "model_store_id": ("ID penyimpanan data", "Store ID"),
    "model_training_data": ("Data pelatihan", "Training data"),
    "model_training_rules": ("Aturan pelatihan", "Training rules"),
    "model_unreadable": (
        "Berkas model tidak dapat dibaca; pemadanan akan gagal sampai model dilatih ulang "
        "(padan link --retrain).",
        "The model file cannot be read; linkage runs will fail until the model is retrained "
        "(padan link --retrain).",
    ),
    "no_model": ("Belum ada model: jalankan padan link.", "No model yet: run padan link."),
    "who_accessed": ("Siapa mengakses data anak ini?", "Who accessed this child's data?"),
    "when": ("Waktu", "When"),
    "user": ("Pengguna", "User"),
    "role": ("Peran", "Role"),
    "action": ("Tindakan", "Action"),
    "target": ("Objek", "Target"),
    "all_regions": ("Semua wilayah", "All regions"),
    "no_run": ("Belum ada proses pemadanan.", "No linkage run yet."),
    "link_start": ("Jalankan pemadanan", "Run linkage"),
    "link_full": (
        "Penuh: nilai ulang semua catatan, bukan hanya yang berubah",
        "Full: score every record again, not only what changed",
    ),
    "link_note": (
        "Pemadanan berjalan di latar belakang; halaman ini menunjukkan kemajuannya.",
        "The run works in the background; this page shows its progress.",
    ),
    "link_running": ("Pemadanan sedang berjalan", "Linkage run in progress"),
    "link_done": ("Pemadanan selesai", "Linkage run finished"),
    "link_failed": ("Pemadanan gagal", "The linkage run failed"),
    "link_busy": (
        "Pemadanan lain masih berjalan pada data ini; tunggu sampai selesai, lalu coba lagi.",
        "Another linkage run is still working on this data; wait until it ends, then try again.",
    ),
    "reload": ("Muat ulang", "Reload"),
    "data_changed": (
        "Data berubah sejak pemadanan terakhir",
        "Data changed since the latest linkage run",
    ),
    "new_batch": ("batch baru", "new batch"),
    "new_batches": ("batch baru", "new batches"),
    "new_decision": ("keputusan tinjauan baru", "new review decision"),
    "new_decisions": ("keputusan tinjauan baru", "new review decisions"),
    "data_changed_hint": (
        "Angka di bawah belum memuatnya sampai pemadanan dijalankan lagi.",
        "The figures below leave them out until linkage runs again.",
    ),
    "error": ("Galat", "Error"),
    "summary": ("Ringkasan", "Summary"),
    "already": (
        "Sudah pernah diunggah (isi sama); tidak disimpan lagi.",
        "Already ingested (same content); nothing stored again.",
    ),
    "reasons": ("Alasan karantina", "Quarantine reasons"),
    "flags": ("Catatan mutu", "Quality flags"),
    "decided": ("Keputusan disimpan.", "Decision stored."),
    "pending": ("Disimpan; menunggu peninjau kedua.", "Saved; waiting for a second reviewer."),
    "purpose_case": ("Penanganan kasus", "Case handling"),
    "purpose_aid": ("Verifikasi bantuan sosial", "Social aid verification"),
    "purpose_analysis": ("Analisis & pelaporan", "Analysis & reporting"),
    "purpose_review": ("Peninjauan pemadanan", "Match review"),
    "masked_note": ("NIK disamarkan sesuai peran Anda.", "NIK masked for your role."),
    "kpai_cases": ("Kasus KPAI", "KPAI cases"),
    "aid": ("Bantuan sosial", "Social aid"),
    "waiting": ("pasangan menunggu", "pairs waiting"),
    "nothing_waiting": ("Tidak ada pasangan yang menunggu.", "No pair is waiting."),
    "queue_order": (
        "Urutan: dulu pasangan yang keputusannya mengubah indikator kesenjangan, lalu yang "
        "mengubah data anak KPAI, lalu sisanya; di tiap kelompok, peluang tertinggi dulu.",
        "Order: first the pairs whose decision changes a gap indicator, then those that change a "
        "KPAI child's figures, then the rest; within each, most likely first.",
    ),
    "impact_gap": (
        "Mengubah indikator kesenjangan: anak KPAI yang belum ditemukan di DTSEN akan terdaftar "
        "bila sama",
        "Changes a gap indicator: a KPAI child not yet found in DTSEN would be found if same",
    ),
    "impact_kpai": (
        "Mengubah data anak KPAI (dua anak KPAI bergabung, atau catatan DTSEN-nya berubah)",
        "Changes a KPAI child's figures (two KPAI children merge, or its DTSEN records change)",
    ),
    "impact_other": (
        "Tidak mengubah indikator anak KPAI (mis. catatan ganda di DTSEN)",
        "Changes no KPAI child's indicator (e.g. a double registration in DTSEN)",
    ),
    "weight": ("Bobot", "Weight"),
    "level": ("Tingkat", "Level"),
    "threshold": ("Ambang", "Threshold"),
    "lang_switch": ("English", "Bahasa Indonesia"),
    # dashboard indicators and worklists (padan.services.figures)
    "headline": ("Indikator utama", "Headline indicators"),
    "snapshot": ("Dasar angka", "Figures rest on"),
    "newer_batches": ("batch belum ditautkan", "batches not linked yet"),
    "suppressed_note": ("Angka 1–4 ditampilkan sebagai <5.", "Counts 1–4 are shown as <5."),
    "uncertain_note": (
        "Kolom 'pasangan tinjauan': anak yang angkanya bergantung pada pasangan di pita tinjauan.",
        "'Review-band' column: children whose count rests on review-band matches.",
    ),
    "indicator": ("Indikator", "Indicator"),
    "uncertain": ("dari pasangan tinjauan", "on review-band matches"),
    "by_region": ("menurut wilayah", "by region"),
    "data_quality": ("Kualitas data", "Data quality"),
    "nik_filled": ("NIK terisi", "NIK filled"),
    "nik_valid": ("NIK valid", "NIK valid"),
    "duplicates": ("Rekaman ganda", "Duplicate records"),
    "institutions": ("Lembaga", "Institutions"),
    "licensed": ("Berizin", "Licensed"),
    "accredited": ("Terakreditasi", "Accredited"),
    "safe_houses": ("Rumah aman", "Safe houses"),
    "children_per_worker": ("Anak per pekerja sosial", "Children per social worker"),
    "inspections_overdue": ("Inspeksi terlambat", "Inspections overdue"),
    "severe_findings": ("Temuan berat terbuka", "Open severe findings"),
    "no_institutions": ("Belum ada lembaga terdaftar di wilayah ini.", "No institution here yet."),
    "worklists": ("Daftar tindak lanjut", "Worklists"),
    "worklist": ("Daftar", "Worklist"),
    "worklists_note": (
        "Daftar bernama untuk tindak lanjut; setiap pembukaan dan ekspor dicatat di log audit.",
        "Named lists for follow-up; every view and export is written to the audit log.",
    ),
    "rows": ("baris", "rows"),
    "open": ("Buka", "Open"),
    "more": ("Berikutnya", "Next"),
    "export_xlsx": ("Ekspor XLSX", "Export XLSX"),
    "purpose_dtsen": ("Usulan DTSEN", "DTSEN proposal"),
    "audit_note": (
        "Akses ini dicatat di log audit beserta tujuannya.",
        "This access is written to the audit log with its purpose.",
    ),
}


_TEXT.update(INSTITUTION_TEXT)
_TEXT.update(ACCOUNT_TEXT)


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` for the language (``id`` or ``en``); unknown keys come back as they are."""
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = _TEXT.get(key)
        return pair[index] if pair else key

    return t


#: The linkage run's progress steps (``padan.linkage.run``, in English) in Bahasa Indonesia.
_STEPS = (
    (re.compile(r"([\d,]+) records ready"), "{0} catatan siap"),
    (re.compile(r"training the model \(EM\)"), "melatih model (EM)"),
    (re.compile(r"finding candidate pairs"), "mencari pasangan kandidat"),
    (re.compile(r"scoring ([\d,]+) candidate pairs"), "menilai {0} pasangan kandidat"),
    (re.compile(r"scoring candidate pairs"), "menilai pasangan kandidat"),
    (re.compile(r"clustering"), "mengelompokkan catatan"),
)


def step_translator(lang: str) -> Callable[[str], str]:
    """A linkage run's progress step in the language; an unknown step comes back as it is."""

    def step(text: str) -> str:
        if lang == "en":
            return text
        for pattern, indonesian in _STEPS:
            found = pattern.fullmatch(text)
            if found:
                return indonesian.format(*(g.replace(",", ".") for g in found.groups()))
        return text

    return step

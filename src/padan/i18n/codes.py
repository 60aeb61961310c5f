"""Every code value a user may see, declared once so the catalogs hold a label for each.

A code value is labelled with its field as gettext context: ``label("status_izin",
"TIDAK_BERIZIN", lang)``. The marks below (``C_(field, code)``) are what ``pybabel extract``
reads (``scripts/translations``), so each code arrives in every ``padan.po`` waiting for its
label. The code lists themselves live in the domain (:mod:`padan.domain.values`, the reasons,
the region levels, the policy's roles); ``tests/i18n/test_codes.py`` derives them from there and
fails when a code has no mark here or no label in a language.
"""

from __future__ import annotations

from collections import defaultdict

from padan.i18n import label

__all__ = ["CODES", "C_", "shown"]


def C_(field: str, code: str) -> tuple[str, str]:
    """Mark ``code`` of ``field`` for the catalogs (``pgettext_noop``)."""
    return field, code


_MARKS = (
    # Columns of the exchange format, the fields stored with them, and report/worklist columns.
    C_("column", "no_pengaduan"),
    C_("column", "tanggal_pengaduan"),
    C_("column", "nik_anak"),
    C_("column", "nik_anak_status"),
    C_("column", "nama_anak"),
    C_("column", "nama_anak_norm"),
    C_("column", "jenis_kelamin"),
    C_("column", "tempat_lahir"),
    C_("column", "tanggal_lahir"),
    C_("column", "usia"),
    C_("column", "nama_ibu"),
    C_("column", "nama_ibu_norm"),
    C_("column", "nama_ayah"),
    C_("column", "nama_ayah_norm"),
    C_("column", "alamat"),
    C_("column", "kode_wilayah"),
    C_("column", "wilayah_level"),
    C_("column", "klaster"),
    C_("column", "kategori"),
    C_("column", "peran_abh"),
    C_("column", "ragam_disabilitas"),
    C_("column", "status_penanganan"),
    C_("column", "id_individu"),
    C_("column", "id_keluarga"),
    C_("column", "no_kk"),
    C_("column", "no_kk_status"),
    C_("column", "nik"),
    C_("column", "nik_status"),
    C_("column", "status_padan_dukcapil"),
    C_("column", "nama"),
    C_("column", "nama_norm"),
    C_("column", "hubungan_keluarga"),
    C_("column", "nama_ibu_kandung"),
    C_("column", "nama_ibu_kandung_norm"),
    C_("column", "desil"),
    C_("column", "status_sekolah"),
    C_("column", "penerima_pkh"),
    C_("column", "penerima_sembako"),
    C_("column", "penerima_pbi_jk"),
    C_("column", "penerima_pip"),
    C_("column", "penerima_atensi"),
    C_("column", "id_lembaga"),
    C_("column", "nama_lembaga"),
    C_("column", "jenis"),
    C_("column", "status_izin"),
    C_("column", "akreditasi"),
    C_("column", "tanggal_akreditasi"),
    C_("column", "kapasitas"),
    C_("column", "jumlah_anak"),
    C_("column", "jumlah_pekerja_sosial"),
    C_("column", "jumlah_pekerja_sosial_bersertifikat"),
    C_("column", "origin"),
    C_("column", "version"),
    C_("column", "child_id"),
    C_("column", "status_nik"),
    C_("column", "perlu_tinjauan"),
    C_("column", "kandidat_terdekat"),
    C_("column", "periksa"),
    C_("column", "bantuan"),
    C_("column", "di_dtsen"),
    C_("column", "disabilitas_dtsen"),
    C_("column", "disabilitas_kpai"),
    C_("column", "kelompok"),
    C_("column", "nama_dtsen"),
    C_("column", "sources"),
    # An inspection's fields (padan.institutions.inspections).
    C_("column", "tanggal"),
    C_("column", "petugas"),
    # Whether a NIK or KK number is usable (padan.domain.identifiers.Status).
    C_("status_nik", "valid"),
    C_("status_nik", "invalid"),
    C_("status_nik", "missing"),
    # Region levels and a code's standing in the Kemendagri list (padan.domain.regions).
    C_("region_level", "province"),
    C_("region_level", "regency"),
    C_("region_level", "district"),
    C_("region_level", "village"),
    C_("region_status", "current"),
    C_("region_status", "retired"),
    C_("region_status", "unknown"),
    C_("region_status", "malformed"),
    # The exchange format's code lists (padan.domain.values).
    C_("jenis_kelamin", "L"),
    C_("jenis_kelamin", "P"),
    C_("klaster", "I"),
    C_("klaster", "II"),
    C_("klaster", "III"),
    C_("klaster", "IV"),
    C_("klaster", "V"),
    C_("kategori", "a"),
    C_("kategori", "b"),
    C_("kategori", "c"),
    C_("kategori", "d"),
    C_("kategori", "e"),
    C_("kategori", "f"),
    C_("kategori", "g"),
    C_("kategori", "h"),
    C_("kategori", "i"),
    C_("kategori", "j"),
    C_("kategori", "k"),
    C_("kategori", "l"),
    C_("kategori", "m"),
    C_("kategori", "n"),
    C_("kategori", "o"),
    C_("peran_abh", "pelaku"),
    C_("peran_abh", "korban"),
    C_("peran_abh", "saksi"),
    C_("ragam_disabilitas", "FISIK"),
    C_("ragam_disabilitas", "INTELEKTUAL"),
    C_("ragam_disabilitas", "MENTAL"),
    C_("ragam_disabilitas", "SENSORIK"),
    C_("ragam_disabilitas", "GANDA"),
    C_("status_penanganan", "baru"),
    C_("status_penanganan", "proses"),
    C_("status_penanganan", "selesai"),
    C_("hubungan_keluarga", "KEPALA KELUARGA"),
    C_("hubungan_keluarga", "ISTRI"),
    C_("hubungan_keluarga", "SUAMI"),
    C_("hubungan_keluarga", "ANAK"),
    C_("hubungan_keluarga", "CUCU"),
    C_("hubungan_keluarga", "ORANG TUA"),
    C_("hubungan_keluarga", "FAMILI LAIN"),
    C_("hubungan_keluarga", "LAINNYA"),
    C_("status_padan_dukcapil", "PADAN"),
    C_("status_padan_dukcapil", "TIDAK_PADAN"),
    C_("status_sekolah", "SEKOLAH"),
    C_("status_sekolah", "TIDAK SEKOLAH"),
    C_("status_sekolah", "PUTUS SEKOLAH"),
    C_("status_sekolah", "BELUM SEKOLAH"),
    C_("jenis", "LKSA"),
    C_("jenis", "TPA"),
    C_("jenis", "RUMAH_AMAN"),
    C_("jenis", "RPSA"),
    C_("jenis", "UPTD_PPA"),
    C_("status_izin", "BERIZIN"),
    C_("status_izin", "TIDAK_BERIZIN"),
    C_("status_izin", "DALAM_PROSES"),
    C_("akreditasi", "A"),
    C_("akreditasi", "B"),
    C_("akreditasi", "C"),
    C_("akreditasi", "BELUM"),
    # Inspections (padan.institutions): a finding's severity and follow-up status.
    C_("keparahan", "RINGAN"),
    C_("keparahan", "SEDANG"),
    C_("keparahan", "BERAT"),
    C_("status_temuan", "terbuka"),
    C_("status_temuan", "proses"),
    C_("status_temuan", "selesai"),
    # Where an institution's record came from (padan.store.institution_records).
    C_("origin", "extract"),
    C_("origin", "form"),
    # The sources of the data.
    C_("source", "kpai"),
    C_("source", "dtsen"),
    C_("source", "lembaga"),
    # A reviewer's decision on a pair (padan.registry.review.DECISIONS).
    C_("decision", "same"),
    C_("decision", "different"),
    C_("decision", "unsure"),
    # What a linkage run made of a pair, and which rule found it (padan.linkage.run_pairs).
    C_("pair_decision", "link"),
    C_("pair_decision", "review"),
    C_("pair_decision", "refused"),
    C_("pair_decision", "apart"),
    C_("pair_decision", "unscored"),
    C_("pair_rule", "model"),
    C_("pair_rule", "nik"),
    C_("pair_rule", "review"),
    # What happened to a child id in a linkage run (padan.registry.ids).
    C_("child_event", "new"),
    C_("child_event", "merge"),
    C_("child_event", "split"),
    # The timed steps of a linkage run (RunSummary.seconds).
    C_("run_step", "features"),
    C_("run_step", "state"),
    C_("run_step", "training"),
    C_("run_step", "blocking"),
    C_("run_step", "scoring"),
    C_("run_step", "clustering"),
    C_("run_step", "child ids"),
    C_("run_step", "storing"),
    # A background linkage run (padan.api.jobs).
    C_("job_status", "running"),
    C_("job_status", "done"),
    C_("job_status", "failed"),
    # The roles of the default access policy (padan/access/policy.toml).
    C_("role", "admin"),
    C_("role", "analis_kpai"),
    C_("role", "analis_kemensos"),
    C_("role", "petugas_daerah"),
    C_("role", "peninjau"),
    C_("role", "auditor"),
    # What a user did, as the audit log names it (padan.access.authorise.audit's action).
    C_("audit_action", "audit_view"),
    C_("audit_action", "changes"),
    C_("audit_action", "decision"),
    C_("audit_action", "explain"),
    C_("audit_action", "export"),
    C_("audit_action", "finding_follow_up"),
    C_("audit_action", "institution_link_complaint"),
    C_("audit_action", "ingest"),
    C_("audit_action", "inspection_record"),
    C_("audit_action", "institution_create"),
    C_("audit_action", "institution_dedup_decision"),
    C_("audit_action", "institution_dedup_list"),
    C_("audit_action", "institution_edit"),
    C_("audit_action", "institution_indicators"),
    C_("audit_action", "institution_list"),
    C_("audit_action", "institution_risk"),
    C_("audit_action", "institution_view"),
    C_("audit_action", "link_end"),
    C_("audit_action", "link_start"),
    C_("audit_action", "password_change"),
    C_("audit_action", "pdp.breach_report"),
    C_("audit_action", "pdp.correction"),
    C_("audit_action", "pdp.correction_status"),
    C_("audit_action", "pdp.corrections"),
    C_("audit_action", "pdp.subject_access"),
    C_("audit_action", "profile"),
    C_("audit_action", "quarantine"),
    C_("audit_action", "retention.apply"),
    C_("audit_action", "review_list"),
    C_("audit_action", "search"),
    C_("audit_action", "token_create"),
    C_("audit_action", "token_revoke"),
    C_("audit_action", "user_add"),
    C_("audit_action", "user_deactivate"),
    C_("audit_action", "user_reactivate"),
    C_("audit_action", "user_require_password_change"),
    C_("audit_action", "worklist.export"),
    C_("audit_action", "worklist.import"),
    C_("audit_action", "worklist.import.refused"),
    C_("audit_action", "worklist.view"),
    # Indicators with a fixed key (padan.analysis.children.indicator_keys; programme
    # indicators are named after the eligibility rules).
    C_("indicator", "kpai_children"),
    C_("indicator", "kpai_children_in_dtsen"),
    C_("indicator", "kpai_children_not_in_dtsen"),
    C_("indicator", "kpai_children_maybe_in_dtsen"),
    C_("indicator", "abh_without_atensi"),
    C_("indicator", "victims_without_atensi"),
    C_("indicator", "disability_mismatch"),
    C_("indicator", "inclusion_signals"),
    # How a trend is cut (padan.analysis.trends.PERIODS).
    C_("trend_period", "snapshot"),
    C_("trend_period", "month"),
    C_("trend_period", "quarter"),
    # Quality flags and quarantine reasons (padan.domain.reasons).
    C_("reason", "wajib_kosong"),
    C_("reason", "nik_format"),
    C_("reason", "nik_notasi_ilmiah"),
    C_("reason", "nik_wilayah_tidak_dikenal"),
    C_("reason", "nik_wilayah_lama"),
    C_("reason", "nik_tanggal_tidak_valid"),
    C_("reason", "nik_nomor_urut_nol"),
    C_("reason", "nik_tgl_lahir_beda"),
    C_("reason", "nik_jk_beda"),
    C_("reason", "kk_format"),
    C_("reason", "kk_wilayah_tidak_dikenal"),
    C_("reason", "kk_wilayah_lama"),
    C_("reason", "kk_tanggal_tidak_valid"),
    C_("reason", "kk_nomor_urut_nol"),
    C_("reason", "tanggal_format"),
    C_("reason", "tanggal_tidak_ada"),
    C_("reason", "tanggal_masa_depan"),
    C_("reason", "tanggal_terlalu_lama"),
    C_("reason", "tanggal_lahir_setelah_pengaduan"),
    C_("reason", "jk_tidak_dikenal"),
    C_("reason", "wilayah_format"),
    C_("reason", "wilayah_tidak_dikenal"),
    C_("reason", "wilayah_lama"),
    C_("reason", "wilayah_bukan_desa"),
    C_("reason", "usia_tidak_valid"),
    C_("reason", "usia_dewasa"),
    C_("reason", "usia_beda_tgl_lahir"),
    C_("reason", "hanya_usia"),
    C_("reason", "kode_tidak_dikenal"),
    C_("reason", "angka_tidak_valid"),
    C_("reason", "desil_tidak_valid"),
    C_("reason", "flag_tidak_valid"),
    C_("reason", "formula_spreadsheet"),
    C_("reason", "karakter_kontrol"),
    C_("reason", "nilai_terlalu_panjang"),
    C_("reason", "id_ganda_dalam_file"),
    C_("reason", "kolom_berlebih"),
    C_("reason", "kolom_kurang"),
    C_("reason", "baris_tidak_terbaca"),
)


def _by_field() -> dict[str, tuple[str, ...]]:
    found: defaultdict[str, list[str]] = defaultdict(list)
    for field, code in _MARKS:
        found[field].append(code)
    return {field: tuple(codes) for field, codes in found.items()}


#: The code values with a label, by field (gettext context).
CODES: dict[str, tuple[str, ...]] = _by_field()


def shown(field: str, code: object, lang: str) -> str:
    """``code`` of ``field`` as a person reads it: its label when the catalogs keep one, else
    the value itself (a name, a number); ``None`` is empty."""
    if code is None:
        return ""
    text = str(code)
    field = _VALUES_OF.get(field, field)
    return label(field, text, lang) if text in CODES.get(field, ()) else text


#: Stored fields whose values are another field's codes (a NIK's status, a region's level).
_VALUES_OF = {
    "nik_status": "status_nik",
    "nik_anak_status": "status_nik",
    "no_kk_status": "status_nik",
    "wilayah_level": "region_level",
    "level": "region_level",
    "source": "source",
}

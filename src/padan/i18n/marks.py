"""The catalog mark for code values, and the code values of the Kemensos and SIMFONI-PPA extracts.

``C_(field, code)`` is what ``pybabel extract`` reads (``scripts/translations``); the code lists
of the service and case extracts (exchange format annexes A and B, :mod:`padan.domain.values`)
are marked here so that :mod:`padan.i18n.codes`, which gathers every mark, stays small.
"""

from __future__ import annotations

__all__ = ["C_", "SOURCE_MARKS"]


def C_(field: str, code: str) -> tuple[str, str]:
    """Mark ``code`` of ``field`` for the catalogs (``pgettext_noop``)."""
    return field, code


SOURCE_MARKS = (
    # Sources beside KPAI, DTSEN and the institutions.
    C_("source", "kemensos"),
    C_("source", "simfoni"),
    # Columns of annex A (kemensos_layanan) and annex B (simfoni_kasus) not named elsewhere.
    C_("column", "id_layanan"),
    C_("column", "tanggal_layanan"),
    C_("column", "komponen_atensi"),
    C_("column", "basis_layanan"),
    C_("column", "klaster_atensi"),
    C_("column", "jenis_ppks"),
    C_("column", "jenis_lembaga"),
    C_("column", "status_layanan"),
    C_("column", "id_korban"),
    C_("column", "no_kasus"),
    C_("column", "tanggal_lapor"),
    C_("column", "tanggal_kejadian"),
    C_("column", "jenis_kekerasan"),
    C_("column", "tempat_kejadian"),
    C_("column", "hubungan_pelaku"),
    C_("column", "nik_korban"),
    C_("column", "nik_korban_status"),
    C_("column", "nama_korban"),
    C_("column", "nama_korban_norm"),
    C_("column", "id_unit_layanan"),
    C_("column", "nama_unit_layanan"),
    # ATENSI (Permensos 7/2021): components, basis, clusters, provider kinds; child PPKS types.
    C_("komponen_atensi", "pemenuhan_hidup_layak"),
    C_("komponen_atensi", "perawatan_pengasuhan"),
    C_("komponen_atensi", "dukungan_keluarga"),
    C_("komponen_atensi", "terapi"),
    C_("komponen_atensi", "vokasional_kewirausahaan"),
    C_("komponen_atensi", "bantuan_asistensi_sosial"),
    C_("komponen_atensi", "dukungan_aksesibilitas"),
    C_("basis_layanan", "keluarga"),
    C_("basis_layanan", "komunitas"),
    C_("basis_layanan", "residensial"),
    C_("klaster_atensi", "anak"),
    C_("klaster_atensi", "penyandang_disabilitas"),
    C_("klaster_atensi", "lanjut_usia"),
    C_("klaster_atensi", "tuna_sosial_kpo"),
    C_("klaster_atensi", "korban_napza"),
    C_("klaster_atensi", "korban_bencana"),
    C_("klaster_atensi", "ppks_lainnya"),
    C_("jenis_lembaga", "sentra"),
    C_("jenis_lembaga", "uptd"),
    C_("jenis_lembaga", "lks"),
    C_("jenis_ppks", "anak_balita_terlantar"),
    C_("jenis_ppks", "anak_terlantar"),
    C_("jenis_ppks", "abh"),
    C_("jenis_ppks", "anak_jalanan"),
    C_("jenis_ppks", "anak_disabilitas"),
    C_("jenis_ppks", "anak_korban_kekerasan"),
    C_("jenis_ppks", "ampk"),
    C_("status_layanan", "berjalan"),
    C_("status_layanan", "selesai"),
    C_("status_layanan", "dirujuk"),
    C_("status_layanan", "dihentikan"),
    # SIMFONI-PPA: forms of violence, places, perpetrators, case stages.
    C_("jenis_kekerasan", "fisik"),
    C_("jenis_kekerasan", "psikis"),
    C_("jenis_kekerasan", "seksual"),
    C_("jenis_kekerasan", "eksploitasi"),
    C_("jenis_kekerasan", "trafficking"),
    C_("jenis_kekerasan", "penelantaran"),
    C_("jenis_kekerasan", "lainnya"),
    C_("tempat_kejadian", "rumah_tangga"),
    C_("tempat_kejadian", "tempat_kerja"),
    C_("tempat_kejadian", "sekolah"),
    C_("tempat_kejadian", "lembaga_pendidikan_kilat"),
    C_("tempat_kejadian", "fasilitas_umum"),
    C_("tempat_kejadian", "lainnya"),
    C_("hubungan_pelaku", "orang_tua"),
    C_("hubungan_pelaku", "keluarga"),
    C_("hubungan_pelaku", "suami_istri"),
    C_("hubungan_pelaku", "pacar_teman"),
    C_("hubungan_pelaku", "tetangga"),
    C_("hubungan_pelaku", "guru"),
    C_("hubungan_pelaku", "majikan"),
    C_("hubungan_pelaku", "rekan_kerja"),
    C_("hubungan_pelaku", "lainnya"),
    C_("hubungan_pelaku", "tidak_diketahui"),
    C_("status_penanganan", "pengaduan"),
    C_("status_penanganan", "asesmen"),
    C_("status_penanganan", "intervensi"),
    C_("status_penanganan", "pemantauan"),
    C_("status_penanganan", "terminasi"),
    C_("status_penanganan", "dirujuk"),
)

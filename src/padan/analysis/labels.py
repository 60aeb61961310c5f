"""Indonesian (default) and English labels for indicators and groups."""

from __future__ import annotations

from padan.analysis.rules import Rules

__all__ = ["KATEGORI_LABELS", "KLASTER_LABELS", "indicator_labels"]

KLASTER_LABELS = {
    "I": "I Hak Sipil dan Kebebasan",
    "II": "II Lingkungan Keluarga dan Pengasuhan Alternatif",
    "III": "III Kesehatan Dasar dan Kesejahteraan",
    "IV": "IV Pendidikan, Waktu Luang, Budaya dan Agama",
    "V": "V Perlindungan Khusus Anak",
}
KATEGORI_LABELS = {
    "a": "a Anak dalam situasi darurat",
    "b": "b Anak yang berhadapan dengan hukum (ABH)",
    "c": "c Anak dari kelompok minoritas dan terisolasi",
    "d": "d Anak yang dieksploitasi secara ekonomi dan/atau seksual",
    "e": "e Anak korban NAPZA",
    "f": "f Anak korban pornografi",
    "g": "g Anak dengan HIV/AIDS",
    "h": "h Anak korban penculikan, penjualan dan/atau perdagangan",
    "i": "i Anak korban kekerasan fisik dan/atau psikis",
    "j": "j Anak korban kejahatan seksual",
    "k": "k Anak korban jaringan terorisme",
    "l": "l Anak penyandang disabilitas",
    "m": "m Anak korban perlakuan salah dan penelantaran",
    "n": "n Anak dengan perilaku sosial menyimpang",
    "o": "o Anak korban stigmatisasi terkait kondisi orang tuanya",
}

_FIXED: dict[str, tuple[str, str]] = {
    "kpai_children": ("Anak KPAI", "KPAI children"),
    "kpai_children_in_dtsen": ("Anak KPAI ditemukan di DTSEN", "KPAI children found in DTSEN"),
    "kpai_children_not_in_dtsen": (
        "Anak KPAI tidak ditemukan di DTSEN",
        "KPAI children not found in DTSEN",
    ),
    "kpai_children_maybe_in_dtsen": (
        "Mungkin terdaftar di DTSEN (menunggu pemeriksaan)",
        "Possibly in DTSEN (awaiting review)",
    ),
    "abh_without_atensi": ("ABH tanpa ATENSI", "Children in conflict with the law without ATENSI"),
    "victims_without_atensi": (
        "Korban kekerasan/eksploitasi tanpa ATENSI",
        "Victims of violence, sexual crime or exploitation without ATENSI",
    ),
    "disability_mismatch": (
        "Disabilitas berbeda antarlembaga",
        "Disability recorded differently by the agencies",
    ),
    "inclusion_signals": (
        "Sinyal inklusi (bantuan pada desil tinggi)",
        "Inclusion signals (aid in high desil)",
    ),
}


def indicator_labels(rules: Rules, *, english: bool = False) -> dict[str, str]:
    """Label of every indicator key of :func:`padan.analysis.children.indicator_keys`."""
    labels = {k: v[1] if english else v[0] for k, v in _FIXED.items()}
    for key, rule in rules.programs.items():
        name = rule.label.split(" (")[0]
        band = f"desil {rule.desil_min}-{rule.desil_max}"
        if english:
            labels[f"eligible_{key}"] = f"Eligible for {name} ({band})"
            labels[f"eligible_not_receiving_{key}"] = f"Eligible, not receiving {name}"
        else:
            labels[f"eligible_{key}"] = f"Layak {name} ({band})"
            labels[f"eligible_not_receiving_{key}"] = f"Layak, belum menerima {name}"
    return labels

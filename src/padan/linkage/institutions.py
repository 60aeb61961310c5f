"""Find the same institution reported twice (by KPAI and Kemensos, or twice by one agency).

Splink 5 on DuckDB, ``dedupe_only``. Institution registries are small (hundreds to a few
thousand per province) and have no labels, so the model is not trained: its m and u
probabilities are fixed below, written for Indonesian institution names and addresses, and
shown by :func:`model_description`. Names are compared without the words that only say what
kind of place it is ("Panti Asuhan", "Yayasan", "TPA", "Daycare"…), addresses without the
spelling of "Jalan"/"Jl."/"No.".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.blocking_rule_library import CustomRule

__all__ = [
    "GENERIC_WORDS",
    "InstitutionRow",
    "address_key",
    "model_description",
    "name_core",
    "score_institution_pairs",
]


@dataclass(frozen=True, slots=True)
class InstitutionRow:
    """What the deduplication compares of one registered institution."""

    uid: str
    name: str
    jenis: str
    kode_wilayah: str  # dotted, any level
    alamat: str | None = None


#: Words that say what kind of institution it is, not which one.
GENERIC_WORDS: Final = frozenset(
    {
        "panti",
        "asuhan",
        "pa",
        "lksa",
        "lks",
        "yayasan",
        "yys",
        "yay",
        "tpa",
        "tara",
        "daycare",
        "day",
        "care",
        "taman",
        "penitipan",
        "anak",
        "tempat",
        "asuh",
        "ramah",
        "rpsa",
        "rumah",
        "perlindungan",
        "sosial",
        "uptd",
        "ppa",
        "unit",
        "pelaksana",
        "teknis",
        "daerah",
        "aman",
        "lembaga",
        "kesejahteraan",
        "the",
    }
)
_SCRAMBLED: Final = frozenset("".join(sorted(w)) for w in GENERIC_WORDS if len(w) >= 4)
_ABBREVIATIONS: Final = {"kab": "kabupaten", "kota": "kota", "kec": "kecamatan"}
_NON_WORD: Final = re.compile(r"[^0-9a-z]+")
# Prior: the share of random pairs that are the same institution falls with the size of the
# registry: 1 / records (generous: as if each record had a duplicate), within bounds. A fixed
# prior merged distinct same-name daycares of one district in a dense synthetic city.
_PRIOR_PAIRS_PER_RECORD: Final = 1.0
_PRIOR_BOUNDS: Final = (1e-4, 0.01)


def name_core(name: str) -> str:
    """A name without punctuation, case and the generic words (``"Panti Asuhan Al-Ikhlas"`` →
    ``"al ikhlas"``); the whole cleaned name when nothing else is left."""
    tokens = [_ABBREVIATIONS.get(t, t) for t in _NON_WORD.sub(" ", name.lower()).split()]
    # A generic word with two letters swapped ("Penitipan Aank") is still a generic word.
    core = [t for t in tokens if t not in GENERIC_WORDS and "".join(sorted(t)) not in _SCRAMBLED]
    return " ".join(core or tokens)


def address_key(address: str | None) -> tuple[str | None, str | None, str | None]:
    """``(normalised address, street, house number)`` with Jalan/Jl./Jln. and No./Nomor unified."""
    if not address or not address.strip():
        return None, None, None
    tokens = _NON_WORD.sub(" ", address.lower()).split()
    tokens = ["jl" if t in ("jalan", "jln", "jl") else t for t in tokens]
    tokens = [t for t in tokens if t not in ("no", "nomor", "kec", "kecamatan", "kel", "desa")]
    number = next((t for t in tokens if t.isdigit()), None)
    street = None
    if "jl" in tokens:
        start = tokens.index("jl") + 1
        words = []
        for t in tokens[start:]:
            if t.isdigit():
                break
            words.append(t)
        street = " ".join(words) or None
    return " ".join(tokens) or None, street, number


def _level(sql: str, label: str, m: float, u: float) -> Any:
    level = cll.ElseLevel() if sql == "ELSE" else cll.CustomLevel(sql, label_for_charts=label)
    return level.configure(m_probability=m, u_probability=u)


def _null(sql: str) -> Any:
    return cll.CustomLevel(sql, label_for_charts="unknown").configure(is_null_level=True)


def _comparisons() -> list[Any]:
    jw = "jaro_winkler_similarity"
    return [
        cl.CustomComparison(
            output_column_name="name",
            comparison_levels=[
                _null("name_l IS NULL OR name_r IS NULL"),
                _level("name_l = name_r", "same name (generic words aside)", 0.70, 0.02),
                _level(f"{jw}(name_l, name_r) >= 0.92", "Jaro-Winkler >= 0.92", 0.15, 0.005),
                _level(f"{jw}(name_l, name_r) >= 0.80", "Jaro-Winkler >= 0.80", 0.09, 0.03),
                _level("ELSE", "different", 0.06, 0.945),
            ],
        ),
        cl.CustomComparison(
            output_column_name="jenis",
            comparison_levels=[
                _null("jenis_l IS NULL OR jenis_r IS NULL"),
                _level("jenis_l = jenis_r", "same type", 0.95, 0.3),
                _level("ELSE", "other type", 0.05, 0.7),
            ],
        ),
        cl.CustomComparison(
            output_column_name="region",
            comparison_levels=[
                _null("kab_l IS NULL OR kab_r IS NULL"),
                _level("desa_l = desa_r", "same village", 0.70, 0.01),
                _level("kec_l = kec_r", "same district", 0.08, 0.03),
                _level(
                    "(kec_l IS NULL OR kec_r IS NULL) AND kab_l = kab_r",
                    "same regency, one side coded only to the regency",
                    0.17,
                    0.1,
                ),
                _level("kab_l = kab_r", "same regency, other district", 0.03, 0.1),
                _level("ELSE", "other regency", 0.02, 0.76),
            ],
        ),
        cl.CustomComparison(
            output_column_name="address",
            comparison_levels=[
                _null("address_l IS NULL OR address_r IS NULL"),
                _level("address_l = address_r", "same address", 0.45, 0.002),
                _level(
                    "street_l = street_r AND number_l = number_r",
                    "same street and number",
                    0.30,
                    0.003,
                ),
                _level(
                    "street_l = street_r AND number_l <> number_r",
                    "same street, another house number",
                    0.02,
                    0.05,
                ),
                _level(f"{jw}(address_l, address_r) >= 0.88", "Jaro-Winkler >= 0.88", 0.1, 0.02),
                _level("street_l = street_r", "same street", 0.05, 0.1),
                _level("ELSE", "different", 0.08, 0.825),
            ],
        ),
    ]


#: Candidate pairs: institutions in one regency, or with one name in one province.
_BLOCKING: Final[list[Any]] = [
    CustomRule("l.kab = r.kab"),
    CustomRule("l.name = r.name AND l.prov = r.prov"),
]


def _settings(records: int) -> SettingsCreator:
    low, high = _PRIOR_BOUNDS
    prior = min(high, max(low, _PRIOR_PAIRS_PER_RECORD / max(records, 1)))
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=_BLOCKING,
        probability_two_random_records_match=prior,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _features(rows: Sequence[InstitutionRow]) -> list[dict[str, Any]]:
    features = []
    for row in rows:
        code = row.kode_wilayah.strip()
        parts = code.split(".")
        address, street, number = address_key(row.alamat)
        features.append(
            {
                "unique_id": row.uid,
                "name": name_core(row.name) or None,
                "jenis": row.jenis or None,
                "prov": parts[0] or None,
                "kab": ".".join(parts[:2]) if len(parts) >= 2 else None,
                "kec": ".".join(parts[:3]) if len(parts) >= 3 else None,
                "desa": code if len(parts) >= 4 else None,
                "address": address,
                "street": street,
                "number": number,
            }
        )
    return features


def score_institution_pairs(
    rows: Sequence[InstitutionRow], *, threshold: float = 0.5
) -> list[tuple[str, str, float]]:
    """Pairs of institutions scored at or above ``threshold``: ``(uid_a, uid_b, probability)``
    with ``uid_a < uid_b``, most likely first. Fewer than two rows give no pairs."""
    if len(rows) < 2:
        return []
    con = duckdb.connect()
    try:
        db_api = DuckDBAPI(con)
        table = db_api.register(_features(rows), dataset_display_name="lembaga")
        linker = Linker(table, _settings(len(rows)), log_level=logging.ERROR)
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        arrow = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]
        found = zip(
            arrow.column("unique_id_l").to_pylist(),
            arrow.column("unique_id_r").to_pylist(),
            arrow.column("match_probability").to_pylist(),
            strict=True,
        )
        pairs = [(min(a, b), max(a, b), float(p)) for a, b, p in found]
    finally:
        con.close()
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


def model_description() -> list[dict[str, Any]]:
    """The fixed model, for documentation and review: each comparison level with m and u."""
    described = []
    for comparison in _comparisons():
        data = comparison.get_comparison("duckdb").as_dict()
        for level in data["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            described.append(
                {
                    "comparison": data["output_column_name"],
                    "level": level["label_for_charts"],
                    "m": level.get("m_probability"),
                    "u": level.get("u_probability"),
                }
            )
    return described

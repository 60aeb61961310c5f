"""Every code value the domain defines has a label in every language (padan.i18n.codes)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

import pytest
from babel.messages.pofile import read_po

from padan.access.policy import _load as load_roles
from padan.analysis import default_rules
from padan.analysis.children import indicator_keys
from padan.analysis.labels import group_labels, indicator_labels
from padan.domain import values
from padan.domain.identifiers import Status
from padan.domain.reasons import REASONS, describe
from padan.domain.regions import LEVEL_BY_DIGITS, RegionStatus
from padan.i18n import LANGUAGES, label
from padan.i18n.codes import CODES
from padan.ingest.definitions import EXTRACTS
from padan.institutions.checklists import SEVERITIES
from padan.institutions.inspections import FOLLOW_UP_STATUSES
from padan.registry.review import DECISIONS
from padan.services.child_events import CHILD_EVENT_KINDS
from padan.store.institution_tables import INSTITUTION_FIELDS

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "padan" / "i18n" / "locale"


def _domain_codes() -> dict[str, set[str]]:
    """Every code value the domain defines, by the field that labels it."""
    codes: dict[str, set[str]] = {
        "reason": set(REASONS),
        "status_nik": set(get_args(Status)),
        "region_level": set(LEVEL_BY_DIGITS.values()),
        "region_status": {s.value for s in RegionStatus},
        "jenis_kelamin": {"L", "P"},
        "keparahan": set(SEVERITIES),
        "status_temuan": set(FOLLOW_UP_STATUSES),
        "decision": set(DECISIONS),
        "role": set(load_roles()),
        "source": set(EXTRACTS),
        "indicator": {k for k in indicator_keys(default_rules()) if not k.startswith("eligible_")},
        "column": set(INSTITUTION_FIELDS),
        "audit_action": _audit_actions(),
        "child_event": set(CHILD_EVENT_KINDS),
    }
    for extract in EXTRACTS.values():
        codes["column"] |= set(extract.stored_columns)
        for column in extract.columns:
            if column.codes:
                codes.setdefault(column.name, set()).update(column.codes)
    assert set(values.KLASTER) <= codes["klaster"]
    assert {"profile", "export", "ingest"} <= codes["audit_action"]  # the scan finds them
    return codes


def _audit_actions() -> set[str]:
    """Every action the source writes to the audit log (a literal argument of an audit call)."""
    found: set[str] = set()
    for path in (ROOT / "src" / "padan").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if "audit" not in name:
                continue
            given = [*node.args[:4], *(k.value for k in node.keywords if k.arg == "action")]
            found |= {
                a.value
                for a in given
                if isinstance(a, ast.Constant)
                and isinstance(a.value, str)
                and re.fullmatch(r"[a-z]+(?:[._][a-z]+)*", a.value)
            }
    return found


def _labelled(lang: str) -> set[tuple[str, str]]:
    with (LOCALE / lang / "LC_MESSAGES" / "padan.po").open("rb") as handle:
        catalog = read_po(handle)
    return {(m.context, m.id) for m in catalog if m.context and m.id and m.string}


def test_codes_declare_every_code_value_of_the_domain() -> None:
    undeclared = sorted(
        (field, code)
        for field, codes in _domain_codes().items()
        for code in codes
        if code not in CODES.get(field, ())
    )
    assert not undeclared, f"add to padan.i18n.codes (then scripts/translations): {undeclared}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_codes_every_code_value_has_a_label(lang: str) -> None:
    labelled = _labelled(lang)
    bare = sorted(
        (field, code)
        for field, codes in _domain_codes().items()
        for code in codes
        if (field, code) not in labelled
    )
    assert not bare, f"no {lang} label in padan.po for: {bare}"


@pytest.mark.parametrize(
    ("field", "code", "lang", "expected"),
    [
        ("status_nik", "missing", "id", "Tidak diisi"),
        ("status_nik", "missing", "en", "Missing"),
        ("region_level", "village", "id", "Desa/Kelurahan"),
        ("status_izin", "TIDAK_BERIZIN", "id", "Tidak berizin"),
        ("status_izin", "TIDAK_BERIZIN", "en", "Unlicensed"),
        ("reason", "tanggal_tidak_ada", "id", "tanggal tidak ada di kalender"),
        ("column", "perlu_tinjauan", "en", "Needs review"),
    ],
)
def test_label_reads_the_catalog(field: str, code: str, lang: str, expected: str) -> None:
    assert label(field, code, lang) == expected


def test_codes_reasons_describe_in_both_languages() -> None:
    reason = describe("nik_format")
    assert (reason.id, reason.en) == ("NIK bukan 16 digit angka", "NIK is not 16 digits")
    assert describe("no_such_code") == ("no_such_code", "no_such_code")


def test_codes_report_labels_follow_the_language() -> None:
    assert group_labels("klaster")["II"].startswith("II Lingkungan Keluarga")
    assert group_labels("kategori", "en")["b"] == "b Children in conflict with the law (ABH)"
    rules = default_rules()
    key = next(iter(rules.programs))
    assert indicator_labels(rules)[f"eligible_{key}"].startswith("Layak ")
    assert indicator_labels(rules, lang="en")[f"eligible_{key}"].startswith("Eligible for ")
    assert indicator_labels(rules, english=True) == indicator_labels(rules, lang="en")

from __future__ import annotations

from pathlib import Path

import pytest

from padan.errors import InputError
from padan.institutions import SEVERITIES, checklist_for, checklists, get_checklist, load_checklist


def test_checklists_shipped_for_daycares_and_lksa_each_item_sourced() -> None:
    found = checklists()
    assert {"tpa-tara", "lksa-snp"} <= set(found)
    assert "SNI 9255:2024" in found["tpa-tara"].standard
    assert "30/HUK/2011" in found["lksa-snp"].standard
    for checklist in found.values():
        codes = [i.code for i in checklist.items]
        assert len(codes) == len(set(codes)) >= 10
        for item in checklist.items:
            assert item.source.strip() and item.text_id.strip() and item.text_en.strip()
            assert item.severity in SEVERITIES
    assert checklist_for("TPA") is found["tpa-tara"]
    assert checklist_for("LKSA") is found["lksa-snp"]
    assert checklist_for("UPTD_PPA") is None


def test_checklist_item_lookup_names_valid_codes() -> None:
    checklist = get_checklist("tpa-tara")
    assert checklist.item(" tpa-06 ").code == "TPA-06"
    with pytest.raises(InputError, match="has no item 'TPA-99'; items are TPA-01"):
        checklist.item("TPA-99")
    with pytest.raises(InputError, match="no checklist 'sni'; checklists are"):
        get_checklist("sni")


GOOD = """
id = "x"
version = "1"
title_id = "X"
title_en = "X"
standard = "S"
applies_to = ["TPA"]
[[items]]
code = "X-1"
theme = "t"
severity = "BERAT"
text_id = "a"
text_en = "a"
source = "s"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id = ", "cannot be read as TOML"),
        (GOOD.replace('standard = "S"\n', ""), "missing standard"),
        (GOOD.replace('["TPA"]', '["PANTI"]'), "applies_to"),
        (GOOD.replace('"BERAT"', '"FATAL"'), "severity 'FATAL'"),
        (GOOD.replace('source = "s"', 'source = ""'), "item 1 lacks source"),
        (GOOD + GOOD[GOOD.index("[[items]]") :], "item codes repeated: ['X-1']"),
    ],
)
def test_load_checklist_bad_files_say_what_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="checklist") as caught:
        load_checklist(path)
    assert message in str(caught.value)


def test_load_checklist_good_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD, encoding="utf-8")
    checklist = load_checklist(path)
    assert (checklist.id, checklist.applies_to, checklist.items[0].code) == ("x", ("TPA",), "X-1")


def test_checklist_items_public_source_drops_the_projects_research_notes() -> None:
    from padan.institutions.checklists import get_checklist

    items = [i for c in ("lksa-snp", "tpa-tara") for i in get_checklist(c).items]
    assert any("domain brief" in i.source for i in items)
    for item in items:
        assert "domain brief" not in item.public_source and "()" not in item.public_source
        assert " ;" not in item.public_source and item.public_source

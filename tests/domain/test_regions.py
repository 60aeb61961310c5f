import pytest

from padan.domain.regions import RegionStatus, check_region, current_code, region_table


@pytest.mark.parametrize(
    ("raw", "status", "code", "level"),
    [
        ("32", RegionStatus.CURRENT, "32", "province"),
        ("3201", RegionStatus.CURRENT, "32.01", "regency"),
        ("32.01", RegionStatus.CURRENT, "32.01", "regency"),
        (" 32.01.01 ", RegionStatus.CURRENT, "32.01.01", "district"),
        ("1101012001", RegionStatus.CURRENT, "11.01.01.2001", "village"),
        ("11.01.01.2001", RegionStatus.CURRENT, "11.01.01.2001", "village"),
        ("91.01", RegionStatus.RETIRED, "91.01", "regency"),  # Merauke before the 2022 split
        ("93.01", RegionStatus.CURRENT, "93.01", "regency"),
        ("99.99", RegionStatus.UNKNOWN, "99.99", "regency"),
        ("320", RegionStatus.MALFORMED, None, None),
        ("3.201", RegionStatus.MALFORMED, None, None),
        ("32-01", RegionStatus.MALFORMED, None, None),
        ("", RegionStatus.MALFORMED, None, None),
        ("٣٢", RegionStatus.MALFORMED, None, None),  # non-ASCII digits
    ],
)
def test_regions_check_table(
    raw: str, status: RegionStatus, code: str | None, level: str | None
) -> None:
    check = check_region(raw)
    assert (check.status, check.code, check.level) == (status, code, level)


def test_regions_lineage_names_parents_up_to_province() -> None:
    lineage = check_region("1101012001").lineage()
    assert [r.level for r in lineage] == ["village", "district", "regency", "province"]
    assert lineage[-1].name == "Aceh"
    assert lineage[2].name == "Kabupaten Aceh Selatan"


def test_regions_table_counts_match_the_official_release() -> None:
    current = [r for r in region_table().values() if not r.retired]
    counts = {
        level: sum(r.level == level for r in current)
        for level in ("province", "regency", "district", "village")
    }
    assert counts == {"province": 38, "regency": 514, "district": 7285, "village": 83762}


@pytest.mark.parametrize(
    ("code", "current"),
    [
        ("91.01", "93.01"),  # Kab. Merauke: Papua Selatan since the 2022 split
        ("91.01.01", "93.01.01"),
        ("91.01.01.2001", "93.01.01.2001"),  # a village keeps its own digits
        ("92.01", "96.01"),  # Kab. Sorong and Kota Sorong share a name: the kind decides
        ("92.71", "96.71"),
        ("32.01.01", "32.01.01"),  # current codes are left as they are
        ("91", "91"),  # a retired province has no single successor
        ("99.99", "99.99"),  # unknown codes too
    ],
)
def test_regions_current_code_follows_the_papua_split(code: str, current: str) -> None:
    assert current_code(code) == current

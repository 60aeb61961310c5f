"""The DCI registry's sync search over the master child index: each query type, the role's
scope and masking, the audit row, paging and the reasons a request is rejected."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from padan.store import Store
from padan.store.audit import audit_entries
from padan.store.children import children_of, latest_run_id


def _dtsen_child(
    store: Store, *, inside: str | None = None, outside: str | None = None
) -> tuple[dict[str, Any], str]:
    """A current DTSEN record with NIK and KK, and its child id (in or out of a province)."""
    run_id = latest_run_id(store)
    assert run_id is not None
    for record in store.fetch_records("dtsen_individu"):
        code = str(record.get("kode_wilayah") or "")
        if not (record.get("nik") and record.get("no_kk")):
            continue
        if (inside and not code.startswith(inside)) or (outside and code.startswith(outside)):
            continue
        uid = f"dtsen:{record['id_individu']}"
        child = children_of(store, run_id, [uid]).get(uid)
        if child:
            return record, child
    raise AssertionError("no such record in the synthetic store")


def _ids(answer: dict[str, Any]) -> list[str]:
    return [r["identifier"]["identifier_value"] for r in answer["data"]["reg_records"]]


@pytest.mark.parametrize(
    ("id_type", "field"),
    [
        ("NIK", "nik"),
        ("UIN", "nik"),
        ("KK", "no_kk"),
        ("DTSEN_ID_INDIVIDU", "id_individu"),
        ("PADAN_CHILD_ID", None),
    ],
)
def test_search_finds_a_child_by_each_identifier_type(
    sync_search: Any, dci_store: Store, id_type: str, field: str | None
) -> None:
    record, child = _dtsen_child(dci_store)
    value = record[field] if field else child
    answer = sync_search("kemensos1", "idtype-value", {"type": id_type, "value": value})
    assert answer["status"] == "succ"
    assert child in _ids(answer)
    assert answer["pagination"]["total_count"] == len(set(_ids(answer))) >= 1


def test_predicate_and_expression_queries_find_the_same_children(sync_search: Any) -> None:
    predicate = [
        {
            "seq_num": 1,
            "expression1": {"attribute_name": "age", "operator": "lt", "attribute_value": "6"},
            "condition": "and",
            "expression2": {"attribute_name": "sex", "operator": "eq", "attribute_value": "female"},
        }
    ]
    expression = {
        "type": "ns:org:QueryType:expression",
        "value": {
            "expression": {
                "collection": "Member",
                "query": {"$and": [{"age": {"$lt": 6}}, {"sex": {"$eq": "female"}}]},
            }
        },
    }
    page = {"pagination": {"page_size": 1000, "page_number": 1}}
    by_predicate = sync_search("kemensos1", "predicate", predicate, **page)
    by_expression = sync_search("kemensos1", "expression", expression, **page)
    assert by_predicate["status"] == by_expression["status"] == "succ"
    assert _ids(by_predicate) == _ids(by_expression) != []
    six_years_ago = dt.date.today().replace(year=dt.date.today().year - 6)
    for record in by_predicate["data"]["reg_records"]:
        assert record["sex"] == "female"
        assert dt.date.fromisoformat(record["birth_date"]) > six_years_ago


def test_pages_split_the_children_without_overlap(sync_search: Any) -> None:
    query = [{"expression1": {"attribute_name": "age", "operator": "lt", "attribute_value": 18}}]
    first = sync_search("kemensos1", "predicate", query, pagination={"page_size": 5})
    second = sync_search(
        "kemensos1", "predicate", query, pagination={"page_size": 5, "page_number": 2}
    )
    assert len(_ids(first)) == len(_ids(second)) == 5
    assert not set(_ids(first)) & set(_ids(second))
    assert first["pagination"]["total_count"] == second["pagination"]["total_count"] > 10


def test_a_child_outside_the_regional_scope_is_invisible(
    sync_search: Any, dci_store: Store, dci_world: Any
) -> None:
    _, child = _dtsen_child(dci_store, outside=dci_world.province)
    query = {"type": "PADAN_CHILD_ID", "value": child}
    assert _ids(sync_search("kemensos1", "idtype-value", query)) == [child]
    hidden = sync_search("daerah1", "idtype-value", query)
    assert hidden["status"] == "succ"
    assert _ids(hidden) == [] and hidden["pagination"]["total_count"] == 0


@pytest.mark.parametrize(("user", "masked"), [("kemensos1", True), ("daerah1", False)])
def test_the_nik_is_masked_as_the_role_says(
    sync_search: Any, dci_store: Store, dci_world: Any, user: str, masked: bool
) -> None:
    record, child = _dtsen_child(dci_store, inside=dci_world.province)
    answer = sync_search(user, "idtype-value", {"type": "NIK", "value": record["nik"]})
    found = next(
        r for r in answer["data"]["reg_records"] if r["identifier"]["identifier_value"] == child
    )
    nik = found["additional_identifiers"][0]["identifier_value"]
    assert ("*" in nik) is masked
    assert (nik == record["nik"]) is not masked


def test_a_search_is_audited_without_the_identifier(sync_search: Any, dci_store: Store) -> None:
    record, child = _dtsen_child(dci_store)
    sync_search("kemensos1", "idtype-value", {"type": "NIK", "value": record["nik"]})
    entry = audit_entries(dci_store, limit=1)[0]
    assert (entry.username, entry.action) == ("kemensos1", "registry_query")
    assert child in entry.child_ids
    assert record["nik"] not in entry.target and record["nik"] not in entry.purpose
    assert entry.target.startswith("q=dci:")


@pytest.mark.parametrize(
    ("query_type", "query", "reason"),
    [
        ("idtype-value", {"type": "PASSPORT", "value": "X1"}, "rjct.search_criteria.invalid"),
        ("idtype-value", {"type": "NIK", "value": "12345"}, "rjct.search_criteria.invalid"),
        (
            "predicate",
            [
                {
                    "expression1": {
                        "attribute_name": "poverty_score",
                        "operator": "lt",
                        "attribute_value": 2,
                    }
                }
            ],
            "rjct.search_criteria.invalid",
        ),
        (
            "predicate",
            [
                {
                    "expression1": {
                        "attribute_name": "region",
                        "operator": "lt",
                        "attribute_value": "32",
                    }
                }
            ],
            "rjct.search_criteria.invalid",
        ),
        (
            "expression",
            {"type": "x", "value": {"expression": {"collection": "Group", "query": {"age": 3}}}},
            "rjct.search_criteria.invalid",
        ),
    ],
)
def test_a_query_padan_cannot_answer_is_rejected_with_its_reason(
    sync_search: Any, query_type: str, query: Any, reason: str
) -> None:
    answer = sync_search("kemensos1", query_type, query)
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == reason
    assert answer["status_reason_message"]
    assert answer["data"]["reg_records"] == []


def test_a_bad_page_is_rejected(sync_search: Any) -> None:
    answer = sync_search(
        "kemensos1",
        "idtype-value",
        {"type": "PADAN_CHILD_ID", "value": "X"},
        pagination={"page_size": 5000},
    )
    assert (answer["status"], answer["status_reason_code"]) == ("rjct", "rjct.pagination.invalid")


@pytest.mark.parametrize(("user", "sees_welfare"), [("kemensos1", True), ("kpai1", False)])
def test_dtsen_welfare_and_aid_are_shown_as_the_role_says(
    sync_search: Any, dci_store: Store, user: str, sees_welfare: bool
) -> None:
    record, child = _dtsen_child(dci_store)
    query = {"type": "DTSEN_ID_INDIVIDU", "value": record["id_individu"]}
    found = next(
        r
        for r in sync_search(user, "idtype-value", query)["data"]["reg_records"]
        if r["identifier"]["identifier_value"] == child
    )
    attributes = {k: v for a in found["additional_attributes"] for k, v in a.items()}
    assert attributes["in_dtsen"] is True
    flags = {"penerima_pkh": "PKH", "penerima_pip": "PIP", "penerima_atensi": "ATENSI"}
    if sees_welfare:
        assert attributes["desil"] == record["desil"]
        for column, label in flags.items():
            assert (label in attributes["programs"]) is bool(record[column])
    else:
        assert "desil" not in attributes and "programs" not in attributes

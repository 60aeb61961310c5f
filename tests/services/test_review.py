"""The review queue as the pages and the API get it: pages, filters, why each pair waits and
what each decision would change, in Indonesian and English; audited."""

from __future__ import annotations

import datetime as dt

import pytest

from padan.access.policy import Principal, get_role
from padan.services.review import decide_pair, review_items, review_queue_page
from padan.store import ChildLink, LinkRun, Store
from padan.store.audit import audit_entries

# child → its records ("source:id").
CHILDREN = {
    "C1": ["kpai:K1"],  # a KPAI child not in DTSEN
    "C2": ["dtsen:D1"],
    "C3": ["kpai:K2", "dtsen:D2"],  # a KPAI child in DTSEN
    "C4": ["dtsen:D3"],
    "C5": ["dtsen:D4"],
}
PAIRS = [
    ("dtsen:D3", "dtsen:D4", 0.89, "refused"),
    ("dtsen:D2", "kpai:K2", 0.70, "review"),  # inside C3
    ("dtsen:D1", "kpai:K1", 0.60, "review"),  # would find C1 in DTSEN
]
REVIEWER = Principal("rina", get_role("peninjau"), None)


@pytest.fixture
def queued(store: Store) -> Store:
    now = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
    links = [
        ChildLink(uid.split(":")[0], uid.split(":")[1], child, None)
        for child, uids in CHILDREN.items()
        for uid in uids
    ]
    pairs = [(a, b, p, "model", decision) for a, b, p, decision in PAIRS]
    store.save_link_run(LinkRun(0, now, now, "m", 0.9, 0.5, 5, 5, []), links, pairs)
    return store


def _item(page: dict[str, object], a: str, b: str) -> dict[str, object]:
    items = page["items"]
    assert isinstance(items, list)
    found: dict[str, object] = next(i for i in items if (i["record_a"], i["record_b"]) == (a, b))
    return found


@pytest.mark.parametrize(
    ("lang", "merge", "found", "split", "unsure"),
    [
        (
            "id",
            "Menggabungkan anak C2 (1 catatan) dan anak C1 (1 catatan) menjadi satu profil.",
            "anak KPAI C1 pindah dari 'mungkin terdaftar di DTSEN' ke 'ditemukan di DTSEN'",
            "Memisahkan anak C3 (2 catatan)",
            "Tidak ada yang berubah",
        ),
        (
            "en",
            "Merges child C2 (1 record) and child C1 (1 record) into one profile.",
            "KPAI child C1 moves from 'possibly in DTSEN' to 'found in DTSEN'",
            "Splits child C3 (2 records)",
            "Nothing changes",
        ),
    ],
)
def test_review_queue_page_says_what_each_decision_changes(
    queued: Store, lang: str, merge: str, found: str, split: str, unsure: str
) -> None:
    page = review_queue_page(queued, REVIEWER, lang=lang)
    gap = _item(page, "dtsen:D1", "kpai:K1")
    changes = gap["changes"]
    assert isinstance(changes, dict)
    assert changes["same"][0] == merge and found in changes["same"][1]
    assert unsure in changes["unsure"][0]
    inside = _item(page, "dtsen:D2", "kpai:K2")["changes"]
    assert isinstance(inside, dict) and inside["different"][0].startswith(split)


def test_review_queue_page_gives_every_waiting_pair_its_reason_in_words(queued: Store) -> None:
    page = review_queue_page(queued, REVIEWER, lang="id")
    refused = _item(page, "dtsen:D3", "dtsen:D4")
    assert str(refused["hold"]).startswith("Penggabungan ditolak pengaman")
    doubtful = _item(page, "dtsen:D1", "kpai:K1")
    assert str(doubtful["hold"]).startswith("Menunggu tinjauan petugas")
    # No model to score with: the records are still there, the evidence is not invented.
    assert doubtful["evidence"] is None


def test_review_queue_page_counts_filters_and_audits(queued: Store) -> None:
    page = review_queue_page(queued, REVIEWER, pair="kpai-dtsen", limit=1, offset=1)
    assert (page["total"], page["waiting"], page["offset"], page["limit"]) == (2, 3, 1, 1)
    assert [(i["record_a"], i["position"]) for i in page["items"]] == [("dtsen:D2", 1)]
    assert page["filters"] == {"region": "", "pair": "kpai-dtsen", "impact": "", "reason": ""}
    entry = audit_entries(queued, limit=1)[0]
    assert (entry.action, entry.target, entry.child_ids) == ("review_list", "1 pairs", ["C3"])
    assert (
        review_items(queued, REVIEWER, limit=2)
        == review_queue_page(queued, REVIEWER, limit=2)["items"]
    )


def test_review_queue_page_after_a_decision_keeps_the_place(queued: Store) -> None:
    before = review_queue_page(queued, REVIEWER, limit=1, offset=1)["items"][0]
    decide_pair(
        queued, REVIEWER, before["record_a"], before["record_b"], "different", reason="beda"
    )
    after = review_queue_page(queued, REVIEWER, limit=1, offset=1)
    # The pair at the same place is the one that came after the decided one.
    assert before["record_a"] == "dtsen:D3"
    assert after["total"] == 2 and after["items"][0]["record_a"] == "dtsen:D2"

"""The review queue page and API: count, pages, filters in the URL, evidence in words, the
match-weight chart, what a decision changes, and the place kept after a decision."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from padan.store import open_store
from padan.web import create_app
from support.review_queue import doubtful_copy
from web.conftest import PASSWORD, WebWorld

JARGON = ("Exact match on", "Jaro-Winkler", "is NULL", "All other comparisons", "prior")


@pytest.fixture
def queue(world: WebWorld, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a copy of the world whose queue runs to several pages (decisions here
    leave the shared world alone)."""
    url = doubtful_copy(world.work / "padan.db", tmp_path / "padan.db")
    store = open_store(url)
    app = create_app(store, model_path=world.model, secure_cookies=False)
    with TestClient(app) as test_client:
        test_client.headers["Authorization"] = f"Bearer {world.tokens['tinjau1']}"
        yield test_client
    store.engine.dispose()


def _api(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/review", params={"evidence": "false", **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _pairs(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i["record_a"], i["record_b"]) for i in body["items"]]


def test_review_api_counts_the_queue_and_turns_its_pages(queue: TestClient) -> None:
    everything = _api(queue, limit=1000)
    total = everything["total"]
    assert total == everything["waiting"] == len(everything["items"]) > 20
    first = _api(queue)
    assert (first["total"], first["offset"], first["limit"]) == (total, 0, 20)
    assert _pairs(first) == _pairs(everything)[:20]
    assert [i["position"] for i in first["items"]] == list(range(20))
    second = _api(queue, offset=20)
    assert _pairs(second) == _pairs(everything)[20:40]
    last = _api(queue, offset=10_000)  # past the end: the last page
    assert (
        last["offset"] == (total - 1) // 20 * 20
        and _pairs(last) == _pairs(everything)[last["offset"] :]
    )


@pytest.mark.parametrize("pair", ["kpai-dtsen", "kpai-kpai", "dtsen-dtsen"])
def test_review_api_filters_by_source_pair(queue: TestClient, pair: str) -> None:
    everything = _api(queue, limit=1000)
    body = _api(queue, pair=pair, limit=1000)
    assert body["total"] == everything["counts"]["pair"][pair] == len(body["items"]) > 0
    assert all(i["source_pair"] == pair for i in body["items"])
    sources = {tuple(sorted(u.split(":")[0] for u in p)) for p in _pairs(body)}
    assert sources == {tuple(sorted(pair.split("-")))}


def test_review_api_filters_by_region_impact_and_reason(queue: TestClient) -> None:
    everything = _api(queue, limit=1000)
    codes = [
        next(f for f in i["fields"] if f["field"] == "kode_wilayah") for i in everything["items"]
    ]
    province = (codes[0]["a"] or codes[0]["b"])[:2]
    inside = _api(queue, region=province, limit=1000)
    expected = [
        p
        for p, c in zip(_pairs(everything), codes, strict=True)
        if any((v or "").startswith(province + ".") for v in (c["a"], c["b"]))
    ]
    assert _pairs(inside) == expected and 0 < inside["total"] < everything["total"]
    for impact, n in everything["counts"]["impact"].items():
        assert _api(queue, impact=impact, limit=1000)["total"] == n
    assert _api(queue, reason="refused")["total"] == everything["counts"]["reason"]["refused"]
    bad = queue.get("/api/v1/review", params={"pair": "kpai-bpjs"})
    assert bad.status_code == 400 and "kpai-bpjs" in bad.json()["error"]["message"]


@pytest.mark.parametrize(
    ("lang", "words"), [("id", ("nama sama", "Menggabungkan")), ("en", ("same name", "Merges"))]
)
def test_review_api_says_the_evidence_in_words(
    queue: TestClient, lang: str, words: tuple[str, str]
) -> None:
    body = queue.get("/api/v1/review", params={"limit": 5, "pair": "kpai-dtsen", "lang": lang})
    items = body.json()["items"]
    assert items
    said = []
    for item in items:
        evidence = item["evidence"]
        assert evidence is not None and item["hold"]
        parts = evidence["parts"]
        total = evidence["prior_weight"] + sum(p["match_weight"] for p in parts)
        assert abs(total - evidence["match_weight"]) < 1e-6
        said += [p["text"] for p in parts]
        assert not any(j in p["text"] for p in parts for j in JARGON)
        assert all(item["changes"][d] for d in ("same", "different", "unsure"))
    assert words[0] in said
    changes = " ".join(" ".join(i["changes"]["same"]) for i in items)
    # Inside one child, "same" confirms it; across two, it merges them.
    assert words[1] in changes or ("Menegaskan" if lang == "id" else "Confirms") in changes


def test_review_api_parents_compare_mother_with_mother(queue: TestClient) -> None:
    body = queue.get("/api/v1/review", params={"limit": 1000, "lang": "en"}).json()
    parents = [
        next(p for p in i["evidence"]["parts"] if p["comparison"] == "parents")
        for i in body["items"]
    ]
    for part in parents:
        for value in (part["value_a"], part["value_b"]):
            # Always "mother / father", a missing one as "-": never a father in a mother's place.
            assert value is None or len(value.split(" / ")) == 2, value


def _login(client: TestClient) -> str:
    client.headers.pop("Authorization", None)
    client.get("/login")
    token = client.cookies.get("padan_login_csrf")
    client.post(
        "/login",
        data={"username": "tinjau1", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/children").text)
    assert found
    return found.group(1)


def test_review_page_shows_count_filters_chart_and_shortcuts(queue: TestClient) -> None:
    _login(queue)
    page = queue.get("/review", params={"pair": "kpai-dtsen", "limit": 5}).text
    total = _api_total(queue, pair="kpai-dtsen")
    assert f"Pasangan 1–5 dari {total}" in page
    assert '<option value="kpai-dtsen" selected>' in page
    assert 'href="/review?pair=kpai-dtsen&amp;limit=5&amp;offset=5" rel="next"' in page
    assert page.count('class="weights-chart"') == 5 and "<desc id=" in page
    assert "Rincian (untuk ahli)" in page and "nama sama" in page
    assert "Pintasan papan ketik" in page and "<kbd>s</kbd>" in page
    assert '<script src="/static/review.js" defer></script>' in page
    assert page.count('name="reason" required') == 5
    assert not any(j in page.split("Rincian")[0] for j in ("Exact match on", "p=1"))
    queue.cookies.set("padan_lang", "en")
    english = queue.get("/review", params={"limit": 1}).text
    assert "Keyboard shortcuts" in english and "What a decision changes" in english
    # The chart, the evidence and the details speak the page's language too.
    assert "Details (for experts)" in english and "Match weight of each comparison" in english
    assert "Rincian" not in english and "mendukung" not in english


def _api_total(client: TestClient, **params: Any) -> int:
    response = client.get("/api/v1/review", params={"evidence": "false", "limit": 1, **params})
    total: int = response.json()["total"]
    return total


@pytest.mark.parametrize(
    ("decision", "position", "expected_offset", "expected_at"),
    [
        ("different", 3, 0, 3),  # the pair leaves the queue: the next one takes its place
        ("unsure", 3, 0, 4),  # the pair stays, marked: the next one is after it
        ("unsure", 4, 5, 5),  # the last of the page: the next page
    ],
)
def test_review_decision_comes_back_at_the_next_pair_of_the_same_page(
    queue: TestClient, decision: str, position: int, expected_offset: int, expected_at: int
) -> None:
    csrf = _login(queue)
    before = _api_pairs(queue, pair="kpai-dtsen", limit=1000)
    a, b = before[position]
    response = queue.post(
        "/review/decide",
        data={
            "csrf_token": csrf,
            "record_a": a,
            "record_b": b,
            "decision": decision,
            "reason": "uji posisi",
            "pair": "kpai-dtsen",
            "offset": "0",
            "limit": "5",
            "position": str(position),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query == {
        "pair": "kpai-dtsen",
        "limit": "5",
        "offset": str(expected_offset),
        "done": "decided",
        "at": str(expected_at),
    }
    assert location.fragment == f"item-{expected_at}"
    page = queue.get(f"{location.path}?{location.query}").text
    after = _api_pairs(queue, pair="kpai-dtsen", limit=1000)
    shown = re.search(
        rf'class="card review-item current" id="item-{expected_at}".*?name="record_a" value="([^"]+)"'
        rf'.*?name="record_b" value="([^"]+)"',
        page,
        re.S,
    )
    assert shown and (shown.group(1), shown.group(2)) == after[expected_at]
    assert after[expected_at] == before[position + 1]  # the next pair, not the top


def _api_pairs(client: TestClient, **params: Any) -> list[tuple[str, str]]:
    auth = {"Authorization": client.headers.get("Authorization", "")}
    response = client.get("/api/v1/review", params={"evidence": "false", **params}, headers=auth)
    return _pairs(response.json())


def test_review_decision_without_a_reason_is_refused_and_changes_nothing(
    queue: TestClient,
) -> None:
    csrf = _login(queue)
    before = _api_pairs(queue, limit=1000)
    a, b = before[0]
    response = queue.post(
        "/review/decide",
        data={"csrf_token": csrf, "record_a": a, "record_b": b, "decision": "same", "reason": " "},
    )
    assert response.status_code == 400 and "keputusan perlu alasan" in response.text
    assert _api_pairs(queue, limit=1000) == before


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("id", ("Mengapa catatan ini dicocokkan", "Rincian (untuk ahli)")),
        ("en", ("Why these records are matched", "Details (for experts)")),
    ],
)
def test_profile_explanation_says_the_evidence_in_words(
    queue: TestClient, lang: str, words: tuple[str, str]
) -> None:
    body = queue.get("/api/v1/review", params={"limit": 50, "lang": lang}).json()
    item = next(i for i in body["items"] if i["child_a"] and i["child_a"] == i["child_b"])
    queue.cookies.set("padan_lang", lang)
    page = queue.get(
        f"/children/{item['child_a']}/explain",
        params={"a": item["record_a"], "b": item["record_b"]},
    )
    assert page.status_code == 200, page.text
    assert all(w in page.text for w in words)
    for part in item["evidence"]["parts"]:
        assert part["text"].replace("'", "&#39;") in page.text
    assert 'role="img"' in page.text and "<desc id=" in page.text

"""The trend section of the dashboard and its JSON twin ``/api/v1/dashboard/trends``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from padan.access.auth import create_token, create_user
from padan.services.trends import clear_trends_cache
from padan.store import open_store
from padan.web import create_app
from support.trends import build_history

USERS = {"kpai1": ("analis_kpai", None), "audit1": ("auditor", None)}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    clear_trends_cache()
    store = open_store(f"sqlite:///{tmp_path / 'padan.db'}")
    build_history(store, tmp_path)
    tokens = {}
    for name, (role, region) in USERS.items():
        create_user(store, name, role=role, password="rahasia-sekali-123", region=region)
        tokens[name] = create_token(store, name)
    app = create_app(store, model_path=tmp_path / "model.json", secure_cookies=False)
    with TestClient(app) as test_client:
        yield test_client, tokens
    store.engine.dispose()


def _get(client: tuple[TestClient, dict[str, str]], user: str, path: str, **params: str):  # type: ignore[no-untyped-def]
    test_client, tokens = client
    return test_client.get(path, headers={"Authorization": f"Bearer {tokens[user]}"}, params=params)


# user, params, indicator, values, changes
API = [
    ("kpai1", {"indicator": "kpai_children_not_in_dtsen", "period": "snapshot"}, [1, 3], [None, 2]),
    ("kpai1", {"indicator": "left_dtsen", "period": "snapshot"}, [None, 1], [None, None]),
    ("audit1", {"indicator": "kpai_children_not_in_dtsen", "period": "snapshot"},
     ["<5", "<5"], [None, None]),
]  # fmt: skip


@pytest.mark.parametrize(("user", "params", "values", "changes"), API)
def test_api_trends_json(
    client: tuple[TestClient, dict[str, str]],
    user: str,
    params: dict[str, str],
    values: list[object],
    changes: list[object],
) -> None:
    response = _get(client, user, "/api/v1/dashboard/trends", **params)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["indicator"] == params["indicator"] and data["period"] == "snapshot"
    assert [p["value"] for p in data["points"]] == values
    assert [p["change"] for p in data["points"]] == changes
    assert [p["batch_id"] for p in data["points"]] == [1, 4]
    assert {"label", "as_of", "run_id", "batch_id", "value", "change"} == set(data["points"][0])
    keys = [r["key"] for r in data["rows"]]
    assert "abh_without_atensi_after_days" in keys and "newly_eligible_not_receiving_pkh" in keys


BAD = [
    ({"indicator": "nope"}, "indicator 'nope' is not known"),
    ({"period": "week"}, "period 'week' is not known"),
]


@pytest.mark.parametrize(("params", "message"), BAD)
def test_api_trends_bad_input_is_a_clear_400(
    client: tuple[TestClient, dict[str, str]], params: dict[str, str], message: str
) -> None:
    response = _get(client, "kpai1", "/api/v1/dashboard/trends", **params)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("lang", "title", "axis"), [("id", "Tren", "Anak"), ("en", "Trends", "Children")]
)
def test_dashboard_page_has_trend_chart_and_table(
    client: tuple[TestClient, dict[str, str]], lang: str, title: str, axis: str
) -> None:
    test_client, _ = client
    test_client.cookies.set("padan_lang", lang)
    response = _get(client, "kpai1", "/dashboard", trend="left_dtsen", period="snapshot")
    assert response.status_code == 200, response.text
    page = response.text
    assert f'<h2 id="trends-heading">{title}</h2>' in page
    assert '<svg class="trend"' in page and f">{axis}</text>" in page
    table = page[
        page.index('<table id="trend-table">') : page.index(
            "</table>", page.index('<table id="trend-table">')
        )
    ]
    assert table.count("<tr>") == 3  # header + two snapshots
    assert '<option value="left_dtsen" selected>' in page

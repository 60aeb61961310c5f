"""A token speaks only for its own sender id (``PADAN_DCI_SENDERS``), and a message id is
taken once per sender within the signature window."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from padan.dci.envelope import DciError
from padan.dci.senders import SeenMessages, parse_senders
from padan.errors import InputError
from padan.store import Store
from padan.web import create_app
from support.dci import envelope, search_message

_BY_ID = {"type": "PADAN_CHILD_ID", "value": "PDN000000001"}


def _post(client: TestClient, world: Any, user: str, body: Any) -> Any:
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    return client.post("/registry/sync/search", json=body, headers=headers)


@pytest.fixture
def bound_client(dci_world: Any, dci_store: Store) -> Iterator[TestClient]:
    """The app with sender ``dinsos-a`` tied to kemensos1 and ``kpai-sp`` to kpai1."""
    app = create_app(
        dci_store,
        model_path=dci_world.model,
        secure_cookies=False,
        dci_senders="dinsos-a=kemensos1, kpai-sp=kpai1",
    )
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize(
    ("user", "sender", "status"),
    [
        ("kemensos1", "dinsos-a", 200),  # its own sender id
        ("kpai1", "kpai-sp", 200),
        ("kpai1", "dinsos-a", 403),  # another partner's sender id, unsigned
        ("kemensos1", "kpai-sp", 403),
        ("kemensos1", "someone-else", 403),  # a sender id no partner has
    ],
)
def test_a_token_may_send_only_as_its_own_sender_id(
    bound_client: TestClient, dci_world: Any, user: str, sender: str, status: int
) -> None:
    body = envelope("search", search_message("idtype-value", _BY_ID), sender_id=sender)
    response = _post(bound_client, dci_world, user, body)
    assert response.status_code == status, response.text[:300]
    if status == 403:
        assert response.json()["message"]["error"]["code"] == "err.sender_id.invalid"


def test_without_senders_configured_any_sender_id_is_taken(
    dci_client: TestClient, dci_world: Any
) -> None:
    body = envelope("search", search_message("idtype-value", _BY_ID), sender_id="dinsos-a")
    assert _post(dci_client, dci_world, "kpai1", body).status_code == 200


@pytest.mark.parametrize("text", ["dinsos-a", "=user", "dinsos-a=", "a=b,c"])
def test_a_senders_entry_that_is_not_sender_equals_user_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="PADAN_DCI_SENDERS"):
        parse_senders(text)


def test_a_sender_id_may_have_several_users() -> None:
    assert parse_senders("a=u1,a=u2, b=u3,") == {"a": {"u1", "u2"}, "b": {"u3"}}


def test_a_message_id_is_taken_once_per_sender(dci_client: TestClient, dci_world: Any) -> None:
    body = envelope("search", search_message("idtype-value", _BY_ID), message_id="replay-1")
    assert _post(dci_client, dci_world, "kemensos1", body).status_code == 200
    again = _post(dci_client, dci_world, "kemensos1", body)
    assert again.status_code == 409, again.text[:300]
    answer = again.json()
    assert answer["header"]["status"] == "rjct"
    assert answer["header"]["status_reason_code"] == "rjct.message_id.duplicate"
    assert answer["header"]["action"] == "on-search"
    assert answer["message"]["error"]["code"] == "err.request.bad"
    other = body | {"header": body["header"] | {"sender_id": "another-partner"}}
    assert _post(dci_client, dci_world, "kemensos1", other).status_code == 200


def test_a_refused_message_does_not_use_up_its_message_id(
    dci_client: TestClient, dci_world: Any
) -> None:
    body = envelope(
        "search", search_message("idtype-value", _BY_ID), message_id="fix-1", receiver_id="nope"
    )
    assert _post(dci_client, dci_world, "kemensos1", body).status_code == 400
    body["header"]["receiver_id"] = "padan"
    assert _post(dci_client, dci_world, "kemensos1", body).status_code == 200


def test_seen_messages_forget_after_the_window_and_stay_bounded() -> None:
    seen = SeenMessages(window=10, limit=3)
    seen.take("s", "m1", now=0)
    with pytest.raises(DciError) as refused:
        seen.take("s", "m1", now=10)
    assert (refused.value.status, refused.value.reason) == (409, "rjct.message_id.duplicate")
    seen.take("s", "m1", now=11)  # out of the window: taken again
    for i in range(10):
        seen.take("s", f"n{i}", now=12)
    assert len(seen) <= 3

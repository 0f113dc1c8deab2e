"""A state import is all or nothing, even when Redis is lost in the middle of its writes: it wrote each user,
device and account in turn, and a connection cut after the second user (a Redis killed, a link dropped) left
those two written and the rest not, users without their devices able to log in, until someone imported the
document again. On one Redis (or Sentinel's master) the writes now go as one MULTI/EXEC transaction, which
Redis runs whole or, cut before its EXEC, not at all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from answer_cutter import AnswerCutter, RequestCutter
from conftest import ADMIN_TOKEN, config_on, trail
from flask.testing import FlaskClient
from kill_kit import race_once

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis
from sls_server.transfer.writing import WorldWriter

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Correct-Horse-Battery-9"
NAMES = ("alice", "bob", "carol", "dave")


@pytest.fixture
def cut_client(tmp_path: Path) -> Iterator[tuple[FlaskClient, RequestCutter]]:
    """An app on a Redis of its own, reached through a cutter: one Redis, whatever the session topology."""
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=False).start()
    assert own.socket_path is not None
    cutter = RequestCutter(str(own.socket_path))
    try:
        app = create_app({**config_on(cutter.url, tmp_path / "data"), "REDIS_TIMEOUT": 2})
        yield app.test_client(), cutter
    finally:
        cutter.close()
        own.stop()


def a_world_saved_then_wiped(client: FlaskClient) -> dict[str, Any]:
    for name in NAMES:
        made = client.post(
            "/admin/v1/users", json={"username": name, "password": PASSWORD, "sms": False}, headers=ADMIN
        )
        assert made.status_code == 201, made.get_json()
        card = client.post(
            f"/admin/v1/users/{name}/devices", json={"type": "dscplus", "pin": "1234"}, headers=ADMIN
        )
        assert card.status_code == 201, card.get_json()
    document = client.get("/admin/v1/state/export", headers=ADMIN).get_json()
    assert client.post("/admin/v1/reset", headers=ADMIN).status_code == 200
    return dict(document)


@pytest.mark.parametrize("replace", [False, True])
def test_an_import_cut_by_a_lost_connection_writes_none_of_the_document(
    cut_client: tuple[FlaskClient, RequestCutter], replace: bool
) -> None:
    client, cutter = cut_client
    document = a_world_saved_then_wiped(client)
    third = next(u for u in document["users"] if u["record"]["username"] == "carol")
    cutter.armed = third["record"]["password_hash"].encode()  # in carol's create: alice and bob went before

    cut = client.post(f"/admin/v1/state/import?replace={str(replace).lower()}", json=document, headers=ADMIN)

    assert cutter.cut == 1
    assert (cut.status_code, cut.get_json()["error"]) == (503, "store_unavailable")
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == []
    assert trail(client, ADMIN, "state.imported") == []
    loaded = client.post(
        f"/admin/v1/state/import?replace={str(replace).lower()}", json=document, headers=ADMIN
    )
    assert loaded.status_code == 200, loaded.get_json()  # nothing of it was left to clash with
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == sorted(NAMES)


def test_a_record_created_by_another_request_after_the_checks_is_a_conflict_with_nothing_written(
    cut_client: tuple[FlaskClient, RequestCutter], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request creates bob once the import has judged the document clash-free: the transaction,
    watching bob's keys, is not run; judged again, the document clashes (409 ``users[1]``), and none of it is
    written, the other request's bob as it made him."""
    client, _ = cut_client
    document = a_world_saved_then_wiped(client)
    theirs = {"username": "bob", "password": "Someone-Elses-Bob-42"}
    made = race_once(
        monkeypatch,
        WorldWriter,
        "refuse_clashes",
        lambda: client.application.test_client().post("/admin/v1/users", json=theirs, headers=ADMIN),
    )

    refused = client.post("/admin/v1/state/import", json=document, headers=ADMIN)

    assert made[0].status_code == 201, made[0].get_json()
    body = refused.get_json()
    assert (refused.status_code, body["field"], body["index"]) == (409, "users", 1), body
    assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == ["bob"]
    assert client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"] == []
    assert trail(client, ADMIN, "state.imported") == []


def test_an_import_whose_answer_is_lost_is_there_whole(tmp_path: Path) -> None:
    """Redis ran the transaction and the connection was cut before its answer came back: 503, as the server
    cannot tell, and the document is there whole (never a part of it), so importing it again with
    ``replace`` (what the 503 leaves to do) finds nothing half written either."""
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=False).start()
    assert own.socket_path is not None
    cutter = AnswerCutter(str(own.socket_path))
    try:
        client = create_app({**config_on(cutter.url, tmp_path / "data"), "REDIS_TIMEOUT": 2}).test_client()
        document = a_world_saved_then_wiped(client)
        third = next(u for u in document["users"] if u["record"]["username"] == "carol")
        cutter.then = b"$4\r\nEXEC\r\n"  # the transaction sent whole before the cut
        cutter.armed = third["record"]["password_hash"].encode()

        cut = client.post("/admin/v1/state/import", json=document, headers=ADMIN)

        assert cutter.cut == 1
        assert (cut.status_code, cut.get_json()["error"]) == (503, "store_unavailable")
        assert client.get("/admin/v1/users", headers=ADMIN).get_json()["users"] == sorted(NAMES)
        for name in NAMES:
            assert len(client.get(f"/admin/v1/users/{name}", headers=ADMIN).get_json()["devices"]) == 1
    finally:
        cutter.close()
        own.stop()

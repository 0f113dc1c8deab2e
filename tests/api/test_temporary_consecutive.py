"""KB69: the broker "will not issue consecutive temporary passcodes to a given account, but rather will act to
restore the account protection to the most secure level". While a user's newest device is a temporary
passcode (live, lapsed or revoked), another is 409 ``consecutive_temporary_passcode`` naming it, and nothing
is written; a device enrolled after it clears the way. Passcodes issued at once: exactly one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from conftest import ADMIN_TOKEN, move_clock
from flask.testing import FlaskClient
from test_state_transfer import snapshot

from sls_server.store import keys

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _user(client: FlaskClient, name: str) -> None:
    made = client.post(
        "/admin/v1/users", json={"username": name, "password": "Correct-Horse-Battery-9"}, headers=ADMIN
    )
    assert made.status_code == 201, made.get_json()


def _enrol(client: FlaskClient, name: str, **body: Any) -> Any:
    return client.post(f"/admin/v1/users/{name}/devices", json=body, headers=ADMIN)


def _passcode(client: FlaskClient, name: str) -> dict[str, Any]:
    issued = _enrol(client, name, type="temporary", days=1)
    assert issued.status_code == 201, issued.get_json()
    return issued.get_json()  # type: ignore[no-any-return]


def _refused(client: FlaskClient, redis_url: str, name: str, after: str) -> None:
    before = snapshot(redis_url)
    again = _enrol(client, name, type="temporary")
    body = again.get_json()
    assert again.status_code == 409, body
    assert (body["error"], body["device_id"]) == ("consecutive_temporary_passcode", after), body
    assert snapshot(redis_url) == before  # no device, no event, no notice


def test_a_passcode_is_not_followed_by_another_until_a_device_is_enrolled_after_it(
    client: FlaskClient, redis_url: str
) -> None:
    _user(client, "tess")
    card = _enrol(client, "tess", type="dscplus", pin="1234").get_json()
    assert (
        client.delete(f"/admin/v1/users/tess/devices/{card['device_id']}", headers=ADMIN).status_code == 200
    )
    first = _passcode(client, "tess")  # the card lost and revoked: a passcode, as Client Services give one

    _refused(client, redis_url, "tess", first["device_id"])  # live
    move_clock(client, ADMIN, 86400)
    _refused(client, redis_url, "tess", first["device_id"])  # lapsed
    gone = client.delete(f"/admin/v1/users/tess/devices/{first['device_id']}", headers=ADMIN)
    assert gone.status_code == 200
    _refused(client, redis_url, "tess", first["device_id"])  # revoked: still the newest device she had

    assert _enrol(client, "tess", type="dscplus", pin="4321").status_code == 201  # restored to a card
    assert _passcode(client, "tess")["device_id"] != first["device_id"]  # lost again: a passcode again


def test_passcodes_issued_at_once_give_exactly_one(client: FlaskClient) -> None:
    _user(client, "tess")
    app = client.application
    barrier = threading.Barrier(8)

    def issue(_: int) -> tuple[int, Any]:
        own = app.test_client()
        barrier.wait()
        answer = _enrol(own, "tess", type="temporary")
        return answer.status_code, answer.get_json()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(issue, range(8)))

    issued = [body for status, body in answers if status == 201]
    assert len(issued) == 1, answers
    assert all(body["device_id"] == issued[0]["device_id"] for status, body in answers if status == 409)
    listed = client.get("/admin/v1/users/tess/devices", headers=ADMIN).get_json()["devices"]
    assert [d["device_id"] for d in listed] == [issued[0]["device_id"]]
    records = list(app.extensions["sls"].store.client.scan_iter(match=keys.device("*")))
    assert records == [keys.device(issued[0]["device_id"])], "a refused passcode's record is deleted"


def test_a_saved_world_keeps_the_rule(client: FlaskClient, redis_url: str) -> None:
    """The user's record carries the passcode that joined last, so a world saved and loaded again still
    refuses the next one."""
    _user(client, "tess")
    first = _passcode(client, "tess")
    saved = client.get("/admin/v1/state/export", headers=ADMIN).get_json()
    assert client.post("/admin/v1/reset", headers=ADMIN).status_code == 200
    loaded = client.post("/admin/v1/state/import?replace=true", json=saved, headers=ADMIN)
    assert loaded.status_code == 200, loaded.get_json()

    _refused(client, redis_url, "tess", first["device_id"])


def test_a_saved_world_whose_user_names_no_passcode_of_theirs_is_refused(
    client: FlaskClient, redis_url: str
) -> None:
    _user(client, "tess")
    card = _enrol(client, "tess", type="dscplus", pin="1234").get_json()
    saved = client.get("/admin/v1/state/export", headers=ADMIN).get_json()
    for named in (card["device_id"], "temporary-000000000000"):  # a card; a passcode not in the document
        saved["users"][0]["record"]["temporary_passcode"] = named
        before = snapshot(redis_url)
        refused = client.post("/admin/v1/state/import?replace=true", json=saved, headers=ADMIN)
        assert refused.status_code == 400, refused.get_json()
        assert (refused.get_json()["field"], refused.get_json()["index"]) == ("users", 0)
        assert snapshot(redis_url) == before

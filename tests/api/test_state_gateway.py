"""A saved world keeps the gateway's daily reset as set at run time (``PUT /admin/v1/gateway/daily-reset``).

Before, the document had no place for it: a world saved with the reset set to 10:30 came back with the
configured time (or none), and one saved with the configured reset turned off came back resetting daily.
Now ``settings.gateway_daily_reset`` carries the time (null: turned off) and the instant it was set, which
an import with ``replace`` sets again, like the clock; absent, only the configuration decides.
"""

from __future__ import annotations

import copy
from typing import Any

from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient
from gateway_kit import PASSWORD, logged_in

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TEN = 1_893_492_000  # 2030-01-01T10:00:00Z


def _gateway(app_config: dict[str, Any], **extra: Any) -> FlaskClient:
    client = create_app({**app_config, "GATEWAY": True, **extra}).test_client()
    body = {"username": "sam", "password": PASSWORD, "phone": "+15555550171", "sms": False}
    assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201
    assert client.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=ADMIN).status_code == 201
    clock = client.post("/admin/v1/clock", json={"set_at": TEN, "freeze": True}, headers=ADMIN)
    assert clock.status_code == 200
    return client


def _daily_reset(client: FlaskClient, at: str | None) -> None:
    put = client.put("/admin/v1/gateway/daily-reset", json={"at": at}, headers=ADMIN)
    assert put.status_code == 200, put.get_json()


def _export(client: FlaskClient) -> dict[str, Any]:
    answer = client.get("/admin/v1/state/export", headers=ADMIN)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def _import(client: FlaskClient, document: dict[str, Any], *, replace: bool = True) -> Any:
    return client.post(f"/admin/v1/state/import?replace={str(replace).lower()}", json=document, headers=ADMIN)


def _reload(client: FlaskClient, document: dict[str, Any]) -> None:
    assert client.post("/admin/v1/reset", headers=ADMIN).status_code == 200
    loaded = _import(client, document)
    assert loaded.status_code == 200, loaded.get_json()


def _shown(client: FlaskClient) -> Any:
    return client.get("/admin/v1/gateway", headers=ADMIN).get_json()["daily_reset"]


def _without_time(document: dict[str, Any]) -> dict[str, Any]:
    kept = copy.deepcopy(document)
    kept.pop("exported_at")
    for device in kept["devices"]:
        device.pop("version", None)
    return kept


def test_a_daily_reset_set_at_run_time_comes_back_and_ends_the_session_at_its_time(
    app_config: dict[str, Any],
) -> None:
    client = _gateway(app_config, GATEWAY_DAILY_RESET="05:00")
    _daily_reset(client, "10:30")
    document = _export(client)

    _reload(client, document)

    assert _shown(client) == "10:30"
    assert _without_time(_export(client)) == _without_time(document)
    logged_in(client, "sam")
    moved = client.post("/admin/v1/clock", json={"set_at": TEN + 1800}, headers=ADMIN)
    assert moved.status_code == 200
    ended = client.post("/v1/api/tickle")
    assert ended.status_code == 401 and ended.get_json()["reason"] == "daily_reset"


def test_a_configured_reset_turned_off_at_run_time_stays_off(app_config: dict[str, Any]) -> None:
    client = _gateway(app_config, GATEWAY_DAILY_RESET="10:30")
    _daily_reset(client, None)
    document = _export(client)

    _reload(client, document)

    assert _shown(client) is None
    logged_in(client, "sam")
    session = client.get("/admin/v1/gateway", headers=ADMIN).get_json()["session"]
    assert session["daily_reset_at"] is None  # not 10:30, as configured


def test_with_no_run_time_setting_the_configuration_decides_and_an_added_world_keeps_this_servers(
    app_config: dict[str, Any],
) -> None:
    client = _gateway(app_config, GATEWAY_DAILY_RESET="05:00")
    plain = _export(client)
    assert "gateway_daily_reset" not in plain["settings"]
    _daily_reset(client, "10:30")

    _reload(client, plain)
    assert _shown(client) == "05:00"

    _daily_reset(client, "11:45")
    elsewhere = copy.deepcopy(plain)
    elsewhere["users"] = elsewhere["devices"] = []
    elsewhere["settings"]["gateway_daily_reset"] = {"at": "10:30", "since": TEN}
    added = _import(client, elsewhere, replace=False)
    assert added.status_code == 200, added.get_json()
    assert _shown(client) == "11:45"  # like the clock, the settings are taken only with replace


def test_a_daily_reset_the_server_would_not_take_is_refused_and_changes_nothing(
    app_config: dict[str, Any],
) -> None:
    client = _gateway(app_config)
    _daily_reset(client, "10:30")
    good = _export(client)
    for value in ({"at": "24:00", "since": TEN}, {"at": "10:30", "since": -1}, {"at": "10:30"}):
        broken = copy.deepcopy(good)
        broken["settings"]["gateway_daily_reset"] = value
        answer = _import(client, broken)
        assert answer.status_code == 400, (value, answer.get_json())
        assert answer.get_json()["field"].startswith("settings"), answer.get_json()
        assert _shown(client) == "10:30"

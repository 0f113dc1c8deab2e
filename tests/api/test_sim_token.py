"""``SLS_SIM_TOKEN``: /sim/v1 behind its own bearer token, for demos where the audience plays the attacker.

Unset, the simulated world is open as before (possession is the test). Set, every /sim/v1 route needs
``Authorization: Bearer <sim token>``; without it, or with a wrong one (the admin token included), 401
``sim_token_required``, and the token is never echoed.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient
from spec_conformance import error_codes

from sls_server import create_app
from sls_server.config import load_settings
from sls_server.errors import InvalidConfig

SIM_TOKEN = "trainer-sim-token-0123456789"
PHONE = "+15555550123"


@pytest.fixture
def guarded(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "SIM_TOKEN": SIM_TOKEN}).test_client()


@pytest.fixture
def carol(guarded: FlaskClient, admin_headers: dict[str, str]) -> EnrolledUser:
    return EnrolledUser(guarded, admin_headers, "carol", "2468")


def _routes(user: EnrolledUser) -> list[tuple[str, str, dict[str, Any]]]:
    card = user.device_id
    return [
        ("POST", f"/sim/v1/dscplus/{card}/respond", {"json": {"pin": "2468", "challenge": "123456"}}),
        ("GET", f"/sim/v1/dscplus/{card}", {}),
        ("GET", f"/sim/v1/phones/{PHONE}/messages", {}),
        ("GET", f"/sim/v1/phones/{PHONE}/calls", {}),
        ("PUT", f"/sim/v1/phones/{PHONE}/conditions", {"json": {"roaming": True}}),
        ("GET", "/sim/v1/ibkey/ibkey-000000000000/notifications", {}),
    ]


WRONG = [
    None,
    "",
    "Bearer",
    "Bearer ",
    f"Bearer {SIM_TOKEN}x",
    f"Bearer {SIM_TOKEN[:-1]}",
    f"Basic {SIM_TOKEN}",
    f"Bearer {ADMIN_TOKEN}",
]


@pytest.mark.parametrize("authorization", WRONG)
def test_without_the_right_token_every_sim_route_is_401(
    carol: EnrolledUser, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, path, kwargs in _routes(carol):
        answered = carol.client.open(path, method=method, headers=headers, **kwargs)
        assert answered.status_code == 401, (method, path, answered.get_json())
        body = answered.get_json()
        assert body["error"] == "sim_token_required"
        assert "SLS_SIM_TOKEN" in body["message"]
        assert SIM_TOKEN not in answered.get_data(as_text=True)


def test_with_the_token_the_sim_routes_work(carol: EnrolledUser) -> None:
    sim = {"Authorization": f"Bearer {SIM_TOKEN}"}
    started = carol.start_login()
    answer = carol.client.post(
        f"/sim/v1/dscplus/{carol.device_id}/respond",
        json={"pin": "2468", "challenge": started["factor"]["challenge"]},
        headers=sim,
    )
    assert answer.status_code == 200, answer.get_json()
    assert carol.verify(started["txn_id"], answer.get_json()["response"]).status_code == 200
    assert carol.client.get(f"/sim/v1/phones/{PHONE}/messages", headers=sim).status_code == 200
    lower = {"Authorization": f"bearer {SIM_TOKEN}"}  # the scheme is case-insensitive (RFC 9110)
    assert carol.client.get(f"/sim/v1/dscplus/{carol.device_id}", headers=lower).status_code == 200


def test_the_other_surfaces_do_not_need_it(carol: EnrolledUser, admin_headers: dict[str, str]) -> None:
    assert carol.client.get("/admin/v1/users", headers=admin_headers).status_code == 200
    assert carol.client.get("/healthz").status_code == 200
    assert carol.start_login()["state"] == "second_factor"


def test_unset_the_simulators_stay_open(alice: EnrolledUser) -> None:
    assert alice.client.get(f"/sim/v1/dscplus/{alice.device_id}").status_code == 200


def test_switched_off_wins_over_the_token(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "SIM_TOKEN": SIM_TOKEN, "SIM_ENABLED": False}).test_client()
    answered = client.get(
        f"/sim/v1/phones/{PHONE}/messages", headers={"Authorization": f"Bearer {SIM_TOKEN}"}
    )
    assert answered.status_code == 403 and answered.get_json()["error"] == "simulator_disabled"


def test_the_setting_must_be_a_real_token() -> None:
    with pytest.raises(InvalidConfig) as caught:
        load_settings({}, environ={"SLS_SIM_TOKEN": "short"})
    assert caught.value.key == "SLS_SIM_TOKEN"
    assert load_settings({}, environ={"SLS_SIM_TOKEN": SIM_TOKEN}).sim_token == SIM_TOKEN
    assert load_settings({}, environ={"SLS_SIM_TOKEN": ""}).sim_token is None


def test_the_document_describes_the_sim_token(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    scheme = spec["components"]["securitySchemes"]["simToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "SLS_SIM_TOKEN" in scheme["description"]
    sim_ops = [
        (path, method, op)
        for path, item in spec["paths"].items()
        if path.startswith("/sim/v1/")
        for method, op in item.items()
    ]
    assert sim_ops
    for path, method, operation in sim_ops:
        assert {"simToken": []} in operation["security"], (method, path)
        assert {} in operation["security"], f"{method} {path}: open when SLS_SIM_TOKEN is unset"
        assert "sim_token_required" in error_codes(spec, operation, 401), (method, path)

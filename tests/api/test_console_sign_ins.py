"""Sign-ins to the trainer console and the simulator pages are server-side (``auth.console``): a copied cookie
stops working when its browser signs out, after the idle or the absolute lifetime (the wall clock, moved with
freezegun), when an operator ends them all, and when the token changes; Redis keeps only the id's SHA-256;
a reset keeps them and a state document does not carry them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, FROZEN_AT
from flask import Flask
from flask.testing import FlaskClient
from freezegun import freeze_time
from page_forms import csrf, sign_in_to_console

from sls_server import create_app
from sls_server.config import load_settings
from sls_server.errors import InvalidConfig
from sls_server.store import connect
from sls_server.store.embedded import EmbeddedRedis

SIM_TOKEN = "trainer-sim-token-0123456789"
IDLE, ABSOLUTE = 600, 3600


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    settings = {"SIM_TOKEN": SIM_TOKEN, "CONSOLE_IDLE_TIMEOUT": IDLE, "CONSOLE_ABSOLUTE_TIMEOUT": ABSOLUTE}
    return create_app({**app_config, **settings})


def copy_of(client: FlaskClient, name: str = "sls_trainer", path: str = "/trainer") -> FlaskClient:
    """Another browser holding a copy of ``client``'s sign-in cookie (and nothing else)."""
    cookie = client.get_cookie(name, path=path)
    assert cookie is not None
    other = client.application.test_client()
    other.set_cookie(name, cookie.value, path=path)
    return other


def in_console(client: FlaskClient) -> bool:
    page = client.get("/trainer")
    assert page.status_code == 200
    signed_in = 'data-testid="trainer-sign-out"' in page.get_data(as_text=True)
    assert (client.get("/trainer/users").status_code == 200) is signed_in
    return signed_in


def sign_in_to_simulators(client: FlaskClient) -> None:
    token = csrf(client.get("/sim").get_data(as_text=True))
    signed = client.post("/sim/unlock", data={"token": SIM_TOKEN, "next": "/sim", "csrf_token": token})
    assert signed.status_code == 303


def in_simulators(client: FlaskClient) -> bool:
    return client.get("/sim").status_code == 200


def test_a_copied_cookie_stops_working_when_its_browser_signs_out(client: FlaskClient) -> None:
    form_token = sign_in_to_console(client)
    thief = copy_of(client)
    assert in_console(thief)

    signed_out = client.post("/trainer/sign-out", data={"csrf_token": form_token})

    assert signed_out.status_code == 303
    assert not in_console(thief)
    assert not in_console(client)
    assert client.get("/trainer/events").status_code == 401


def test_redis_keeps_only_the_hash_of_the_id_the_cookie_carries(app: Flask, redis_url: str) -> None:
    client = app.test_client()
    sign_in_to_console(client)
    cookie = client.get_cookie("sls_trainer", path="/trainer")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"
    with app.app_context():
        from sls_server.http.pages.kit import seal

        sign_in_id = seal("trainer").open(cookie.value, "trainer-access")["id"]  # type: ignore[index]
    assert len(sign_in_id) >= 43  # 32 random bytes, urlsafe base64
    redis = connect(redis_url)
    try:
        stored = {key: redis.hgetall(key) for key in redis.scan_iter(match="sls:{console}:sign_in:*")}
    finally:
        redis.close()
    assert list(stored) == [f"sls:{{console}}:sign_in:{hashlib.sha256(sign_in_id.encode()).hexdigest()}"]
    assert sign_in_id not in json.dumps(stored) and ADMIN_TOKEN not in json.dumps(stored)


def test_a_sign_in_ends_after_its_idle_time_and_activity_moves_that_on(client: FlaskClient) -> None:
    with freeze_time(FROZEN_AT) as frozen:
        sign_in_to_console(client)
        thief = copy_of(client)
        frozen.tick(IDLE - 1)
        assert in_console(client)  # a request: the idle time starts again
        frozen.tick(IDLE - 1)
        assert in_console(thief)
        frozen.tick(IDLE)
        assert not in_console(thief)
        assert not in_console(client)


def test_a_sign_in_ends_at_its_absolute_lifetime_however_busy(client: FlaskClient) -> None:
    with freeze_time(FROZEN_AT) as frozen:
        sign_in_to_console(client)
        thief = copy_of(client)
        for _ in range(ABSOLUTE // (IDLE - 60)):
            frozen.tick(IDLE - 60)
            assert in_console(client)
        frozen.tick(ABSOLUTE - (ABSOLUTE // (IDLE - 60)) * (IDLE - 60))
        assert not in_console(thief)
        assert not in_console(client)


def test_moving_the_emulated_clock_a_day_signs_no_one_out(client: FlaskClient) -> None:
    form_token = sign_in_to_console(client)
    moved = client.post("/trainer/clock", json={"step": "day"}, headers={"X-CSRF-Token": form_token})
    assert moved.status_code == 200
    assert in_console(client)


def test_the_admin_route_ends_every_sign_in_to_both_doors(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    sign_in_to_console(client)
    sign_in_to_simulators(client)
    thief, sim_thief = copy_of(client), copy_of(client, "sls_sim_access", "/sim")
    assert in_console(thief) and in_simulators(sim_thief)

    ended = app.test_client().delete("/admin/v1/console/sign-ins", headers=admin_headers)

    assert ended.status_code == 200 and ended.get_json() == {"trainer": 1, "sim": 1}
    assert not in_console(thief) and not in_console(client)
    assert not in_simulators(sim_thief) and not in_simulators(client)
    events = app.test_client().get("/admin/v1/events?type=console.sign_ins_ended", headers=admin_headers)
    assert [e["detail"] for e in events.get_json()["events"]] == [{"trainer": 1, "sim": 1}]
    again = app.test_client().delete("/admin/v1/console/sign-ins", headers=admin_headers)
    assert again.get_json() == {"trainer": 0, "sim": 0}


def test_the_admin_route_needs_the_admin_token(app: Flask) -> None:
    refused = app.test_client().delete("/admin/v1/console/sign-ins")
    assert refused.status_code == 401


def test_sign_out_everywhere_in_the_console_ends_every_browser_s_sign_in(client: FlaskClient) -> None:
    form_token = sign_in_to_console(client)
    thief = copy_of(client)
    elsewhere = client.application.test_client()
    sign_in_to_console(elsewhere)

    ended = client.post("/trainer/sign-ins/end", data={"csrf_token": form_token})

    assert ended.status_code == 303 and ended.headers["Location"] == "/trainer"
    assert not in_console(thief) and not in_console(elsewhere) and not in_console(client)


def test_sign_out_everywhere_needs_the_form_s_token_and_a_sign_in(client: FlaskClient) -> None:
    sign_in_to_console(client)
    assert client.post("/trainer/sign-ins/end", data={"csrf_token": "forged"}).status_code == 403
    assert in_console(client)
    stranger = client.application.test_client()
    token = csrf(stranger.get("/trainer").get_data(as_text=True))
    assert stranger.post("/trainer/sign-ins/end", data={"csrf_token": token}).status_code == 303
    assert in_console(client)


def test_a_new_admin_token_voids_every_sign_in(app_config: dict[str, Any], client: FlaskClient) -> None:
    sign_in_to_console(client)
    cookie = client.get_cookie("sls_trainer", path="/trainer")
    assert cookie is not None
    renewed = create_app({**app_config, "ADMIN_TOKEN": "another-admin-token-0123456789"}).test_client()
    renewed.set_cookie("sls_trainer", cookie.value, path="/trainer")
    assert not in_console(renewed)
    assert not in_console(client)  # the sign-in is gone, not only refused to the new server


def test_a_reset_keeps_the_sign_ins_and_a_state_document_does_not_carry_them(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    sign_in_to_console(client)
    assert client.post("/admin/v1/reset", headers=admin_headers).status_code == 200
    assert in_console(client)
    document = client.get("/admin/v1/state/export", headers=admin_headers).get_json()
    client.delete("/admin/v1/console/sign-ins", headers=admin_headers)
    imported = client.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)
    assert imported.status_code == 200
    assert not in_console(client)


def test_the_idle_time_may_not_outlast_the_absolute_lifetime() -> None:
    with pytest.raises(InvalidConfig, match="SLS_CONSOLE_ABSOLUTE_TIMEOUT"):
        load_settings({"CONSOLE_IDLE_TIMEOUT": 3600, "CONSOLE_ABSOLUTE_TIMEOUT": 1800}, environ={})


def test_with_redis_down_the_console_and_simulators_refuse_and_let_no_one_in(
    app_config: dict[str, Any], tmp_path: Path
) -> None:
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()
    try:
        config = {**app_config, "REDIS_URL": own.url, "REDIS_TIMEOUT": 0.5, "SIM_TOKEN": SIM_TOKEN}
        client = create_app(config).test_client()
        form_token = sign_in_to_console(client)
        sign_in_to_simulators(client)
        stranger = client.application.test_client()
        stranger_token = csrf(stranger.get("/trainer").get_data(as_text=True))
        own.stop()

        for answer in (
            client.get("/trainer"),
            client.get("/sim"),
            client.post("/trainer/sign-out", data={"csrf_token": form_token}),
            client.post("/trainer/sign-ins/end", data={"csrf_token": form_token}),
            stranger.post("/trainer/sign-in", data={"token": ADMIN_TOKEN, "csrf_token": stranger_token}),
        ):
            assert answer.status_code == 503
            assert 'data-testid="store-unavailable"' in answer.get_data(as_text=True)
            assert "sls_trainer=" not in answer.headers.get("Set-Cookie", "")
        assert client.get("/trainer/users").status_code == 503
        assert client.post("/trainer/clock", json={"step": "day"}).status_code == 503

        own.start()
        assert in_console(client)  # the sign-out did not happen: the sign-in is still there to end
        assert not in_console(stranger)
    finally:
        own.stop()


def test_the_sign_in_page_states_the_configured_lifetimes(client: FlaskClient) -> None:
    text = client.get("/trainer").get_data(as_text=True)
    assert "for 10 min without use and 60 min at most" in text


def test_signing_in_again_ends_the_browser_s_earlier_sign_in(client: FlaskClient) -> None:
    sign_in_to_console(client)
    earlier = copy_of(client)
    sign_in_to_console(client)
    assert not in_console(earlier)
    assert in_console(client)


def test_a_copied_simulators_cookie_stops_working_when_its_browser_signs_out(client: FlaskClient) -> None:
    sign_in_to_simulators(client)
    thief = copy_of(client, "sls_sim_access", "/sim")
    index = client.get("/sim").get_data(as_text=True)
    assert 'data-testid="sim-sign-out"' in index

    signed_out = client.post("/sim/sign-out", data={"csrf_token": csrf(index)})

    assert signed_out.status_code == 303 and signed_out.headers["Location"] == "/sim"
    assert not in_simulators(thief) and not in_simulators(client)
    assert client.post("/sim/sign-out", data={"csrf_token": "forged"}).status_code == 403

"""Wrong admin and sim tokens are counted per client address (``auth.token_guesses``). The admin API, /sim/v1
and the console's and simulator pages' sign-in forms compared a token in memory, as often as a client cared to
ask: an attack review sent thousands of guesses a second at ``/admin/v1`` with nothing in the audit trail, and
an operator-set ``SLS_ADMIN_TOKEN`` or ``SLS_SIM_TOKEN`` (16 characters, often a phrase) was open to a
dictionary. Now the address's ``SLS_IP_THROTTLE_LIMIT``-th wrong token in ``SLS_IP_THROTTLE_WINDOW`` shuts
every door to it, the right token too (``429 rate_limited`` with ``Retry-After``), until the oldest leaves the
window; another address is not affected, a request with no token is no guess, and failed logins are counted
apart."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient
from json_error_kit import told_to_wait
from page_forms import csrf

from sls_server import create_app

LIMIT, WINDOW = 3, 300
SIM_TOKEN = "sim-token-for-guessing-tests"
GUESSER, TRAINER = "198.51.100.66", "192.0.2.10"


@pytest.fixture
def client(app_config: dict[str, Any]) -> FlaskClient:
    settings = {"IP_THROTTLE_LIMIT": LIMIT, "IP_THROTTLE_WINDOW": WINDOW, "SIM_TOKEN": SIM_TOKEN}
    return create_app({**app_config, **settings}).test_client()


def admin(client: FlaskClient, token: str | None, ip: str = GUESSER, path: str = "/admin/v1/users") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get(path, headers=headers, environ_base={"REMOTE_ADDR": ip})


def sim(client: FlaskClient, token: str, ip: str = GUESSER) -> Any:
    return client.get(
        "/sim/v1/phones/+15555550100/messages",
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_wrong_admin_tokens_shut_the_admin_api_to_the_address_the_right_token_too(
    client: FlaskClient,
) -> None:
    for n in range(LIMIT):
        wrong = admin(client, f"guess-number-{n}-of-a-dictionary")
        assert wrong.status_code == 401 and wrong.get_json()["error"] == "admin_token_required"

    told_to_wait(admin(client, "one-guess-too-many-of-them"), WINDOW)
    told_to_wait(admin(client, ADMIN_TOKEN), WINDOW)  # a right guess now would still read as a wrong one

    assert admin(client, ADMIN_TOKEN, ip=TRAINER).status_code == 200  # the trainer's own machine
    moved = client.post(
        "/admin/v1/clock",
        json={"advance_s": WINDOW},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        environ_base={"REMOTE_ADDR": TRAINER},
    )
    assert moved.status_code == 200
    assert admin(client, ADMIN_TOKEN).status_code == 200  # the guesses have left the window


def test_wrong_tokens_are_recorded_once_per_address_never_the_token(client: FlaskClient) -> None:
    for n in range(LIMIT):
        admin(client, f"secret-looking-guess-{n}", path=f"/admin/v1/users/guessed-name-{n}")
    events = admin(client, ADMIN_TOKEN, ip=TRAINER, path="/admin/v1/events?type=admin_api.token_refused")
    recorded = events.get_json()["events"]
    assert [(e["ip"], e["result"], e["detail"]) for e in recorded] == [
        (GUESSER, "wrong_token", {"route": "/admin/v1/users/<username>"})  # the first of the window's
    ], recorded
    assert "secret-looking-guess" not in events.get_data(as_text=True)
    console = admin(client, ADMIN_TOKEN, ip=TRAINER, path="/admin/v1/events?type=trainer.sign_in_failed")
    assert console.get_json()["events"] == []  # nobody tried the console


def test_wrong_sim_tokens_are_the_sim_api_s_own_events_with_the_route(client: FlaskClient) -> None:
    for n in range(LIMIT):
        assert sim(client, f"secret-looking-sim-guess-{n}").status_code == 401
    events = admin(client, ADMIN_TOKEN, ip=TRAINER, path="/admin/v1/events?type=sim_api.token_refused")
    recorded = events.get_json()["events"]
    assert [(e["ip"], e["result"], e["detail"]) for e in recorded] == [
        (GUESSER, "wrong_token", {"route": "/sim/v1/phones/<number>/messages"})  # the pattern, not the number
    ], recorded
    assert "secret-looking-sim-guess" not in events.get_data(as_text=True)
    assert "+15555550100" not in events.get_data(as_text=True)
    pages = admin(client, ADMIN_TOKEN, ip=TRAINER, path="/admin/v1/events?type=sim.sign_in_failed")
    assert pages.get_json()["events"] == []  # nobody tried the simulator pages' sign-in


def test_a_wrong_token_at_the_simulator_pages_sign_in_is_still_a_failed_sign_in(
    client: FlaskClient,
) -> None:
    page = {"REMOTE_ADDR": GUESSER}
    token = csrf(client.get("/sim", environ_base=page).get_data(as_text=True))
    typed = {"token": "typed-sim-secret-guess", "next": "/sim", "csrf_token": token}
    assert client.post("/sim/unlock", data=typed, environ_base=page).status_code == 303

    events = admin(client, ADMIN_TOKEN, ip=TRAINER, path="/admin/v1/events?type=sim.sign_in_failed")
    recorded = events.get_json()["events"]
    assert [(e["ip"], e["result"], e.get("detail")) for e in recorded] == [(GUESSER, "wrong_token", None)]
    refused = admin(client, ADMIN_TOKEN, ip=TRAINER, path="/admin/v1/events?type=sim_api.token_refused")
    assert refused.get_json()["events"] == []
    assert "typed-sim-secret-guess" not in events.get_data(as_text=True)


@pytest.mark.parametrize(
    ("guess", "folded_type"), [(admin, "admin_api.token_refused"), (sim, "sim_api.token_refused")]
)
def test_a_flood_of_wrong_bearer_tokens_folds_into_one_summary(
    client: FlaskClient, guess: Any, folded_type: str
) -> None:
    for n in range(LIMIT):
        assert guess(client, f"flooding-guess-{n}").status_code == 401
    trainer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    moved = client.post(
        "/admin/v1/clock", json={"advance_s": 61}, headers=trainer, environ_base={"REMOTE_ADDR": TRAINER}
    )
    assert moved.status_code == 200  # past SLS_EVENT_SUMMARY_WINDOW: the window has closed

    events = admin(client, ADMIN_TOKEN, ip=TRAINER, path="/admin/v1/events?type=events.summary")
    folded = [e["detail"] for e in events.get_json()["events"]]
    assert [(d["type"], d["count"], d["suppressed"]) for d in folded] == [(folded_type, LIMIT, LIMIT - 1)], (
        folded
    )
    assert "flooding-guess" not in events.get_data(as_text=True)


def test_a_wrong_token_at_the_console_s_sign_in_is_still_a_failed_sign_in(client: FlaskClient) -> None:
    page = {"REMOTE_ADDR": GUESSER}
    token = csrf(client.get("/trainer", environ_base=page).get_data(as_text=True))
    typed = {"token": "typed-secret-guess", "csrf_token": token}
    assert client.post("/trainer/sign-in", data=typed, environ_base=page).status_code == 303

    events = admin(client, ADMIN_TOKEN, ip=TRAINER, path="/admin/v1/events?type=trainer.sign_in_failed")
    recorded = events.get_json()["events"]
    assert [(e["ip"], e["result"], e.get("detail")) for e in recorded] == [(GUESSER, "wrong_token", None)]
    refused = admin(client, ADMIN_TOKEN, ip=TRAINER, path="/admin/v1/events?type=admin_api.token_refused")
    assert refused.get_json()["events"] == []
    assert "typed-secret-guess" not in events.get_data(as_text=True)


def test_no_token_at_all_is_no_guess(client: FlaskClient) -> None:
    for _ in range(LIMIT * 3):
        assert admin(client, None).status_code == 401
    assert admin(client, ADMIN_TOKEN).status_code == 200


def test_failed_logins_and_token_guesses_are_counted_apart(client: FlaskClient) -> None:
    for n in range(LIMIT):
        login = client.post(
            "/api/v1/auth/login",
            json={"username": f"nobody-{n}", "password": "a-wrong-password"},
            environ_base={"REMOTE_ADDR": GUESSER},
        )
        assert login.status_code == 401
    assert admin(client, ADMIN_TOKEN).status_code == 200  # negative login tests never shut the admin API


def test_sim_token_guesses_count_with_admin_ones_and_shut_sim_v1(client: FlaskClient) -> None:
    assert sim(client, "a-sim-token-guess-0001").status_code == 401
    assert admin(client, "an-admin-token-guess-01").status_code == 401
    assert sim(client, "a-sim-token-guess-0002").status_code == 401  # the address's third wrong token

    told_to_wait(sim(client, SIM_TOKEN), WINDOW)
    assert admin(client, ADMIN_TOKEN).status_code == 429
    assert sim(client, SIM_TOKEN, ip=TRAINER).status_code == 200


def test_the_console_sign_in_form_says_so_and_does_not_sign_in_with_the_right_token(
    client: FlaskClient,
) -> None:
    page = {"REMOTE_ADDR": GUESSER}
    token = csrf(client.get("/trainer", environ_base=page).get_data(as_text=True))
    for n in range(LIMIT):
        typed = {"token": f"typed-guess-number-{n}", "csrf_token": token}
        assert client.post("/trainer/sign-in", data=typed, environ_base=page).status_code == 303

    right = {"token": ADMIN_TOKEN, "csrf_token": token}
    answer = client.post("/trainer/sign-in", data=right, environ_base=page)
    assert answer.status_code == 303 and answer.headers["Location"] == "/trainer"
    shown = client.get("/trainer", environ_base=page)
    assert shown.status_code == 429
    assert "Too many wrong tokens from this address" in shown.get_data(as_text=True)
    assert client.get("/trainer/users", environ_base=page).status_code == 401  # not signed in

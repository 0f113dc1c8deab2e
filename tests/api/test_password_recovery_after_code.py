"""A forgotten password after its texted code (``/api/v1/auth/recovery``): what happened to the account since
the second factor, the address checked at every step, digits as a phone's keyboard types them, and the code's
tries counted at the name across recoveries."""

from __future__ import annotations

import re
from typing import Any

import page_forms
import pytest
from conftest import move_clock
from flask.testing import FlaskClient
from recovery_kit import ADMIN, NEW, Rose

from sls_server import create_app
from sls_server.auth.recovery_codes import CODE_ATTEMPTS, CODE_TRIES_PER_NAME, CODE_TRIES_WINDOW_S
from sls_server.store import Store


@pytest.fixture
def rose(client: FlaskClient) -> Rose:
    return Rose(client)


def _verified(rose: Rose) -> str:
    """A recovery of rose's through the code and her card: its token, a new password now allowed."""
    token = rose.start()
    step = rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()}).get_json()
    answer = rose.card_response(step["factor"]["challenge"])
    verified = rose.post("/verify", {"recovery_token": token, "response": answer})
    assert verified.get_json()["state"] == "verified", verified.get_json()
    return token


def _reset_by_client_services(client: FlaskClient) -> Any:
    body = {"password": "Client-Services-Chose-71"}
    return client.put("/admin/v1/users/rose/password", json=body, headers=ADMIN)


def _disabled(client: FlaskClient) -> Any:
    return client.post("/admin/v1/users/rose/disable", headers=ADMIN)


def _made_again(client: FlaskClient) -> Any:
    assert client.delete("/admin/v1/users/rose", headers=ADMIN).status_code in (200, 204)
    body = {"username": "rose", "password": "Someone-Else-Entirely-5"}
    return client.post("/admin/v1/users", json=body, headers=ADMIN)


@pytest.mark.parametrize("change", [_reset_by_client_services, _disabled, _made_again])
def test_a_verified_recovery_cannot_undo_what_happened_to_the_account_since(
    rose: Rose, change: Any, redis_url: str
) -> None:
    """Between the second factor and the new password, Client Services reset the password, or the account was
    disabled, or deleted and a new user given the name: the recovery's password is refused (it would undo the
    reset, open a disabled account, take over the new user), and nothing is written."""
    token = _verified(rose)
    done = change(rose.client)
    assert done.status_code in (200, 201), done.get_json()
    store = Store.from_url(redis_url)
    before = store.users.get("rose")
    refused = rose.post("/password", {"recovery_token": token, "new_password": NEW})
    assert refused.status_code == 410 and refused.get_json()["error"] == "challenge_expired", (
        refused.get_json()
    )
    assert store.users.get("rose") == before, "nothing written"
    assert all(e["detail"] != {"by": "recovery"} for e in rose.events("user.password_changed"))


def test_every_step_after_the_code_checks_the_address_again(rose: Rose) -> None:
    """An address inside the user's IP Restrictions that passed the code hands nothing on to one outside."""
    allow = rose.client.put(
        "/admin/v1/users/rose/ip-allowlist", json={"ip_allowlist": ["127.0.0.0/8"]}, headers=ADMIN
    )
    assert allow.status_code == 200
    token = rose.start()
    step = rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()}).get_json()
    outside = {"REMOTE_ADDR": "198.51.100.9"}
    answer = rose.card_response(step["factor"]["challenge"])
    body = {"recovery_token": token, "response": answer}
    refused = rose.client.post("/api/v1/auth/recovery/verify", json=body, environ_base=outside)
    assert refused.status_code == 403 and refused.get_json()["error"] == "ip_restricted"
    assert rose.post("/verify", body).status_code == 410, "the recovery ended"

    token = _verified(rose)
    body = {"recovery_token": token, "new_password": NEW}
    refused = rose.client.post("/api/v1/auth/recovery/password", json=body, environ_base=outside)
    assert refused.status_code == 403 and refused.get_json()["error"] == "ip_restricted"
    assert rose.post("/password", body).status_code == 401, "the recovery ended"
    assert (
        rose.client.post("/api/v1/auth/login", json={"username": "rose", "password": NEW}).status_code == 401
    )


FULL_WIDTH = {ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}
ARABIC_INDIC = {ord(d): chr(0x0660 + int(d)) for d in "0123456789"}


def test_the_pages_read_digits_of_any_width_or_script_as_typed_on_a_keypad(rose: Rose) -> None:
    """A phone keyboard may type the texted code in full-width digits and a response in Arabic-Indic ones:
    the pages read them as the digits they are, so a right code is not spent as a wrong try (the JSON API
    refuses them, 400 naming the field, and spends nothing either)."""
    csrf = page_forms.csrf(rose.client.get("/recover").get_data(as_text=True))
    here = rose.client.post("/recover", data={"username": "rose", "csrf_token": csrf}).headers["Location"]
    code = rose.recovery_code().translate(FULL_WIDTH)
    form = {"code": code, "csrf_token": csrf}
    assert rose.client.post(here.replace("/recover?", "/recover/code?"), data=form).status_code == 303
    assert rose.events("password_recovery.code_failed") == []
    step = rose.client.get(here).get_data(as_text=True)
    challenge = re.search(r'data-testid="step-challenge"[^>]*>\s*([0-9]+)', step)
    assert challenge, "the card's step opened"
    response = rose.card_response(challenge.group(1)).translate(ARABIC_INDIC)
    form = {"response": response, "csrf_token": csrf}
    verified = rose.client.post(here.replace("/recover?", "/recover/verify?"), data=form)
    assert verified.status_code == 303
    assert len(rose.events("password_recovery.verified")) == 1

    api = rose.post("", {"username": "rose"}).get_json()["recovery_token"]
    refused = rose.post("/code", {"recovery_token": api, "code": "123456".translate(FULL_WIDTH)})
    assert refused.status_code == 400 and refused.get_json()["field"] == "code"


def test_wrong_codes_count_at_the_name_across_its_recoveries(app_config: dict[str, Any]) -> None:
    """A new recovery gives no fresh guesses (NIST SP 800-63B-4: a new code does not reset the count): twenty
    codes tried at one name in a day, whichever of its recoveries, and its recoveries take no more, the right
    code included, for a user and a name no user has alike; a day later, and after a right code, they do."""
    client = create_app({**app_config, "IP_THROTTLE_LIMIT": 1000}).test_client()
    rose = Rose(client)
    for name in ("rose", "nobody"):
        answers = []
        for _ in range(CODE_TRIES_PER_NAME // CODE_ATTEMPTS):
            token = rose.start(name)
            answers += [
                rose.post("/code", {"recovery_token": token, "code": rose.wrong_code()}) for _ in range(5)
            ]
        assert {a.status_code for a in answers} == {401}, name
        token = rose.start(name)
        refused = rose.post("/code", {"recovery_token": token, "code": rose.wrong_code()})
        assert refused.status_code == 429 and refused.get_json()["retry_after"] > 0, (
            name,
            refused.get_json(),
        )
    move_clock(client, ADMIN, 601)  # the send limit lets a text through again
    token = rose.start()
    refused = rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()})
    assert refused.status_code == 429, "not even the right code while the tries are spent"
    move_clock(client, ADMIN, CODE_TRIES_WINDOW_S)
    wrong = CODE_TRIES_PER_NAME - 1
    for count in (CODE_ATTEMPTS,) * (wrong // CODE_ATTEMPTS) + (wrong % CODE_ATTEMPTS,):
        token = rose.start()
        tried = {
            rose.post("/code", {"recovery_token": token, "code": rose.wrong_code()}).status_code
            for _ in range(count)
        }
        assert tried == {401}
    token = rose.start()
    step = rose.post("/code", {"recovery_token": token, "code": rose.recovery_code()})
    assert step.status_code == 200, step.get_json()
    token = rose.start()
    late = [rose.post("/code", {"recovery_token": token, "code": rose.wrong_code()}) for _ in range(5)]
    assert [a.status_code for a in late] == [401] * 5, "the right code forgot the wrong ones before it"

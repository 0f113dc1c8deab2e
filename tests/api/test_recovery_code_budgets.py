"""The codes tried at one name, counted in two budgets (``/api/v1/auth/recovery/code``), and the texts its
starts send in two lanes alike: one for the addresses the user has signed in from, one for every other
address together. A stranger who knows the name spends the
second, never the first: the owner at home still resets the password (ASVS 5.0 6.1.1, no malicious lockout),
and a guesser gets no more tries by changing address (NIST SP 800-63B-4 §3.2.2)."""

from __future__ import annotations

from typing import Any

from conftest import move_clock
from flask.testing import FlaskClient
from recovery_kit import ADMIN, Rose

from sls_server import create_app
from sls_server.auth.recovery_codes import CODE_ATTEMPTS, CODE_TRIES_PER_NAME

HOME = "127.0.0.1"  # the test client's address: rose signs in from it, so it is one of hers
STRANGERS = ("203.0.113.7", "198.51.100.9", "192.0.2.44")


def _client(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "IP_THROTTLE_LIMIT": 1000}).test_client()


def _post(rose: Rose, ip: str, path: str, body: dict[str, Any]) -> Any:
    return rose.client.post(f"/api/v1/auth/recovery{path}", json=body, environ_base={"REMOTE_ADDR": ip})


def _start(rose: Rose, ip: str, name: str = "rose") -> str:
    started = _post(rose, ip, "", {"username": name})
    assert started.status_code == 200, started.get_json()
    return str(started.get_json()["recovery_token"])


def _codes_texted(rose: Rose) -> int:
    return sum(m["purpose"] == "password_recovery" for m in rose.texts())


def _spend(rose: Rose, addresses: tuple[str, ...], name: str = "rose") -> list[int]:
    """Every try of the budget spent with wrong codes, each recovery from the next address in turn."""
    statuses = []
    for turn in range(CODE_TRIES_PER_NAME // CODE_ATTEMPTS):
        ip = addresses[turn % len(addresses)]
        token = _start(rose, ip, name)
        statuses += [
            _post(rose, ip, "/code", {"recovery_token": token, "code": rose.wrong_code()}).status_code
            for _ in range(CODE_ATTEMPTS)
        ]
    return statuses


def test_a_stranger_who_spends_the_codes_does_not_block_the_owner_at_home(app_config: dict[str, Any]) -> None:
    client = _client(app_config)
    rose = Rose(client)
    rose.log_in()  # from HOME: an address of hers from now on
    assert set(_spend(rose, STRANGERS)) == {401}
    for ip in (*STRANGERS, "203.0.113.200"):  # no address new to her gets one more try
        token = _start(rose, ip)
        refused = _post(rose, ip, "/code", {"recovery_token": token, "code": rose.wrong_code()})
        assert refused.status_code == 429 and refused.get_json()["retry_after"] > 0, (ip, refused.get_json())
    move_clock(client, ADMIN, 601)  # the send limit lets a text through again
    token = _start(rose, HOME)
    step = _post(rose, HOME, "/code", {"recovery_token": token, "code": rose.recovery_code()})
    assert step.status_code == 200 and step.get_json()["state"] == "second_factor", step.get_json()


def test_the_owners_addresses_have_a_bound_of_their_own(app_config: dict[str, Any]) -> None:
    """Her addresses' budget is bounded as the others' is, and spending it leaves the other's untouched."""
    client = _client(app_config)
    rose = Rose(client)
    rose.log_in()
    assert set(_spend(rose, (HOME,))) == {401}
    token = _start(rose, HOME)
    assert _post(rose, HOME, "/code", {"recovery_token": token, "code": rose.wrong_code()}).status_code == 429
    token = _start(rose, STRANGERS[0])
    wrong = _post(rose, STRANGERS[0], "/code", {"recovery_token": token, "code": rose.wrong_code()})
    assert wrong.status_code == 401, wrong.get_json()


def test_a_name_no_user_has_meets_the_same_bound_from_any_address(app_config: dict[str, Any]) -> None:
    client = _client(app_config)
    rose = Rose(client)
    assert set(_spend(rose, (HOME, *STRANGERS), name="nobody")) == {401}
    for ip in (HOME, *STRANGERS):
        token = _start(rose, ip, "nobody")
        refused = _post(rose, ip, "/code", {"recovery_token": token, "code": rose.wrong_code()})
        assert refused.status_code == 429, (ip, refused.get_json())


def test_the_trail_says_which_budget_a_try_and_a_refusal_came_from(app_config: dict[str, Any]) -> None:
    client = _client(app_config)
    rose = Rose(client)
    rose.log_in()
    token = _start(rose, HOME)
    _post(rose, HOME, "/code", {"recovery_token": token, "code": rose.wrong_code()})
    _spend(rose, STRANGERS)
    token = _start(rose, STRANGERS[0])
    _post(rose, STRANGERS[0], "/code", {"recovery_token": token, "code": rose.wrong_code()})
    failed = rose.events("password_recovery.code_failed")
    assert [e["detail"]["budget"] for e in failed if e["ip"] == HOME] == ["known"]
    assert {e["detail"]["budget"] for e in failed if e["ip"] != HOME} == {"new"}
    refused = [e for e in rose.events("password_recovery.refused") if e["result"] == "rate_limited"]
    assert [(e["user"], e["ip"], e["detail"]) for e in refused] == [
        ("rose", STRANGERS[0], {"budget": "new", "retry_after": refused[0]["detail"]["retry_after"]})
    ]
    assert refused[0]["detail"]["retry_after"] > 0


def test_a_strangers_starts_leave_the_owner_at_home_a_text(app_config: dict[str, Any]) -> None:
    """The texts a recovery sends are bounded per account and per number (``SLS_SMS_SEND_LIMIT`` per window):
    counted in one lane, a stranger starting a recovery every two minutes from anywhere kept every text from
    the owner's own reset, for as long as the script ran. Counted as the codes are, the strangers' starts fill
    the lane of addresses new to her, and hers from home still texts her the code."""
    client = create_app({**app_config, "IP_THROTTLE_LIMIT": 1000, "SMS_SEND_LIMIT": 3}).test_client()
    rose = Rose(client)
    rose.log_in()
    for turn in range(5):
        _start(rose, STRANGERS[turn % len(STRANGERS)])
    assert _codes_texted(rose) == 3, "the strangers' texts are still bounded"
    started = rose.events("password_recovery.started")
    assert [e["detail"]["text"] for e in started] == ["sent"] * 3 + ["refused"] * 2
    token = _start(rose, HOME)
    assert _codes_texted(rose) == 4, "her own start from home texts her"
    step = _post(rose, HOME, "/code", {"recovery_token": token, "code": rose.recovery_code()})
    assert step.status_code == 200, step.get_json()
    for _ in range(2):
        _start(rose, HOME)
    assert _codes_texted(rose) == 6, "her lane is bounded alike"
    _start(rose, HOME)
    assert _codes_texted(rose) == 6
    assert rose.events("password_recovery.started")[-1]["detail"]["text"] == "refused"

"""ASVS 5.0 6.3.5: the user is told of suspicious sign-in attempts on their phone (``auth/suspicious.py``).

A login that succeeds after 3 or more wrong passwords since the last one texts their count; a lock texts once,
however many wrong passwords race it. Notices are texts of purpose ``notice``: they carry no code, and every
reader of "the latest code" (the test kit's, the relay attack's, gateway mode's outbox) passes them by.
Sam (``phone_world``) has a phone and an SMS device; alice (``conftest``) has a card and no phone.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import EnrolledUser, move_clock
from flask import Flask
from flask.testing import FlaskClient
from phone_world import PASSWORD, PHONE, Phone

from sls_server import create_app
from sls_server.sim.relay import login_codes

WRONG = "not-the-password-at-all"


@pytest.fixture(name="roomy")
def roomy_app(app_config: dict[str, Any]) -> Flask:
    """The lockout's threshold well above the five failures the checklist names, so they lock nothing."""
    return create_app({**app_config, "LOCKOUT_THRESHOLD": 10})


def _fail(client: FlaskClient, username: str, times: int, ip: str = "203.0.113.9") -> list[int]:
    return [
        client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": WRONG},
            environ_base={"REMOTE_ADDR": ip},
        ).status_code
        for _ in range(times)
    ]


def _log_in(sam: Phone, ip: str = "127.0.0.1") -> None:
    started = sam.client.post(
        "/api/v1/auth/login",
        json={"username": sam.username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": ip},
    ).get_json()
    done = sam.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": sam.code()},
        environ_base={"REMOTE_ADDR": ip},
    )
    assert done.status_code == 200, done.get_json()


def _notices(client: FlaskClient, handset: str = PHONE) -> list[str]:
    """The sign-in notices on ``handset``, newest first (not the SMS device's enrolment notice)."""
    answer = client.get(f"/sim/v1/phones/{handset}/messages")
    assert answer.status_code == 200, answer.get_json()
    found = [m for m in answer.get_json()["messages"] if m["purpose"] == "notice"]
    assert all(m["code"] is None for m in found), found
    return [m["text"] for m in found if "was added to your account" not in m["text"]]


def _notice_events(client: FlaskClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    answer = client.get("/admin/v1/events?type=sms.sent&limit=1000", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return [e for e in answer.get_json()["events"] if e["detail"]["purpose"] == "notice"]


def test_a_login_after_five_wrong_passwords_texts_one_notice_naming_them(
    roomy: Flask, admin_headers: dict[str, str]
) -> None:
    """The checklist's case: five failures, then a login. One notice, after the login (not before: the
    failures alone lock nothing here), naming five; the next login has nothing to tell."""
    sam = Phone(roomy.test_client(), admin_headers)
    enrolled = len(_notice_events(sam.client, admin_headers))
    assert _fail(sam.client, "sam", 5) == [401] * 5
    assert _notices(sam.client) == []
    _log_in(sam)
    [notice] = _notices(sam.client)
    assert "5 failed sign-in attempts" in notice and "change your password" not in notice  # one advice line
    assert notice.endswith(
        "before this sign-in. If this was not you, contact IBKR Client Services immediately."
    )
    assert WRONG not in notice and PASSWORD not in notice
    [event] = _notice_events(sam.client, admin_headers)[enrolled:]
    assert event["user"] == "sam" and event["detail"]["to"] != PHONE  # masked, as for every text
    _log_in(sam)
    assert len(_notices(sam.client)) == 1, "the failures were told once, and forgotten with the login"


def test_a_clean_login_or_a_typo_or_two_texts_nothing(roomy: Flask, admin_headers: dict[str, str]) -> None:
    """Two wrong passwords are a typo, told to no one; the third makes the next login's notice."""
    sam = Phone(roomy.test_client(), admin_headers)
    _log_in(sam)
    _fail(sam.client, "sam", 2)
    _log_in(sam)
    assert _notices(sam.client) == []
    _fail(sam.client, "sam", 3)
    _log_in(sam)
    assert [n for n in _notices(sam.client) if "3 failed sign-in attempts" in n] == _notices(sam.client)
    assert len(_notices(sam.client)) == 1


def test_a_lock_texts_once_and_the_login_after_it_names_the_failures(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """At the default threshold (5) the five failures lock: one notice of the lock, none for the refusals
    after it; the login once the wait is over names the five (the lock reset the lockout's run, not this)."""
    sam = Phone(client, admin_headers)
    assert _fail(client, "sam", 8) == [401] * 5 + [423] * 3
    [locked] = _notices(client)
    assert "Your account was locked after 5 failed sign-in attempts" in locked
    move_clock(client, admin_headers, 60)
    _log_in(sam)
    newest, _ = _notices(client)
    assert "5 failed sign-in attempts were made on your account before this sign-in" in newest


def test_racing_wrong_passwords_text_one_lock_notice(app: Flask, admin_headers: dict[str, str]) -> None:
    """Twelve wrong passwords at once, from twelve addresses, a few rounds: each round locks once and texts
    once (the lock is told by the one settle that placed it, never by a read of the count)."""
    sam = Phone(app.test_client(), admin_headers)
    rounds, racers = 4, 12
    for round_ in range(rounds):
        barrier = threading.Barrier(racers)

        def guess(n: int, barrier: threading.Barrier = barrier) -> int:
            own = app.test_client()
            barrier.wait()
            return _fail(own, "sam", 1, ip=f"198.51.100.{n + 1}")[0]

        with ThreadPoolExecutor(racers) as pool:
            answers = sorted(pool.map(guess, range(racers)))
        assert answers.count(401) == 5 and set(answers) <= {401, 423, 429}, answers
        assert len(_notices(sam.client)) == round_ + 1
        unlocked = sam.client.post("/admin/v1/users/sam/unlock", headers=admin_headers)
        assert unlocked.status_code == 200, unlocked.get_json()
    assert all("locked after 5 failed" in n for n in _notices(sam.client))


def test_a_lock_of_new_addresses_says_so_and_an_outsiders_decoy_lock_is_not_told(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    """With SLS_LOCKOUT_KNOWN_IPS, strangers' guesses lock only the addresses sam never logged in from, and
    the notice says so. With an allowlist refused silently, an outsider's guesses lock the decoy bucket,
    which keeps out no one but outsiders: sam is not told his account was locked, since it was not."""
    client = create_app(
        {**app_config, "LOCKOUT_KNOWN_IPS": True, "IP_REFUSAL": "silent", "IP_THROTTLE_LIMIT": 1000}
    ).test_client()
    sam = Phone(client, admin_headers)
    _log_in(sam, "10.1.1.1")
    assert _fail(client, "sam", 5) == [401] * 5
    assert _notices(client) == [
        "IBKR: Sign-in to your account from new locations was locked after 5 failed sign-in attempts. If "
        "this was not you, contact IBKR Client Services immediately."
    ]
    fenced = client.put(
        "/admin/v1/users/sam/ip-allowlist", json={"ip_allowlist": ["10.0.0.0/8"]}, headers=admin_headers
    )
    assert fenced.status_code == 200, fenced.get_json()
    assert _fail(client, "sam", 6, ip="192.0.2.77") == [401] * 5 + [423]  # the decoy's lock
    assert len(_notices(client)) == 1


def test_a_user_without_a_phone_is_told_nothing_and_logs_in(
    roomy: Flask, admin_headers: dict[str, str]
) -> None:
    """Alice (a card, no phone) and sam (a phone) both fail five times and log in: sam is told, alice's
    login goes through as any other, and no text goes anywhere for her."""
    client = roomy.test_client()
    sam = Phone(client, admin_headers)
    alice = EnrolledUser(client, admin_headers, "alice", "1234")
    enrolled = len(_notice_events(client, admin_headers))
    _fail(client, "alice", 5)
    _fail(client, "sam", 5)
    alice.log_in()
    _log_in(sam)
    assert [e["user"] for e in _notice_events(client, admin_headers)[enrolled:]] == ["sam"]


def test_a_login_from_a_new_location_texts_its_address_once(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A first login is no news; a login from an address the user never logged in from, when they have from
    others, is told once (the address is remembered with it); failures and a new place make one notice."""
    sam = Phone(client, admin_headers)
    _log_in(sam, "192.0.2.10")
    _log_in(sam, "192.0.2.10")
    assert _notices(client) == []
    _log_in(sam, "198.51.100.50")
    _log_in(sam, "198.51.100.50")
    _log_in(sam, "192.0.2.10")
    assert _notices(client) == [
        "IBKR: Someone signed in to your account from a new location (IP address 198.51.100.50). "
        "If this was not you, contact IBKR Client Services immediately."
    ]
    sam.move_clock(600)  # five codes texted: the SMS send limit's window over
    _fail(client, "sam", 3, ip="198.51.100.51")
    _log_in(sam, "198.51.100.51")
    newest = _notices(client)[0]
    assert "new location (IP address 198.51.100.51)" in newest and "3 failed sign-in attempts" in newest
    assert len(_notices(client)) == 2
    # the trail says what each notice said, on the login itself (the trainer's feed shows a new place)
    answer = client.get("/admin/v1/events?type=login.succeeded&user=sam&limit=100", headers=admin_headers)
    said = [(e["ip"], e.get("detail")) for e in answer.get_json()["events"]]
    assert said == [
        ("192.0.2.10", None),
        ("192.0.2.10", None),
        ("198.51.100.50", {"new_place": True}),
        ("198.51.100.50", None),
        ("192.0.2.10", None),
        ("198.51.100.51", {"new_place": True, "failed_before": 3}),
    ]


def test_the_login_code_readers_read_the_code_not_a_newer_notice(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Sam's login texts a code; then someone else's guesses lock the account, so the newest text is the
    lock notice. It carries no code, and the readers of the latest code read the login's (which the login
    takes once the lock has ended: while it lasts, 423)."""
    sam = Phone(client, admin_headers)
    started = sam.login()
    code = sam.code()
    _fail(client, "sam", 5)
    newest = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"][0]
    assert newest["purpose"] == "notice" and newest["code"] is None
    core = client.application.extensions["sls"]
    assert list(login_codes(core, PHONE, PHONE, now=core.clock.now()).values()) == [code]
    assert core.outbox._newest(PHONE, now=core.clock.now())[1] == code
    locked = sam.verify(started["txn_id"], code)  # the login's code, refused while the account is locked
    assert locked.status_code == 423 and locked.get_json()["error"] == "account_locked", locked.get_json()
    sam.move_clock(locked.get_json()["retry_after"])  # the lock's wait, well within the code's life
    done = sam.verify(started["txn_id"], code)
    assert done.status_code == 200, done.get_json()

"""Many hands on one phone's IB Key app at once, across the worker processes of a real ``sls serve``.

Every use of the app (a response, an approval, a setting) opens its sealed state, lets the model run (a PIN
checked against its scrypt hash) and writes the state back. That write was a compare-and-set retried 8
times, each retry checking the PIN again, then a 500: 16 responses at once answered 500 to a few of them,
after seconds. Now one request at a time changes an app (its turn, ``PhoneApps.mutate``); one that waits too
long is told 429 ``device_busy``, never a 500, and each wrong PIN still counts exactly once.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from over_http_kit import activation_code_over_http, device_busy, ibkey_user_over_http
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e
PASSWORD = "Amber-Falcon-Ibkey-17"
PHONE = "+15550100001"
PIN = "ab12"
AT_ONCE = 20


def _ibkey_app(base: str) -> str:
    """alice with an Android IB Key activated over HTTP (PIN :data:`PIN`); the phone's id."""
    app = ibkey_user_over_http(base, "alice", PASSWORD, PHONE)
    code = activation_code_over_http(base, PHONE)
    activate = {"username": "alice", "password": PASSWORD, "activation_code": code, "pin": PIN}
    done = requests.post(f"{base}/sim/v1/ibkey/{app}/activate", json=activate, timeout=30)
    assert done.status_code == 200, done.text
    return app


def _at_once(base: str, app: str, pins: list[str]) -> list[requests.Response]:
    """One challenge/response per PIN, all released together from a barrier."""
    barrier = threading.Barrier(len(pins))

    def respond(pin: str) -> requests.Response:
        barrier.wait()
        return requests.post(
            f"{base}/sim/v1/ibkey/{app}/respond", json={"pin": pin, "challenge": "123456"}, timeout=60
        )

    with ThreadPoolExecutor(len(pins)) as pool:
        return list(pool.map(respond, pins))


def _pin_attempts_left(base: str, app: str) -> int:
    return int(requests.get(f"{base}/sim/v1/ibkey/{app}", timeout=30).json()["pin_attempts_left"])


def test_right_pins_at_once_on_one_app_all_answer_and_none_fails(racing_server: ServerProcess) -> None:
    server = racing_server
    app = _ibkey_app(server.url)
    answers = _at_once(server.url, app, [PIN] * AT_ONCE)
    responses = {a.json()["response"] for a in answers if a.status_code == 200}
    assert all(a.status_code == 200 or device_busy(a) for a in answers), [
        (a.status_code, a.text) for a in answers
    ]
    assert len(responses) == 1  # one challenge, one key: one response, however many asked
    assert _pin_attempts_left(server.url, app) == 10
    assert "Traceback" not in server.log()


def test_wrong_pins_at_once_each_count_once(racing_server: ServerProcess) -> None:
    """Fewer wrong PINs than lock the app: each one checked counts once, none lost and none twice, and the
    attempts left each was told are all different."""
    server = racing_server
    app = _ibkey_app(server.url)
    answers = _at_once(server.url, app, ["zz99"] * 9)
    wrong = [a for a in answers if a.status_code == 403]
    assert all(a.json()["error"] == "wrong_pin" for a in wrong)
    assert all(a.status_code == 403 or device_busy(a) for a in answers), [
        (a.status_code, a.text) for a in answers
    ]
    told = sorted(a.json()["pin_attempts_left"] for a in wrong)
    assert told == list(range(10 - len(wrong), 10))
    assert _pin_attempts_left(server.url, app) == 10 - len(wrong)
    assert "Traceback" not in server.log()


def test_wrong_pins_past_the_limit_lock_the_app_after_exactly_ten(racing_server: ServerProcess) -> None:
    server = racing_server
    app = _ibkey_app(server.url)
    answers = _at_once(server.url, app, ["zz99"] * AT_ONCE)
    codes = [a.status_code for a in answers]
    assert all(c in (403, 423) or device_busy(a) for c, a in zip(codes, answers, strict=True)), answers
    wrong = sorted(a.json()["pin_attempts_left"] for a in answers if a.status_code == 403)
    assert wrong == list(range(10 - len(wrong), 10))
    locked = requests.get(f"{server.url}/sim/v1/ibkey/{app}", timeout=30).json()
    assert locked["pin_attempts_left"] == 10 - len(wrong)
    assert locked["locked"] == (len(wrong) == 10)
    assert all(a.json()["error"] == "app_locked" for a in answers if a.status_code == 423)
    assert (423 in codes) <= locked["locked"]
    assert "Traceback" not in server.log()

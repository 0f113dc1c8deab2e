"""Many hands keying PINs into one DSC+ card at once, across the worker processes of a real ``sls serve``.

Keying a PIN writes the card's counters back to its device record (a right one clears the count, a wrong one
adds to it). That write was a compare-and-set retried 8 times, then a 500: thirty responses at once answered
500 to a few of them. Now one request at a time changes a device (its turn, ``DeviceService.update``); one
that waits too long is told 429 ``device_busy``, never a 500, and the card still locks at exactly its third
wrong PIN.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from over_http_kit import card_user_over_http, device_busy
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-Battery-9"
AT_ONCE = 24


def _at_once(base: str, card: str, pin: str) -> list[requests.Response]:
    barrier = threading.Barrier(AT_ONCE)

    def respond(_: int) -> requests.Response:
        barrier.wait()
        return requests.post(
            f"{base}/sim/v1/dscplus/{card}/respond", json={"pin": pin, "challenge": "123456"}, timeout=60
        )

    with ThreadPoolExecutor(AT_ONCE) as pool:
        return list(pool.map(respond, range(AT_ONCE)))


def test_right_pins_at_once_on_one_card_all_answer_and_none_fails(racing_server: ServerProcess) -> None:
    server = racing_server
    card = card_user_over_http(server.url, "alice", PASSWORD)["device_id"]
    answers = _at_once(server.url, card, "1234")
    assert all(a.status_code == 200 or device_busy(a) for a in answers), [
        (a.status_code, a.text) for a in answers
    ]
    assert len({a.json()["response"] for a in answers if a.status_code == 200}) == 1
    assert "Traceback" not in server.log()


def test_wrong_pins_at_once_lock_the_card_at_exactly_the_third(racing_server: ServerProcess) -> None:
    server = racing_server
    card = card_user_over_http(server.url, "alice", PASSWORD)["device_id"]
    answers = _at_once(server.url, card, "9999")
    codes = [a.status_code for a in answers]
    assert all(c in (403, 423) or device_busy(a) for c, a in zip(codes, answers, strict=True)), answers
    told = sorted(a.json()["pin_attempts_left"] for a in answers if a.status_code == 403)
    assert told == [0, 1, 2]  # each wrong PIN counted once: none lost, none twice
    assert all(a.json()["error"] == "card_locked" for a in answers if a.status_code == 423)
    status = requests.get(f"{server.url}/sim/v1/dscplus/{card}", timeout=30).json()
    assert status["locked"] and status["pin_attempts_left"] == 0
    assert "Traceback" not in server.log()

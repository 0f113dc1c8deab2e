"""``/sim/v1/outbox/latest-code?wait=`` holds a worker thread while it waits: only a few wait at once in a
worker process, so whoever reaches /sim/v1 cannot take every thread the logins need (``gateway.outbox``)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

import pytest
import requests
from conftest import ADMIN_TOKEN
from over_http_kit import card_user_over_http
from serve_processes import ServerProcess

from sls_server.gateway.outbox import BUSY_RETRY_S
from sls_server.long_held import budget_for

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Quiet-Harbour-Waits-41"
THREADS = 6
WAITERS = budget_for(THREADS)  # 3: half the threads; the fixed bound was 2 whatever --threads said


def test_waiters_beyond_the_bound_are_refused_at_once_and_a_login_still_answers(
    sls_serve: Callable[..., ServerProcess],
) -> None:
    """Eight waits (``sls serve``'s default 2 workers x 4 threads) held every thread for 30 s, and no login
    was answered meanwhile. Now, on one worker of 6 threads (``SLS_THREADS``, which reaches the app), three
    wait, as /metrics shows; the other nine are answered at once with 429 ``outbox_busy`` and
    ``Retry-After``; a login is answered while the three still wait, and they end (404 ``no_code``) when the
    server is asked to stop."""
    server = sls_serve(workers=1, SLS_GATEWAY="true", SLS_THREADS=str(THREADS))
    made = requests.post(
        f"{server.url}/admin/v1/users",
        json={"username": "wade", "password": PASSWORD, "phone": "+15550100077"},
        headers=ADMIN,
        timeout=30,
    )
    assert made.status_code == 201, made.text
    card_user_over_http(server.url, "lena", PASSWORD)
    sent = 2 * THREADS
    start = threading.Barrier(sent)
    answers: queue.Queue[requests.Response | BaseException] = queue.Queue()

    def wait_for_a_code() -> None:
        start.wait(timeout=30)
        try:
            answers.put(
                requests.get(
                    f"{server.url}/sim/v1/outbox/latest-code",
                    params={"user": "wade", "wait": "30"},
                    timeout=60,
                )
            )
        except requests.RequestException as exc:
            answers.put(exc)

    waiting = [threading.Thread(target=wait_for_a_code, daemon=True) for _ in range(sent)]
    for thread in waiting:
        thread.start()
    refused = [answers.get(timeout=15) for _ in range(sent - WAITERS)]  # at once, not after 30 s
    for answer in refused:
        assert isinstance(answer, requests.Response), answer
        assert answer.status_code == 429, answer.text
        assert answer.json()["error"] == "outbox_busy"
        assert answer.json()["retry_after"] == BUSY_RETRY_S
        assert answer.headers["Retry-After"] == str(BUSY_RETRY_S)
    assert answers.empty()  # the other three still wait, each on a thread of its own
    metrics = requests.get(f"{server.url}/metrics", timeout=10).text.splitlines()
    assert f"sls_long_held_budget {float(WAITERS)}" in metrics
    assert f'sls_long_held_requests{{kind="outbox_wait"}} {float(WAITERS)}' in metrics

    login = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "lena", "password": PASSWORD}, timeout=10
    )
    assert login.status_code == 200, login.text
    assert login.json()["state"] == "second_factor"
    assert answers.empty(), "the login was answered while the waits went on"

    server.process.terminate()  # a graceful stop ends the waits at once
    ended = [answers.get(timeout=30) for _ in range(WAITERS)]
    for answer in ended:
        assert isinstance(answer, requests.Response), answer
        assert answer.status_code == 404 and answer.json()["error"] == "no_code"
    for thread in waiting:
        thread.join(timeout=30)
    assert server.process.wait(timeout=30) == 0

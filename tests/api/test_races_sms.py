"""A code replaced by a new one ("didn't receive a security code?") is dead, even for a verify racing it.

Asking for a new code (or switching factors) writes a new prompt on the login; the old code dies with it.
The verify checks the response against the prompt it read, and its session then settles the login in one
Lua step (``session_create.lua``), which checked the login's state but not that its prompt was still the
one answered: a verify with the old code, racing the request for a new one, won after the new code was
sent (or the login switched to another factor). Both answers said yes, though the new code's request
succeeds only while the login is unsettled. Each settling script now compares the prompt the answer was
checked against with the stored one (``LoginTxn.prompt``). Threads, each with its own test client on one
app: 2-8 of 100 rounds (new code), 8-29 (switch to TOTP) before.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from phone_world import Phone

ROUNDS = 100


def _post(path: str, body: dict[str, str], headers: dict[str, str], own: FlaskClient) -> Any:
    return own.post(path, json=body, headers=headers)


@pytest.mark.parametrize("switch_to", ["sms", "totp"])
def test_an_old_code_racing_the_request_for_a_new_one_is_not_accepted_after_it(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str], switch_to: str
) -> None:
    sam = Phone(client, admin_headers)
    totp = client.post("/admin/v1/users/sam/devices", json={"type": "totp"}, headers=admin_headers)
    assert totp.status_code == 201, totp.get_json()
    totp_id = totp.get_json()["device_id"]
    first = sam.login()  # the app goes first (a code sent to the phone is the weakest factor) ...
    assert first["factor"]["type"] == "totp"
    sam.new_code(first["txn_id"])
    assert sam.verify(first["txn_id"], sam.code()).status_code == 200  # ... till the SMS is what worked
    sam.move_clock(601)
    both = 0
    for _ in range(ROUNDS):
        started = sam.login()
        code, txn_id = sam.code(), started["txn_id"]
        binding = {"X-Login-Token": started["login_token"]}
        barrier = threading.Barrier(2)

        verify = partial(_post, f"/api/v1/auth/login/{txn_id}/verify", {"response": code}, binding)
        new_code = partial(_post, f"/api/v1/auth/login/{txn_id}/factor", {"type": switch_to}, binding)

        def run(call: Any, barrier: threading.Barrier = barrier) -> Any:
            own = app.test_client()
            barrier.wait()
            return call(own)

        with ThreadPoolExecutor(2) as pool:
            verified, resent = pool.map(run, (verify, new_code))
        # 401: checked against the new prompt; 410: checked against the old one, replaced before it settled
        assert verified.status_code in (200, 401, 409, 410), verified.get_json()
        assert resent.status_code in (200, 409), resent.get_json()
        both += verified.status_code == resent.status_code == 200
        if verified.status_code == 401:  # the SMS code judged against the app's prompt: a wrong response
            # counted on the app; ten such rounds would disable it (423) and end the race being tested
            unlock = client.post(f"/admin/v1/devices/{totp_id}/unlock", headers=admin_headers)
            assert unlock.status_code == 200, unlock.get_json()
        sam.move_clock(601)  # the next round's texts: a fresh send window
    assert not both

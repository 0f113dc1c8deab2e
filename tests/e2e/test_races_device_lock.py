"""An authenticator disabled by a wrong response stays disabled when a right one races it.

A right response clears the card's count of consecutive wrong ones (``Lockout.device_succeeded``), judged on
the card as the login read it. A wrong response landing in between, one that reached the limit and disabled
the card (``device_failure.lua``, event ``device.locked``), was undone by that reset: the card enabled again
with no administrator, its count back to zero, and whoever was guessing had a fresh set of tries. The reset
now leaves a disabled card alone, in the same step that reads it. Raced across two ``sls serve`` workers.
"""

from __future__ import annotations

from functools import partial

import pytest
import requests
from test_races_stepup import ADMIN, LIMITS, World, _at_once

pytestmark = pytest.mark.e2e
ROUNDS = 16


def _wrong(login: tuple[str, str, str]) -> tuple[str, str, str]:
    """The started login with its right response changed into a wrong one."""
    txn_id, login_token, response = login
    return txn_id, login_token, f"{(int(response) + 1) % 10**8:08d}"


def test_a_right_response_racing_the_wrong_one_that_locks_the_card_leaves_it_locked(sls_serve) -> None:
    world = World(sls_serve(workers=2, SLS_DEVICE_FAILURE_LIMIT="2", **LIMITS).url)
    unlocked = 0
    for _ in range(ROUNDS):
        first = world.finish(requests.Session(), _wrong(world.start()))  # one wrong response: one to go
        assert first.status_code == 401 and first.json()["error"] == "invalid_response", first.text
        right, wrong = world.start(), _wrong(world.start())
        _, guessed = _at_once(partial(world.finish, login=right), partial(world.finish, login=wrong))
        assert guessed.status_code in (401, 423), guessed.text
        card = requests.get(f"{world.base}/admin/v1/users/alice/devices", headers=ADMIN, timeout=10).json()
        (state,) = card["devices"]
        if guessed.json()["error"] == "device_locked":  # this wrong response disabled the card
            unlocked += not state["factor_locked"]
        requests.post(f"{world.base}/admin/v1/devices/{world.card}/unlock", headers=ADMIN, timeout=10)
    assert not unlocked

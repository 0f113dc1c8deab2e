"""An authenticator's limit of wrong responses holds when responses race, and a card it disabled stays so.

A right response clears the card's count of consecutive wrong ones (``DeviceLockout.succeeded``), judged on
the card as the login read it. A wrong response landing in between, one that reached the limit and disabled
the card (``device_failure.lua``, event ``device.locked``), was undone by that reset: the card enabled again
with no administrator, its count back to zero, and whoever was guessing had a fresh set of tries. The reset
now leaves a disabled card alone, in the same step that reads it.

Wrong responses racing on one card each read it enabled, and each was counted after: past the limit, the
count went on (11 to 13 of 10) and the guesses past it were told ``invalid_response``, a guess each more.
The count now refuses past the limit in the step that counts (``device_failure.lua``): exactly the limit
is counted, whatever races, and every guess past it is told ``device_locked``. Raced across two
``sls serve`` workers.
"""

from __future__ import annotations

from functools import partial

import pytest
import requests
from test_races_stepup import ADMIN, LIMITS, World, _at_once

pytestmark = pytest.mark.e2e
ROUNDS = 16
#: The default limit of wrong responses per authenticator (``SLS_DEVICE_FAILURE_LIMIT``).
LIMIT = 10


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


def _card(world: World) -> dict[str, object]:
    found = requests.get(f"{world.base}/admin/v1/users/alice/devices", headers=ADMIN, timeout=10).json()
    (state,) = found["devices"]
    return dict(state)


def test_wrong_responses_racing_on_one_card_are_counted_to_its_limit_and_no_further(sls_serve) -> None:
    """8 logins open on the card, their 24 wrong responses at once (three each, every login's attempts), in
    three rounds: each round, exactly the limit is counted, one fewer told ``invalid_response`` and the rest
    ``device_locked``, as when they come one at a time; a ninth login's answer after them too."""
    world = World(sls_serve(workers=2, **LIMITS).url)
    for _ in range(3):
        *logins, spare = [_wrong(world.start()) for _ in range(9)]  # a login cannot start on a disabled card
        answers = _at_once(*(partial(world.finish, login=login) for login in logins for _ in range(3)))
        told = sorted(str(answer.json()["error"]) for answer in answers)
        assert told == ["device_locked"] * (24 - LIMIT + 1) + ["invalid_response"] * (LIMIT - 1), told
        assert all(a.status_code == (423 if a.json()["error"] == "device_locked" else 401) for a in answers)
        card = _card(world)
        assert (card["factor_failures"], card["factor_locked"]) == (LIMIT, True)
        late = world.finish(requests.Session(), spare)  # one more, alone: refused, and not counted
        assert late.status_code == 423 and late.json()["error"] == "device_locked", late.text
        assert _card(world)["factor_failures"] == LIMIT
        unlocked = requests.post(
            f"{world.base}/admin/v1/devices/{world.card}/unlock", headers=ADMIN, timeout=10
        )
        assert unlocked.status_code == 200, unlocked.text

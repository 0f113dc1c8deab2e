"""An IB Key activation code at its expiry (``SLS_ACTIVATION_CODE_TTL``, 600 s), and after the clock is moved
back: ``activation_expires_at - 1`` activates, ``activation_expires_at`` is 410 ``activation_code_expired``,
and a code refused as expired used to activate after the clock was moved back 10 s. It is spent now. And the
one timer here that is real time, on purpose: the lease that runs one activation per user at a time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import move_clock
from flask import Flask
from ibkey_world import PHONES, UNLOCK, World, ibkey_world  # noqa: F401  (the world fixture)

from sls_server.sim.ibkey.activation import ACTIVATION_LEASE_MS
from sls_server.store import connect, keys


def _to(world: World, at: int) -> None:
    moved = world.client.post("/admin/v1/clock", json={"set_at": at}, headers=world.headers)
    assert moved.status_code == 200


@pytest.mark.parametrize(("delta", "ok"), [(-1, True), (0, False), (1, False)])
def test_an_activation_code_works_until_its_expiry_and_not_from_it(
    world: World, delta: int, ok: bool
) -> None:
    world.user("alice")
    enrolled = world.enrol("alice", "ios")
    _to(world, enrolled["activation_expires_at"] + delta)
    done = world.activate(enrolled["device_id"], "alice", world.code(PHONES["alice"]), biometric=True)
    if ok:
        assert done.status_code == 200, done.get_json()
    else:
        assert done.status_code == 410 and done.get_json()["error"] == "activation_code_expired"


def test_a_code_refused_as_expired_stays_refused_when_the_clock_goes_back(world: World) -> None:
    world.user("alice")
    enrolled = world.enrol("alice", "ios")
    code = world.code(PHONES["alice"])
    _to(world, enrolled["activation_expires_at"])
    assert world.activate(enrolled["device_id"], "alice", code, biometric=True).status_code == 410
    move_clock(world.client, world.headers, -10)
    again = world.activate(enrolled["device_id"], "alice", code, biometric=True)
    assert again.status_code == 410 and again.get_json()["error"] == "activation_code_expired"  # was 200


def test_the_activation_lease_holds_when_the_clock_moves_past_it(
    app: Flask, world: World, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lease that runs one IB Key activation of a user at a time (``IbKeyRepo.hold_activation``) is on
    real time, not the app clock, and rightly: it guards requests running now, and frees the user only if a
    worker died holding it. On the app clock, a clock moved two minutes ahead while an activation held it (a
    trainer's +1 min twice, from another client) would let a second activation in beside it: two IB Keys
    active, or none. Here the second gets 409 ``activation_in_progress`` and spends nothing; a dead holder's
    lease ends within 30 real seconds (its TTL in Redis), whatever the app clock does."""
    world.activated_user("alice", "android")
    first = world.enrol("alice", "ios")["device_id"]
    first_code = world.code(PHONES["alice"])
    second = world.enrol("alice", "ios")["device_id"]
    second_code = world.code(PHONES["alice"])
    activation = app.extensions["sls"].factors.get("ibkey").activation
    real = activation.activate
    lease = connect(redis_url)
    seen: dict[str, Any] = {}

    def meanwhile(*args: Any, **kwargs: Any) -> bytes:
        """While the first activation holds the lease: the clock 120 s ahead, then the second activation."""
        if not seen:
            seen["pttl"] = lease.pttl(keys.user_ibkey_activation("alice"))
            other = World(app.test_client(), world.headers)
            with ThreadPoolExecutor(1) as pool:
                seen["moved"] = pool.submit(move_clock, other.client, other.headers, 120).result()
                second_try = pool.submit(other.activate, second, "alice", second_code, **UNLOCK["ios"])
                seen["second"] = second_try.result()
        return bytes(real(*args, **kwargs))

    monkeypatch.setattr(activation, "activate", meanwhile)
    done = world.activate(first, "alice", first_code, **UNLOCK["ios"])
    monkeypatch.undo()
    lease.close()
    assert done.status_code == 200, done.get_json()
    assert 0 < seen["pttl"] <= ACTIVATION_LEASE_MS
    refused = seen["second"]
    assert refused.status_code == 409, refused.get_json()  # on the app clock: 200, beside the first
    assert refused.get_json()["error"] == "activation_in_progress"
    again = world.activate(second, "alice", second_code, **UNLOCK["ios"])  # its code was not spent
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["replaced"] == [first]

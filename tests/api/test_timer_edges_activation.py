"""An IB Key activation code at its expiry (``SLS_ACTIVATION_CODE_TTL``, 600 s), and after the clock is moved
back: ``activation_expires_at - 1`` activates, ``activation_expires_at`` is 410 ``activation_code_expired``,
and a code refused as expired used to activate after the clock was moved back 10 s. It is spent now.
"""

from __future__ import annotations

import pytest
from conftest import move_clock
from flask.testing import FlaskClient
from ibkey_world import PHONES, World


@pytest.fixture
def world(client: FlaskClient, admin_headers: dict[str, str]) -> World:
    return World(client, admin_headers)


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

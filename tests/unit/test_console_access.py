"""The console's sign-in rules in the core (``auth.console_access``), with no web framework: the right token
opens its door and is recorded without the token, a wrong one is refused and recorded, signing out ends the
sign-in, and each door reads its own token setting and writes its own events. Real Redis; the audit trail is
read back as the console reads it."""

from __future__ import annotations

from typing import Any

import pytest

from sls_server.auth.console import ConsoleSignIns
from sls_server.auth.console_access import SIM_DOOR, TRAINER_DOOR, ConsoleAccess, ConsoleDoor
from sls_server.auth.errors import WrongConsoleToken
from sls_server.auth.lockout import LockoutPolicy
from sls_server.auth.token_guesses import TokenGuesses
from sls_server.config import Settings
from sls_server.events import EventLog
from sls_server.store import Store, keys

ADMIN = "unit-admin-token-0123456789"
SIM = "unit-sim-token-0123456789"
IDLE, ABSOLUTE = 600, 3600
AT, WALL = 5_000, 1_700_000_000  # the app's clock (the trail) and the wall clock (the deadlines) differ
IP = "203.0.113.7"


class World:
    def __init__(self, redis_url: str, **tokens: str | None) -> None:
        self.store = Store.from_url(redis_url)
        self.events = EventLog(self.store.events, retention_s=86400, window_s=60)
        self.sign_ins = ConsoleSignIns(self.store, idle_timeout=IDLE, absolute_timeout=ABSOLUTE)
        self.access = self.with_tokens(**tokens)

    def with_tokens(self, *, admin_token: str | None = ADMIN, sim_token: str | None = SIM) -> ConsoleAccess:
        settings = Settings(secret_key=b"k" * 32, admin_token=admin_token, sim_token=sim_token)
        guesses = TokenGuesses(self.store.lockout, LockoutPolicy.from_settings(settings))
        return ConsoleAccess(self.sign_ins, self.events, settings, guesses)

    def trail(self) -> list[dict[str, Any]]:
        """Every event written, as the console reads it (its stream id left out)."""
        return [{k: v for k, v in e.items() if k != "id"} for e in self.events.page(limit=100)[0]]

    def raw_trail(self) -> str:
        """The stream as stored, every field, for what must never be in it."""
        return repr(self.store.client.xrange(keys.EVENTS))

    def live(self) -> dict[str, int]:
        """How many live sign-ins each door has (ending them: the last question of a test)."""
        return self.sign_ins.end_all(now=WALL)


@pytest.fixture
def world(redis_url: str) -> World:
    return World(redis_url)


def sign_in(world: World, door: ConsoleDoor, typed: str, held: str | None = None) -> str:
    return world.access.sign_in(door, typed, held=held, at=AT, wall=WALL, ip=IP).id


def test_the_admin_token_opens_the_console_and_is_recorded_without_the_token(world: World) -> None:
    signed = world.access.sign_in(TRAINER_DOOR, ADMIN, held=None, at=AT, wall=WALL, ip=IP)

    assert signed.lifetime_s == ABSOLUTE
    assert world.access.check(TRAINER_DOOR, signed.id, wall=WALL + 1, activity=True) == "ok"
    assert world.access.check(SIM_DOOR, signed.id, wall=WALL + 1, activity=True) == "other_door"
    assert world.trail() == [{"at": AT, "type": "trainer.signed_in", "ip": IP}]
    assert ADMIN not in world.raw_trail() and signed.id not in world.raw_trail()
    assert world.live() == {"trainer": 1, "sim": 0}


@pytest.mark.parametrize("typed", ["", "wrong-token", ADMIN[:-1], ADMIN + "x", SIM])
def test_a_wrong_token_is_refused_and_recorded_without_it(world: World, typed: str) -> None:
    with pytest.raises(WrongConsoleToken) as refused:
        sign_in(world, TRAINER_DOOR, typed)

    assert world.trail() == [{"at": AT, "type": "trainer.sign_in_failed", "ip": IP, "result": "wrong_token"}]
    told = f"{refused.value} {refused.value.body()}"
    for secret in {typed, ADMIN} - {""}:
        assert secret not in world.raw_trail() and secret not in told
    assert world.live() == {"trainer": 0, "sim": 0}


def test_signing_out_ends_the_sign_in_and_is_recorded_once(world: World) -> None:
    held = sign_in(world, TRAINER_DOOR, ADMIN)

    assert world.access.sign_out(TRAINER_DOOR, held, at=AT + 7, ip="198.51.100.2") is True
    assert world.access.check(TRAINER_DOOR, held, wall=WALL + 1, activity=True) == "missing"
    assert world.access.sign_out(TRAINER_DOOR, held, at=AT + 8, ip=IP) is False  # ended already
    assert world.access.sign_out(TRAINER_DOOR, None, at=AT + 9, ip=IP) is False  # no cookie
    assert world.trail() == [
        {"at": AT, "type": "trainer.signed_in", "ip": IP},
        {"at": AT + 7, "type": "trainer.signed_out", "ip": "198.51.100.2"},
    ]
    assert world.live() == {"trainer": 0, "sim": 0}


def test_the_sim_door_takes_the_sim_token_and_writes_its_own_events(world: World) -> None:
    with pytest.raises(WrongConsoleToken):
        sign_in(world, SIM_DOOR, ADMIN)  # the admin token is not the sim token
    held = sign_in(world, SIM_DOOR, SIM)

    assert world.access.check(SIM_DOOR, held, wall=WALL, activity=False) == "ok"
    assert world.access.check(TRAINER_DOOR, held, wall=WALL, activity=False) == "other_door"
    assert world.access.sign_out(SIM_DOOR, held, at=AT + 1, ip=IP) is True
    assert world.trail() == [
        {"at": AT, "type": "sim.sign_in_failed", "ip": IP, "result": "wrong_token"},
        {"at": AT, "type": "sim.signed_in", "ip": IP},
        {"at": AT + 1, "type": "sim.signed_out", "ip": IP},
    ]
    assert SIM not in world.raw_trail()


def test_a_door_without_a_token_opens_to_no_one(redis_url: str) -> None:
    world = World(redis_url, sim_token=None)
    with pytest.raises(WrongConsoleToken):
        sign_in(world, SIM_DOOR, "")
    assert world.access.check(SIM_DOOR, "any-id", wall=WALL, activity=True) == "missing"
    assert world.trail() == [{"at": AT, "type": "sim.sign_in_failed", "ip": IP, "result": "wrong_token"}]
    assert world.live() == {"trainer": 0, "sim": 0}


def test_signing_in_again_ends_the_browser_s_earlier_sign_in(world: World) -> None:
    first = sign_in(world, TRAINER_DOOR, ADMIN)
    second = sign_in(world, TRAINER_DOOR, ADMIN, held=first)

    assert world.access.check(TRAINER_DOOR, first, wall=WALL, activity=True) == "missing"
    assert world.access.check(TRAINER_DOOR, second, wall=WALL, activity=True) == "ok"
    assert world.live() == {"trainer": 1, "sim": 0}


def test_a_new_token_voids_the_sign_ins_the_old_one_opened(world: World) -> None:
    held = sign_in(world, TRAINER_DOOR, ADMIN)
    renewed = world.with_tokens(admin_token="another-admin-token-0123456789")

    assert renewed.check(TRAINER_DOOR, held, wall=WALL, activity=True) == "token_changed"


def test_the_deadlines_follow_the_wall_clock_given(world: World) -> None:
    held = sign_in(world, TRAINER_DOOR, ADMIN)

    assert world.access.check(TRAINER_DOOR, held, wall=WALL + IDLE - 1, activity=False) == "ok"
    assert world.access.check(TRAINER_DOOR, held, wall=WALL + IDLE, activity=False) == "expired_idle"

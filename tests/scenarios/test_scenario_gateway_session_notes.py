"""What a session step refused with a 401 says when gateway mode ended the session: the gateway's SSO expiry,
its daily reset, a restart of the gateway (no other process holding its lease), a newer login through its
page, its REST logout. The note had words for the API's endings only, so these read "(session_revoked): the
server ended it", or a gateway logout as a logout step's, and the author was left to guess which.

A scenario cannot make its actor's session the gateway's (only a login through ``/sso/Login`` does, and its
token never leaves the server), so the note is asked here directly (``sessionless_note``), of a real
gateway-mode app on a real store: the actor's own login over the API, made the gateway's session as the
page's login makes it (``GatewayService.establish``), then ended by the gateway's own routes and service,
and the real events they write."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from sls_scenarios.steps.session_notes import ENDED_BY_EVENT, sessionless_note
from sls_scenarios.targets import InProcessTarget
from sls_scenarios.transport import InProcessClient
from sls_scenarios.world import Actor, World
from sls_server.event_types import EVENT_TYPES
from sls_server.store.records.gateway import GatewayProcess

PASSWORD = "Correct-Horse-Gateway-7"


@pytest.fixture(scope="module")
def target() -> Iterator[InProcessTarget]:
    made = InProcessTarget()
    made.prepare({"SLS_GATEWAY": True})
    yield made
    made.close()


@pytest.fixture
def world(target: InProcessTarget) -> World:
    made = World(target, random.Random(0))
    made.admin_ok("POST", "/admin/v1/reset", what="reset the world")
    made.admin_ok("POST", "/admin/v1/clock", {"freeze": True}, what="freeze the clock")
    return made


def _now(world: World) -> int:
    return int(world.admin_ok("GET", "/admin/v1/clock", what="the clock").body["now"])


def _core(actor: Actor) -> Any:
    assert isinstance(actor.client, InProcessClient)
    return actor.client.app.extensions["sls"]


def _logged_in(world: World, username: str) -> Actor:
    """``username`` (a card user) logged in over the API: an actor holding the session's token."""
    world.admin_ok("POST", "/admin/v1/users", {"username": username, "password": PASSWORD}, what="user")
    card = world.admin_ok(
        "POST", f"/admin/v1/users/{username}/devices", {"type": "dscplus", "pin": "1234"}, what="card"
    ).body
    actor = Actor(username, None, "user", world.target.client(None))
    started = actor.client.request(
        "POST", "/api/v1/auth/login", json_body={"username": username, "password": PASSWORD}
    ).body
    answer = actor.client.request(
        "POST",
        f"/sim/v1/dscplus/{card['device_id']}/respond",
        json_body={"pin": "1234", "challenge": started["factor"]["challenge"]},
    ).body["response"]
    done = actor.client.request(
        "POST", f"/api/v1/auth/login/{started['txn_id']}/verify", json_body={"response": answer}
    )
    assert done.status == 200, done.body
    actor.session, actor.session_user = done.body["session"]["token"], username
    return actor


def _the_gateways(world: World, actor: Actor) -> None:
    """The actor's session made the gateway's, as a login through the gateway's page makes it."""
    core, now = _core(actor), _now(world)
    core.gateway.establish(
        core.sessions.authenticate(actor.session, now=now, ip=None), paper=False, now=now, ip=None
    )


def _expired(world: World, actor: Actor) -> None:
    world.admin_ok("POST", "/admin/v1/gateway/expire", what="expire")


def _daily_reset(world: World, actor: Actor) -> None:
    """The reset set to the minute after the next ten, and the clock moved past it (short of the idle
    timeout); the gateway's next REST call finds it due."""
    at = (_now(world) + 600) // 60 * 60 + 60
    hhmm = datetime.fromtimestamp(at, UTC).strftime("%H:%M")
    world.admin_ok("PUT", "/admin/v1/gateway/daily-reset", {"at": hhmm}, what="daily reset")
    world.admin_ok("POST", "/admin/v1/clock", {"advance_s": at - _now(world) + 1}, what="advance")
    assert actor.client.request("POST", "/v1/api/tickle").status == 401


def _restarted(world: World, actor: Actor) -> None:
    """``sls gateway`` started again (as IBeam restarts it) with no other process holding the lease."""
    assert (
        _core(actor).gateway.restarted(GatewayProcess("here", 4242, 5000, 0), "first", now=_now(world)).ended
    )


def _replaced(world: World, actor: Actor) -> None:
    """Another user's login made the gateway's session (a second login through the page)."""
    _the_gateways(world, _logged_in(world, "bob"))


def _logged_out(world: World, actor: Actor) -> None:
    """The gateway's REST logout (IBeam's ``/logout``), which ends the session it holds."""
    assert actor.client.request("POST", "/v1/api/logout").status == 200


@pytest.mark.parametrize(
    ("end", "said"),
    [
        pytest.param(_expired, "(session.sso_expired): gateway mode: the gateway's SSO session", id="sso"),
        pytest.param(
            _daily_reset, "(session.daily_reset): gateway mode: the gateway's daily reset", id="daily"
        ),
        pytest.param(
            _restarted, "(session.gateway_restarted): gateway mode: the gateway was started", id="restart"
        ),
        pytest.param(
            _replaced,
            "(session.replaced_by_gateway_login): gateway mode: a newer login through the gateway's page",
            id="page login",
        ),
        pytest.param(_logged_out, "(session.logout): gateway mode: the gateway's REST logout", id="logout"),
    ],
)
def test_a_session_the_gateway_ended_is_told_by_what_ended_it(
    world: World, end: Callable[[World, Actor], None], said: str
) -> None:
    actor = _logged_in(world, "alice")
    _the_gateways(world, actor)
    end(world, actor)
    answer = actor.client.request(
        "POST", "/api/v1/session/tickle", headers={"Authorization": f"Bearer {actor.session}"}
    )
    assert answer.status == 401, answer.body
    note = sessionless_note(world, actor, answer)
    assert note.startswith(f"alice's session ended {said}"), note


def test_a_logout_step_is_still_told_as_one(world: World) -> None:
    """The actor's own logout (its token's ``POST /api/v1/auth/logout``) while the gateway held the session
    is not the gateway's: no ``gateway.session_ended`` came with it."""
    actor = _logged_in(world, "alice")
    _the_gateways(world, actor)
    headers = {"Authorization": f"Bearer {actor.session}"}
    assert actor.client.request("POST", "/api/v1/auth/logout", headers=headers).status == 200
    answer = actor.client.request("POST", "/api/v1/session/tickle", headers=headers)
    note = sessionless_note(world, actor, answer)
    assert note.startswith("alice's session ended (session.logout): a logout with its token"), note


def test_every_way_a_session_ends_has_words() -> None:
    """Each ``session.<why it ended>`` the server writes is named in a note (``session.killed`` by its
    ``ended_by``): a new ending left without words falls back to the 401's bare code."""
    endings = {kind for kind in EVENT_TYPES if kind.startswith("session.")} - {"session.killed"}
    assert endings <= set(ENDED_BY_EVENT), sorted(endings - set(ENDED_BY_EVENT))

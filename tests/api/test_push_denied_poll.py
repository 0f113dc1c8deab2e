"""What a login's poll (``GET /api/v1/auth/login/<txn_id>``) answers once the user denies its push, and
what /openapi.json says each poll state means: ``denied`` was listed among the states with no word on when
it comes or what follows it, and ``approved``, which the poll never answers (the first poll after an
approval is ``authenticated``), was listed beside it."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import move_clock
from ibkey_world import World, ibkey_world, push_login  # noqa: F401  (the world fixture)
from spec_conformance import Conformance, served_spec  # noqa: F401 - served_spec: "spec"

POLL = "/api/v1/auth/login/{txn_id}"


def test_a_denied_push_s_poll_says_denied_with_no_reason_for_good(world: World, spec: dict[str, Any]) -> None:
    """As the document says: ``denied``, no ``reason``, past the login's expiry too, and no new push."""
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    assert world.deny(app, note, pin="12ab").status_code == 200
    c = Conformance(world.client, spec)
    path = POLL.format(txn_id=started["txn_id"])
    polled = c.call("get", path, POLL, 200)
    assert polled == {
        "state": "denied",
        "txn_id": started["txn_id"],
        "expires_at": started["expires_at"],
        "factor": "ibkey",
    }
    move_clock(world.client, world.headers, 3600)  # past its expiry: still denied, not expired
    assert c.call("get", path, POLL, 200)["state"] == "denied"
    switched = c.call("post", f"{path}/factor", POLL + "/factor", 401, json={"type": "ibkey"})
    assert switched["error"] == "push_denied"  # no new push on a denied login
    assert world.notifications(app) == []


def test_a_response_sent_to_a_denied_push_login_is_told_it_was_denied(
    world: World, spec: dict[str, Any]
) -> None:
    """A client that posts a response to a push login the user denied is told the login is over (401
    ``push_denied``, as the poll and a factor switch say), not 409 ``wrong_mode`` ("poll instead"), which sent
    it polling a login that had ended."""
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    assert world.deny(app, note, pin="12ab").status_code == 200
    path = POLL.format(txn_id=started["txn_id"]) + "/verify"
    body = {"response": "123456", "login_token": started["login_token"]}
    answered = Conformance(world.client, spec).call("post", path, POLL + "/verify", 401, json=body)
    assert answered["error"] == "push_denied"  # and the document lists it for this route


@pytest.mark.parametrize(
    ("schema", "answered"),
    [
        ("LoginStatus", {"pending", "authenticated", "denied", "expired"}),
        ("StepUpAnswer", {"second_factor", "pending", "denied", "expired", "verified"}),
    ],
)
def test_the_document_lists_the_states_answered_and_says_what_each_means(
    spec: dict[str, Any], schema: str, answered: set[str]
) -> None:
    """The states a poll (or a step-up's start and answer) can answer, each said in the state's description;
    none the service never answers."""
    state = spec["components"]["schemas"][schema]["properties"]["state"]
    assert set(state["enum"]) == answered
    described = state.get("description", "")
    assert [s for s in sorted(answered) if f"`{s}`" not in described] == [], described

"""ASVS 5.0 7.5.2: a user sees their own live sessions (``GET /api/v1/sessions``) and, after a fresh
``change_security`` step-up, ends one of the others or all of them; never another user's."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import EnrolledUser, move_clock
from flask import Flask
from flask.testing import FlaskClient
from spec_conformance import Conformance

from sls_server import create_app

FIELDS = {
    "id",
    "username",
    "ip",
    "factor",
    "authenticated_at",
    "last_seen_at",
    "idle_expires_at",
    "expires_at",
    "current",
}


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    """Several live sessions per user: each login keeps its own (the default rule keeps one)."""
    return create_app({**app_config, "SESSION_CONCURRENCY": "allow"})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _sid(username: str, token: str) -> str:
    """The public id the contract promises: ``<username>~<sha256 of the token>``."""
    return f"{username}~{hashlib.sha256(token.encode()).hexdigest()}"


def _listed(user: EnrolledUser, token: str) -> list[dict[str, Any]]:
    answer = user.client.get("/api/v1/sessions", headers=_bearer(token))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["sessions"]  # type: ignore[no-any-return]


def _alive(client: FlaskClient, token: str) -> int:
    return client.get("/api/v1/session", headers=_bearer(token)).status_code


def _end(client: FlaskClient, token: str, session_id: str) -> Any:
    return client.delete(f"/api/v1/sessions/{session_id}", headers=_bearer(token))


def _ended_events(client: FlaskClient, admin_headers: dict[str, str]) -> list[dict[str, Any]]:
    answer = client.get("/admin/v1/events?type=session.ended_by_user", headers=admin_headers)
    return answer.get_json()["events"]  # type: ignore[no-any-return]


def test_the_list_shows_the_caller_s_own_sessions_only_and_marks_the_asking_one(
    enrol: Callable[..., EnrolledUser], admin_headers: dict[str, str]
) -> None:
    alice, bob = enrol("alice"), enrol("bob", "5678")
    first, second = alice.log_in(), alice.log_in()
    bobs = bob.log_in()

    answer = alice.client.get("/api/v1/sessions", headers=_bearer(second))
    assert answer.status_code == 200
    listed = answer.get_json()["sessions"]
    assert sorted(s["id"] for s in listed) == sorted([_sid("alice", first), _sid("alice", second)])
    assert [s["id"] for s in listed if s["current"]] == [_sid("alice", second)]
    assert all(set(s) == FIELDS and s["username"] == "alice" for s in listed)
    assert all(s["factor"] == "dscplus" and s["ip"] == "127.0.0.1" for s in listed)
    for token in (first, second, bobs):
        assert token not in json.dumps(answer.get_json())  # ids and times, never a token

    # the same sessions the admin sees, and from the other one it is that one that is current
    admin = alice.client.get("/admin/v1/users/alice/sessions", headers=admin_headers).get_json()["sessions"]
    assert sorted(s["id"] for s in admin) == sorted(s["id"] for s in listed)
    assert [s["id"] for s in _listed(alice, first) if s["current"]] == [_sid("alice", first)]
    assert [s["id"] for s in _listed(bob, bobs)] == [_sid("bob", bobs)]

    stranger = alice.client.application.test_client()  # no cookie, no token
    assert stranger.get("/api/v1/sessions").status_code == 401


def test_ending_a_session_needs_a_fresh_change_security_step_up(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    other, mine = alice.log_in(), alice.log_in()
    for refused in (
        _end(alice.client, mine, _sid("alice", other)),
        alice.client.post("/api/v1/sessions/end-others", headers=_bearer(mine)),
    ):
        assert refused.status_code == 401
        assert refused.get_json()["error"] == "reauth_required"
        assert refused.get_json()["purpose"] == "change_security"
    assert _alive(alice.client, other) == 200  # nothing ended

    mine = alice.step_up(mine, "withdrawal")  # verified, but for another task
    assert _end(alice.client, mine, _sid("alice", other)).get_json()["error"] == "reauth_required"

    mine = alice.step_up(mine)
    ended = _end(alice.client, mine, _sid("alice", other))
    assert ended.status_code == 200 and ended.get_json() == {"ended": [_sid("alice", other)]}
    dead = alice.client.get("/api/v1/session", headers=_bearer(other))
    assert dead.status_code == 401 and dead.get_json()["error"] == "session_revoked"  # dead at once, told why
    assert "from another of their sessions" in dead.get_json()["message"]
    assert _alive(alice.client, mine) == 200

    third = alice.log_in()
    move_clock(alice.client, admin_headers, 300)  # SLS_STEPUP_VALIDITY: the verification is stale
    stale = alice.client.post("/api/v1/sessions/end-others", headers=_bearer(mine))
    assert stale.status_code == 401 and stale.get_json()["error"] == "reauth_required"
    assert _alive(alice.client, third) == 200


def test_one_session_is_ended_by_the_short_id_an_event_shows(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    other, mine = alice.log_in(), alice.log_in()
    mine = alice.step_up(mine)
    short = _sid("alice", other)[: len("alice~") + 12]
    ended = _end(alice.client, mine, short)
    assert ended.status_code == 200 and ended.get_json() == {"ended": [_sid("alice", other)]}
    assert _alive(alice.client, other) == 401
    [event] = _ended_events(alice.client, admin_headers)
    assert event["user"] == "alice" and event["ip"] == "127.0.0.1"
    assert event["detail"] == {
        "session_id": _sid("alice", other).split("~")[1][:12],
        "by_session_id": _sid("alice", mine).split("~")[1][:12],
    }


def test_another_user_s_session_is_the_same_404_as_an_unknown_one_and_lives_on(
    enrol: Callable[..., EnrolledUser], admin_headers: dict[str, str]
) -> None:
    alice, bob = enrol("alice"), enrol("bob", "5678")
    bobs = bob.log_in()
    mine = alice.step_up()

    unknown = _end(alice.client, mine, "alice~" + "0" * 64)
    assert unknown.status_code == 404 and unknown.get_json()["error"] == "unknown_session"
    for someone_else_s in (_sid("bob", bobs), _sid("bob", bobs)[: len("bob~") + 12]):
        refused = _end(alice.client, mine, someone_else_s)
        assert refused.status_code == 404
        assert refused.get_json() == unknown.get_json()  # the same answer: no oracle of bob's sessions
    assert _alive(bob.client, bobs) == 200
    assert [s["id"] for s in _listed(alice, mine)] == [_sid("alice", mine)]  # bob's never listed to alice

    ended = alice.client.post("/api/v1/sessions/end-others", headers=_bearer(mine))
    assert ended.status_code == 200 and ended.get_json() == {"ended": []}  # alice has no others
    assert _alive(bob.client, bobs) == 200
    assert _ended_events(alice.client, admin_headers) == []


def test_ending_the_others_leaves_this_session_working_and_their_tokens_dead(
    enrol: Callable[..., EnrolledUser], admin_headers: dict[str, str]
) -> None:
    alice, bob = enrol("alice"), enrol("bob", "5678")
    first, second, mine = alice.log_in(), alice.log_in(), alice.log_in()
    bobs = bob.log_in()
    mine = alice.step_up(mine)

    ended = alice.client.post("/api/v1/sessions/end-others", headers=_bearer(mine))
    assert ended.status_code == 200
    assert sorted(ended.get_json()["ended"]) == sorted([_sid("alice", first), _sid("alice", second)])
    for token in (first, second):
        assert _alive(alice.client, token) == 401
    assert _alive(alice.client, mine) == 200
    assert _alive(bob.client, bobs) == 200
    listed = _listed(alice, mine)
    assert [(s["id"], s["current"]) for s in listed] == [(_sid("alice", mine), True)]

    events = _ended_events(alice.client, admin_headers)
    assert sorted(e["detail"]["session_id"] for e in events) == sorted(
        _sid("alice", t).split("~")[1][:12] for t in (first, second)
    )
    assert all(e["user"] == "alice" for e in events)
    trail = json.dumps(alice.client.get("/admin/v1/events", headers=admin_headers).get_json())
    assert not any(token in trail for token in (first, second, mine))  # never a token in an event

    again = alice.client.post("/api/v1/sessions/end-others", headers=_bearer(mine))
    assert again.status_code == 200 and again.get_json() == {"ended": []}


def test_bad_ids_are_a_400_naming_the_field_or_a_404_never_a_500(alice: EnrolledUser) -> None:
    other, mine = alice.log_in(), alice.log_in()
    mine = alice.step_up(mine)
    for malformed in ("nonsense", "alice~short", "alice~" + "a" * 200, "ALICE~" + "0" * 64, "~" + "0" * 64):
        answer = _end(alice.client, mine, malformed)
        assert answer.status_code == 400, (malformed, answer.get_json())
        assert answer.get_json()["error"] == "invalid_request" and answer.get_json()["field"] == "session_id"
    for unknown in (
        "alice~" + "f" * 64,
        "alice~zzzzzzzzzzzzzzzz",
        "alice~" + _sid("alice", other)[6:18] + "x",
    ):
        answer = _end(alice.client, mine, unknown)
        assert answer.status_code == 404 and answer.get_json()["error"] == "unknown_session", unknown
    itself = _end(alice.client, mine, _sid("alice", mine))  # this one logs out instead
    assert itself.status_code == 400 and itself.get_json()["field"] == "session_id"
    assert "logout" in itself.get_json()["message"]
    assert _alive(alice.client, mine) == 200 and _alive(alice.client, other) == 200
    with_body = alice.client.delete(
        f"/api/v1/sessions/{_sid('alice', other)}", json={"x": 1}, headers=_bearer(mine)
    )
    assert with_body.status_code == 400 and with_body.get_json()["error"] == "invalid_request"
    assert _alive(alice.client, other) == 200  # a refused request touched nothing


def test_every_answer_is_the_one_the_document_declares(alice: EnrolledUser) -> None:
    """One declaration makes the route, its validation and /openapi.json: the real answers, success and
    refusal alike, have the status, code and schema the document gives them."""
    c = Conformance(alice.client, alice.client.get("/openapi.json").get_json())
    listed, one, others = "/api/v1/sessions", "/api/v1/sessions/{session_id}", "/api/v1/sessions/end-others"
    other, mine = alice.log_in(), alice.log_in()
    c.call("get", listed, listed, 200, headers=_bearer(mine))
    c.call("delete", f"{listed}/{_sid('alice', other)}", one, 401, headers=_bearer(mine))
    c.call("post", others, others, 401, headers=_bearer(mine))
    mine = alice.step_up(mine)
    c.call("delete", f"{listed}/nonsense", one, 400, headers=_bearer(mine))
    c.call("delete", f"{listed}/alice~{'0' * 64}", one, 404, headers=_bearer(mine))
    c.call("delete", f"{listed}/{_sid('alice', other)}", one, 200, headers=_bearer(mine))
    c.call("post", others, others, 200, headers=_bearer(mine))
    c.call("put", listed, listed, 405, headers=_bearer(mine))


def test_under_the_default_one_session_rule_the_list_is_this_session_alone(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    client = create_app(app_config).test_client()  # SLS_SESSION_CONCURRENCY=replace
    carol = EnrolledUser(client, admin_headers, "carol", "2468")
    replaced = carol.log_in()
    mine = carol.log_in()
    assert _alive(client, replaced) == 401  # the newer login replaced it
    assert [(s["id"], s["current"]) for s in _listed(carol, mine)] == [(_sid("carol", mine), True)]
    mine = carol.step_up(mine)
    ended = client.post("/api/v1/sessions/end-others", headers=_bearer(mine))
    assert ended.status_code == 200 and ended.get_json() == {"ended": []}

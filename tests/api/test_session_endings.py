"""A session its holder did not end tells why on every request with its token, not only the first: a client
whose first 401 went to another process, or was lost, still learns it was logged off, replaced or killed.
The ending's event is recorded once; the tombstone holds only why and when, and Redis reclaims it after
``ENDED_KEEP_S`` of real time (a frozen or moved app clock keeps it). The token a step-up retired is told to
use the new one (``session_replaced``). A logout leaves none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import EnrolledUser, move_clock, trail
from flask import Flask
from flask.testing import FlaskClient

from sls_server import create_app
from sls_server.auth.session_tokens import session_id
from sls_server.store import keys
from sls_server.store.connection import connect
from sls_server.store.sessions import ENDED_KEEP_S

IDLE_S = 900
LIFETIME_S = 1800
GOOD, OTHER = "203.0.113.7", "198.51.100.9"


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    """Two live sessions a user may hold (so one can end another), a third login replacing the oldest."""
    settings = {"SESSION_CONCURRENCY": "allow", "SESSION_LIMIT": 2}
    return create_app({**app_config, "IDLE_TIMEOUT": IDLE_S, "ABSOLUTE_TIMEOUT": LIFETIME_S, **settings})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _answers(client: FlaskClient, token: str) -> list[tuple[int, dict[str, Any]]]:
    """What the session's routes answer the token, three times over (and a logout, which ends nothing), from
    a client holding no session cookie of its own (the user's client holds the newest login's)."""
    client = client.application.test_client()
    said = []
    for method, path in (
        ("GET", "/api/v1/session"),
        ("POST", "/api/v1/session/tickle"),
        ("GET", "/api/v1/session"),
        ("POST", "/api/v1/auth/logout"),
    ):
        answer = client.open(path, method=method, headers=_bearer(token))
        said.append((answer.status_code, answer.get_json()))
    return said


def _step_up(user: EnrolledUser, token: str) -> str:
    return user.step_up(token)


def _idle(user: EnrolledUser, headers: dict[str, str], token: str) -> None:
    move_clock(user.client, headers, IDLE_S)


def _lifetime(user: EnrolledUser, headers: dict[str, str], token: str) -> None:
    for _ in range(LIFETIME_S // 600 - 1):  # kept alive (never idle) until its absolute lifetime is over
        move_clock(user.client, headers, 600)
        assert user.client.post("/api/v1/session/tickle", headers=_bearer(token)).status_code == 200
    move_clock(user.client, headers, 600)


def _replaced(user: EnrolledUser, headers: dict[str, str], token: str) -> None:
    for _ in range(2):  # a second apart: logins of one second are ordered by chance
        move_clock(user.client, headers, 1)
        user.log_in()  # the third live one: the oldest is replaced (SESSION_LIMIT 2)


def _disabled(user: EnrolledUser, headers: dict[str, str], token: str) -> None:
    assert user.client.post("/admin/v1/users/alice/disable", headers=headers).status_code == 200


def _killed(user: EnrolledUser, headers: dict[str, str], token: str) -> None:
    sid = session_id(token)
    assert user.client.delete(f"/admin/v1/sessions/{sid}", headers=headers).status_code == 200


def _password_reset(user: EnrolledUser, headers: dict[str, str], token: str) -> None:
    new = {"password": "Another-Correct-Horse-7"}
    assert user.client.put("/admin/v1/users/alice/password", json=new, headers=headers).status_code == 200


def _ended_by_user(user: EnrolledUser, headers: dict[str, str], token: str) -> None:
    other = _step_up(user, user.log_in())
    ended = user.client.post("/api/v1/sessions/end-others", headers=_bearer(other))
    assert ended.status_code == 200, ended.get_json()


def _rotated(user: EnrolledUser, headers: dict[str, str], token: str) -> None:
    _step_up(user, token)  # the step-up answers a new token; the session lives on under it


ENDINGS: dict[str, tuple[Callable[[EnrolledUser, dict[str, str], str], None], str, str, str | None]] = {
    # how it ends, its event, the code every later request is told, and ``ended_by``
    "idle": (_idle, "session.expired_idle", "session_expired", "idle"),
    "lifetime": (_lifetime, "session.expired_absolute", "session_expired", "lifetime"),
    "replaced": (_replaced, "session.replaced", "session_replaced", None),
    "disabled": (_disabled, "session.killed", "session_revoked", None),
    "killed": (_killed, "session.killed", "session_revoked", None),
    "password_reset": (_password_reset, "session.killed", "session_revoked", None),
    "ended_by_user": (_ended_by_user, "session.ended_by_user", "session_revoked", None),
    "rotated": (_rotated, "session.rotated", "session_replaced", None),
}

#: What a ``session.killed`` says ended it (``detail.ended_by``): the type alone said "an administrator".
KILLED_BY = {"disabled": "user_disabled", "killed": "admin", "password_reset": "password_reset"}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_every_request_after_the_end_is_told_why_and_the_event_is_recorded_once(
    alice: EnrolledUser, admin_headers: dict[str, str], ending: str
) -> None:
    end, event, code, ended_by = ENDINGS[ending]
    token = alice.log_in()
    end(alice, admin_headers, token)
    said = _answers(alice.client, token)
    assert {status for status, _ in said} == {401}, said
    assert [body for _, body in said] == [said[0][1]] * len(said), "the same body every time"
    body = said[0][1]
    assert body["error"] == code and body.get("ended_by") == ended_by, body
    assert token not in str(body)
    [recorded] = trail(alice.client, admin_headers, event)
    assert recorded["detail"].get("ended_by") == KILLED_BY.get(ending), recorded


def test_the_token_a_step_up_retired_is_told_to_use_the_new_one(alice: EnrolledUser) -> None:
    """A request sent with the old token while the step-up was answered (a tickle timer, a second tab) can
    tell "use the new token" from "your login is gone": the new token still works."""
    token = alice.log_in()
    new = alice.step_up(token)
    told = _answers(alice.client, token)[0][1]
    assert told["error"] == "session_replaced" and "new session token" in told["message"], told
    assert alice.client.get("/api/v1/session", headers=_bearer(new)).status_code == 200


def test_a_page_sent_with_a_cookie_a_step_up_retired_is_not_told_the_session_ended(
    alice: EnrolledUser,
) -> None:
    """The browser holds the step-up's new cookie: a request in flight with the old one is sent to the login
    page, as before, never to the logged-off page's "a newer login" (the session did not end)."""
    token = alice.log_in()
    alice.step_up(token)
    old = alice.client.application.test_client()
    old.set_cookie("sls_session", token)
    answer = old.get("/account")
    assert answer.status_code == 303 and answer.headers["Location"] == "/", answer.headers.get("Location")


def test_the_tombstone_is_why_and_when_only_kept_a_day_of_real_time(
    alice: EnrolledUser, admin_headers: dict[str, str], redis_url: str
) -> None:
    token = alice.log_in()
    now = move_clock(alice.client, admin_headers, IDLE_S)
    key = keys.session("alice", session_id(token) or "")
    assert _answers(alice.client, token)[0][0] == 401
    r = connect(redis_url)
    assert r.hgetall(key) == {"state": "expired_idle", "at": str(now)}
    assert ENDED_KEEP_S - 60 < r.ttl(key) <= ENDED_KEEP_S  # Redis reclaims it: no app clock keeps it longer
    assert (r.memory_usage(key, samples=0) or 0) < 256
    move_clock(alice.client, admin_headers, 30 * 86400)  # the app clock moved on: the tombstone stays
    again = _answers(alice.client, token)[0][1]
    assert (again["error"], again["ended_by"]) == ("session_expired", "idle")
    r.delete(key)  # as Redis does once its TTL is over
    assert _answers(alice.client, token)[0][1]["error"] == "not_authenticated"
    assert len(trail(alice.client, admin_headers, "session.expired_idle")) == 1


def test_a_replaced_session_keeps_only_why_and_when(
    alice: EnrolledUser, admin_headers: dict[str, str], redis_url: str
) -> None:
    """It used to keep the whole record (its step-ups, address, factor) with a ``state`` beside it."""
    token = alice.log_in()
    _replaced(alice, admin_headers, token)
    key = keys.session("alice", session_id(token) or "")
    r = connect(redis_url)
    assert set(r.hgetall(key)) == {"state", "at"} and 0 < r.ttl(key) <= ENDED_KEEP_S


def test_a_logout_leaves_nothing_behind_where_a_kill_leaves_why(
    alice: EnrolledUser, admin_headers: dict[str, str], redis_url: str
) -> None:
    """Its holder knows why: a later request is ``not_authenticated``, and there is no key to reclaim. An
    administrator's kill, the same script (``session_end.lua``) given a cause, is told."""
    r = connect(redis_url)
    token = alice.log_in()
    assert alice.client.post("/api/v1/auth/logout", headers=_bearer(token)).status_code == 200
    assert _answers(alice.client, token)[0][1]["error"] == "not_authenticated"
    assert not r.exists(keys.session("alice", session_id(token) or ""))
    token = alice.log_in()
    _killed(alice, admin_headers, token)
    assert _answers(alice.client, token)[0][1]["error"] == "session_revoked"
    assert r.hget(keys.session("alice", session_id(token) or ""), "state") == "killed"


def test_a_session_ended_for_its_address_is_told_so_after_the_403(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    """The request from the refused address is told ``ip_restricted`` (403); every later one, from wherever,
    a 401 saying the session ended for it: the address asking then may be allowed, and must log in."""
    assert (
        alice.client.put(
            "/admin/v1/users/alice/ip-allowlist",
            json={"ip_allowlist": ["203.0.113.0/24"]},
            headers=admin_headers,
        ).status_code
        == 200
    )
    alice.client.environ_base["REMOTE_ADDR"] = GOOD
    token = alice.log_in()
    alice.client.environ_base["REMOTE_ADDR"] = OTHER
    refused = alice.client.get("/api/v1/session", headers=_bearer(token))
    assert (refused.status_code, refused.get_json()["error"]) == (403, "ip_restricted")
    for address in (GOOD, OTHER, GOOD):
        alice.client.environ_base["REMOTE_ADDR"] = address
        later = alice.client.get("/api/v1/session", headers=_bearer(token))
        assert later.status_code == 401 and later.get_json()["error"] == "session_revoked", later.get_json()
        assert "address" in later.get_json()["message"]
    assert len(trail(alice.client, admin_headers, "ip.rejected")) == 1


def test_a_state_export_and_import_pass_over_a_tombstone(
    alice: EnrolledUser, admin_headers: dict[str, str], redis_url: str
) -> None:
    """Sessions are traffic, not the world: a tombstone is no more in a document than a live session."""
    token = alice.log_in()
    _killed(alice, admin_headers, token)
    assert connect(redis_url).exists(keys.session("alice", session_id(token) or ""))  # its tombstone
    exported = alice.client.get("/admin/v1/state/export", headers=admin_headers)
    assert exported.status_code == 200, exported.get_json()
    assert session_id(token) not in exported.get_data(as_text=True)
    loaded = alice.client.post(
        "/admin/v1/state/import?replace=true",
        json={**exported.get_json(), "exported_at": 0},
        headers=admin_headers,
    )
    assert loaded.status_code == 200, loaded.get_json()
    alice.log_in()


def test_the_401_and_its_ended_by_are_documented(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    expired = spec["components"]["schemas"]["SessionExpiredError"]
    assert "ended_by" in expired["allOf"][1]["required"]
    assert "every request" in expired["description"]
    for code in ("SessionReplacedError", "SessionRevokedError"):
        assert "every request" in spec["components"]["schemas"][code]["description"]
    assert "`session_expired`" in str(spec["components"]["schemas"]["Error"]["properties"]["ended_by"])

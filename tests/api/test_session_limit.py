"""``SLS_SESSION_CONCURRENCY=allow`` keeps each login's session up to ``SLS_SESSION_LIMIT``: a login past it
ends the user's oldest, so logins in a loop cannot fill Redis with one user's sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import EnrolledUser, move_clock
from flask import Flask

from sls_server import create_app
from sls_server.errors import InvalidConfig

LIMIT = 3


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "SESSION_CONCURRENCY": "allow", "SESSION_LIMIT": LIMIT})


def _status(user: EnrolledUser, token: str) -> tuple[int, str | None]:
    answer = user.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code, answer.get_json().get("error")


def test_a_login_past_the_limit_ends_the_oldest_and_says_so(
    enrol: Callable[..., EnrolledUser], admin_headers: dict[str, str]
) -> None:
    alice = enrol("alice")
    tokens = []
    for _ in range(LIMIT):
        tokens.append(alice.log_in())
        move_clock(alice.client, admin_headers, 1)  # one login a second: "oldest" is not a tie
    assert [_status(alice, t)[0] for t in tokens] == [200] * LIMIT  # at the limit, all live

    tokens.append(alice.log_in())
    assert _status(alice, tokens[0]) == (401, "session_replaced")
    assert [_status(alice, t)[0] for t in tokens[1:]] == [200] * LIMIT
    listed = alice.client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {tokens[-1]}"})
    assert len(listed.get_json()["sessions"]) == LIMIT

    replaced = alice.client.get(
        "/admin/v1/events", query_string={"type": "session.replaced"}, headers=admin_headers
    ).get_json()["events"]
    assert len(replaced) == 1 and replaced[0]["user"] == "alice"


def test_a_session_ended_by_its_user_frees_its_place(
    enrol: Callable[..., EnrolledUser], admin_headers: dict[str, str]
) -> None:
    alice = enrol("alice")
    tokens = [alice.log_in() for _ in range(LIMIT)]
    out = alice.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {tokens[-1]}"})
    assert out.status_code == 200, out.get_json()
    alice.log_in()
    assert [_status(alice, t)[0] for t in tokens[:-1]] == [200] * (LIMIT - 1)


def test_other_users_sessions_do_not_count(enrol: Callable[..., EnrolledUser]) -> None:
    alice, bob = enrol("alice"), enrol("bob")
    theirs = [alice.log_in() for _ in range(LIMIT)]
    bob.log_in()
    assert [_status(alice, t)[0] for t in theirs] == [200] * LIMIT


@pytest.mark.parametrize("value", [0, 101, "many"])
def test_a_limit_out_of_range_stops_start_up_naming_the_variable(
    app_config: dict[str, Any], value: object
) -> None:
    with pytest.raises(InvalidConfig) as raised:
        create_app({**app_config, "SESSION_LIMIT": value})
    assert "SLS_SESSION_LIMIT" in str(raised.value)

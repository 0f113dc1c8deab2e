"""A session ended by an administrator (or by a user's sessions ended together) says where it was opened
(``detail.opened_from``): the trainer ending the attacker's session after a relay read "card-carl's session
ended by an administrator", the same line as ending her own, so the room could not see the attacker put
out. The feed now says whose it was."""

from __future__ import annotations

from collections.abc import Callable

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import Console, admin

from sls_server.auth.session_tokens import session_id
from sls_server.web.event_words import sentence

ATTACKER = "198.51.100.200"


def _log_in_from(user: EnrolledUser, client: FlaskClient, ip: str) -> str:
    """A login of ``user`` from ``ip`` (the card's answer from /sim/v1); the session's id."""
    at = {"REMOTE_ADDR": ip}
    started = client.post(
        "/api/v1/auth/login", json={"username": user.username, "password": user.password}, environ_base=at
    ).get_json()
    done = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": user.card_response(started["factor"]["challenge"])},
        headers={"X-Login-Token": started["login_token"]},
        environ_base=at,
    )
    assert done.status_code == 200, done.get_json()
    sid = session_id(done.get_json()["session"]["token"])
    assert sid is not None
    return sid


def test_a_session_ended_by_the_trainer_says_where_it_was_opened(
    client: FlaskClient, admin_headers: dict[str, str], enrol: Callable[..., EnrolledUser]
) -> None:
    alice = enrol("alice")
    sid = _log_in_from(alice, client, ATTACKER)
    Console(client).post(f"/trainer/sessions/{sid}/end")
    [killed] = admin(client, admin_headers, "/events?type=session.killed")["events"]
    assert killed["detail"]["opened_from"] == ATTACKER, killed
    assert sentence(killed, frozenset({ATTACKER})) == (
        f"The attacker's session as alice (opened from {ATTACKER}) ended by an administrator"
    )


def test_sessions_ended_together_each_say_where_they_were_opened(
    client: FlaskClient, admin_headers: dict[str, str], enrol: Callable[..., EnrolledUser]
) -> None:
    alice = enrol("alice")
    _log_in_from(alice, client, ATTACKER)
    Console(client).post("/trainer/users/alice/sessions/end")
    [killed] = admin(client, admin_headers, "/events?type=session.killed")["events"]
    assert killed["detail"]["opened_from"] == ATTACKER, killed

"""What a deleted user's ended sessions leave in Redis, and that none of it authenticates anything.

A step-up rotates the session's token and leaves the old one a marker (a tombstone of only ``state:
rotated`` and ``at``) so a request still carrying it is told to use the new token. The live session names
the tokens it was rotated from (``SessionRecord.retired``, written by the rotation that already goes), so
the deletion, which ends the live sessions, takes their markers in the same step: no index on the login
path, no scan. What no live session names (a session that ended before the deletion: replaced by a newer
login, expired, killed, and the markers of its own rotations) is left to its TTL, a day of real time, and is
shown here to authenticate nothing, before and after the name is given to a new user."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, EnrolledUser
from page_forms import csrf
from test_stepup import _bearer, _step_up

from sls_server.store import connect
from sls_server.store.sessions import ENDED_KEEP_S

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def session_keys(redis_url: str, username: str) -> dict[str, tuple[dict[str, str], int]]:
    """The user's session hashes left in Redis: each one's fields and its TTL (s)."""
    client = connect(redis_url)
    try:
        found = sorted(client.scan_iter(match=f"sls:{{u:{username}}}:session:*"))
        return {key: (client.hgetall(key), client.ttl(key)) for key in found}
    finally:
        client.close()


def test_deleting_a_user_takes_the_markers_of_their_live_sessions_rotations(
    alice: EnrolledUser, redis_url: str
) -> None:
    """Before, both markers outlived the user by a day."""
    first = alice.log_in()
    second = _step_up(alice, first, "withdrawal")["session"]["token"]
    third = _step_up(alice, second, "withdrawal")["session"]["token"]
    left = session_keys(redis_url, "alice")
    assert sorted(fields.get("state", "live") for fields, _ in left.values()) == [
        "live",
        "rotated",
        "rotated",
    ]

    assert alice.client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    assert session_keys(redis_url, "alice") == {}
    for token in (first, second, third):
        answer = alice.client.get("/api/v1/session", headers=_bearer(token))
        assert answer.status_code == 401 and answer.get_json()["error"] == "not_authenticated"


def test_what_the_deletion_leaves_authenticates_nothing(alice: EnrolledUser, redis_url: str) -> None:
    """A session ended before the deletion (here replaced by a newer login) is no longer in the user's index,
    nor are the markers of its rotations: they stay to their TTL, each only why and when it ended."""
    first = alice.log_in()
    second = _step_up(alice, first, "withdrawal")["session"]["token"]  # ``first``: a rotated marker
    third = alice.log_in()  # replaces ``second``: a tombstone no live session names
    assert alice.client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200

    left = session_keys(redis_url, "alice")
    assert sorted(fields["state"] for fields, _ in left.values()) == ["replaced", "rotated"]
    for fields, ttl in left.values():
        assert set(fields) == {"state", "at"} and 0 < ttl <= ENDED_KEEP_S

    def refused(token: str) -> None:
        for answer in (
            alice.client.get("/api/v1/session", headers=_bearer(token)),
            alice.client.get("/api/v1/sessions", headers=_bearer(token)),
            alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=_bearer(token)),
            alice.client.post("/api/v1/withdrawals", json={"amount": 5}, headers=_bearer(token)),
        ):
            assert answer.status_code == 401, answer.get_json()

    for token in (first, second, third):
        refused(token)

    again = EnrolledUser(alice.client, ADMIN, "alice", "5678")  # the name given to a new user
    fresh = again.log_in()
    for token in (first, second, third):
        refused(token)
    own = alice.client.get("/api/v1/sessions", headers=_bearer(fresh)).get_json()["sessions"]
    assert len(own) == 1 and own[0]["current"] is True
    listed = alice.client.get("/admin/v1/users/alice/sessions", headers=ADMIN).get_json()["sessions"]
    assert [s["id"] for s in listed] == [own[0]["id"]]


def test_a_logout_takes_the_markers_of_its_sessions_rotations(alice: EnrolledUser, redis_url: str) -> None:
    """A logout leaves nothing (its holder knows why: ``docs/security.md``), but the markers of the tokens its
    step-ups retired stayed a day, telling a request with one to use a token that was logged out."""
    first = alice.log_in()
    second = _step_up(alice, first, "withdrawal")["session"]["token"]
    assert alice.client.post("/api/v1/auth/logout", headers=_bearer(second)).status_code == 200
    assert session_keys(redis_url, "alice") == {}
    for token in (first, second):
        answer = alice.client.get("/api/v1/session", headers=_bearer(token))
        assert answer.status_code == 401 and answer.get_json()["error"] == "not_authenticated"


def test_the_pages_logout_takes_them_too(alice: EnrolledUser, redis_url: str) -> None:
    first = alice.log_in()  # the test client holds its cookie, as the login page's browser
    client = alice.client
    client.set_cookie("sls_session", _step_up(alice, first, "withdrawal")["session"]["token"])
    token = csrf(client.get("/account").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert session_keys(redis_url, "alice") == {}

"""Sessions: idle and absolute expiry read from the app clock, activity extends idle only."""

from __future__ import annotations

from conftest import EnrolledUser, move_clock, trail


def test_session_token_is_256_bits_and_stored_only_as_a_hash(alice: EnrolledUser, app) -> None:
    token = alice.log_in()
    assert len(token) >= 43  # token_urlsafe(32): 32 random bytes
    keys = app.extensions["sls"].store.client.keys("sls:*")
    assert not any(token in key for key in keys)


def test_idle_timeout_logs_off_and_activity_extends_it(alice: EnrolledUser, admin_headers) -> None:
    token = alice.log_in()
    bearer = {"Authorization": f"Bearer {token}"}
    first = alice.client.get("/api/v1/session", headers=bearer).get_json()
    move_clock(alice.client, admin_headers, 899)
    tickled = alice.client.post("/api/v1/session/tickle", headers=bearer).get_json()
    assert tickled["idle_expires_at"] == first["idle_expires_at"] + 899
    assert tickled["expires_at"] == first["expires_at"]
    move_clock(alice.client, admin_headers, 899)
    assert alice.client.get("/api/v1/session", headers=bearer).status_code == 200
    move_clock(alice.client, admin_headers, 900)
    expired = alice.client.get("/api/v1/session", headers=bearer)
    assert expired.status_code == 401
    assert expired.get_json()["error"] == "session_expired"
    assert expired.get_json()["ended_by"] == "idle"
    again = alice.client.post(
        "/api/v1/session/tickle", headers=bearer
    )  # dead server-side: a tickle is no use
    assert again.get_json() == expired.get_json()  # and told why again, not only once
    assert [e["user"] for e in trail(alice.client, admin_headers, "session.expired_idle")] == ["alice"]


def test_absolute_lifetime_is_not_extended_by_activity(alice: EnrolledUser, admin_headers) -> None:
    token = alice.log_in()
    bearer = {"Authorization": f"Bearer {token}"}
    expires_at = alice.client.get("/api/v1/session", headers=bearer).get_json()["expires_at"]
    for _ in range(int(86400 / 800)):
        move_clock(alice.client, admin_headers, 800)
        if alice.client.post("/api/v1/session/tickle", headers=bearer).status_code != 200:
            break
    now = alice.client.get("/admin/v1/clock", headers=admin_headers).get_json()["now"]
    assert now >= expires_at
    expired = alice.client.get("/api/v1/session", headers=bearer)
    assert expired.get_json()["error"] in {"session_expired", "not_authenticated"}
    assert [e["user"] for e in trail(alice.client, admin_headers, "session.expired_absolute")] == ["alice"]


def test_a_session_found_past_both_ends_ended_by_the_first(alice: EnrolledUser, admin_headers) -> None:
    """Left idle, then found after its lifetime too (a clock moved two days on): it was logged off for
    inactivity long before its lifetime ran out, and says so; it said "lifetime", the later of the two."""
    token = alice.log_in()
    bearer = {"Authorization": f"Bearer {token}"}
    assert alice.client.get("/api/v1/session", headers=bearer).status_code == 200
    move_clock(alice.client, admin_headers, 2 * 86400)
    found = alice.client.get("/api/v1/session", headers=bearer)
    assert found.status_code == 401
    assert (found.get_json()["error"], found.get_json()["ended_by"]) == ("session_expired", "idle")
    assert [e["user"] for e in trail(alice.client, admin_headers, "session.expired_idle")] == ["alice"]
    assert trail(alice.client, admin_headers, "session.expired_absolute") == []


def test_idle_expiry_never_passes_the_absolute_limit(alice: EnrolledUser, admin_headers) -> None:
    token = alice.log_in()
    bearer = {"Authorization": f"Bearer {token}"}
    expires_at = alice.client.get("/api/v1/session", headers=bearer).get_json()["expires_at"]
    now = alice.client.get("/admin/v1/clock", headers=admin_headers).get_json()["now"]
    while expires_at - now > 300:
        now = move_clock(alice.client, admin_headers, min(800, expires_at - now - 300))
        tickled = alice.client.post("/api/v1/session/tickle", headers=bearer)
        assert tickled.status_code == 200
    assert tickled.get_json()["idle_expires_at"] == expires_at


def test_forged_token_is_refused(alice: EnrolledUser) -> None:
    token = alice.log_in()
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    )


def test_admin_lists_and_kills_sessions(alice: EnrolledUser, admin_headers) -> None:
    token = alice.log_in()
    listed = alice.client.get("/admin/v1/users/alice/sessions", headers=admin_headers).get_json()["sessions"]
    assert len(listed) == 1 and listed[0]["username"] == "alice"
    assert token not in str(listed)
    killed = alice.client.delete(f"/admin/v1/sessions/{listed[0]['id']}", headers=admin_headers)
    assert killed.status_code == 200
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    again = alice.client.delete(f"/admin/v1/sessions/{listed[0]['id']}", headers=admin_headers)
    assert again.status_code == 404


def test_admin_ends_a_session_by_the_short_id_its_events_show(alice: EnrolledUser, admin_headers) -> None:
    """A trainer sees ``user=alice`` and a 12-digit ``session_id`` in the feed; with the user, that names
    the session (``sls sessions end alice~<short>``); anything shorter, or another user's, names none."""
    token = alice.log_in()
    listed = alice.client.get("/admin/v1/users/alice/sessions", headers=admin_headers).get_json()["sessions"]
    whole = listed[0]["id"]
    short = whole.partition("~")[2][:12]
    for unknown in (f"alice~{short[:11]}", f"bob~{short}", short, f"alice~{'0' * 12}", "alice~"):
        refused = alice.client.delete(f"/admin/v1/sessions/{unknown}", headers=admin_headers)
        assert refused.status_code == 404, unknown
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    killed = alice.client.delete(f"/admin/v1/sessions/alice~{short}", headers=admin_headers)
    assert killed.status_code == 200
    assert killed.get_json() == {"ended": whole, "username": "alice"}
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    events = alice.client.get("/admin/v1/events", headers=admin_headers).get_json()["events"]
    assert any(e["type"] == "session.killed" and e["detail"]["session_id"] == short for e in events)


def test_deleting_a_user_ends_their_sessions(alice: EnrolledUser, admin_headers) -> None:
    token = alice.log_in()
    assert alice.client.delete("/admin/v1/users/alice", headers=admin_headers).status_code == 200
    assert (
        alice.client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    assert alice.client.get("/admin/v1/users/alice", headers=admin_headers).status_code == 404


def test_logout_records_an_event(alice: EnrolledUser, admin_headers) -> None:
    alice.log_in()
    assert alice.client.post("/api/v1/auth/logout").status_code == 200
    assert [e["user"] for e in trail(alice.client, admin_headers, "session.logout")] == ["alice"]
    assert alice.client.post("/api/v1/auth/logout").status_code == 401

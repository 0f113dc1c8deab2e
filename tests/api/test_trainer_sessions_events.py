"""The trainer console's session and audit controls (``pages/trainer_sessions.py``,
``pages/trainer_events.py``), through their routes as the console's script calls them: one chosen session
ended as ``DELETE /admin/v1/sessions/<id>`` ends it, the user's others alive; the audit trail filtered as
``GET /admin/v1/events`` filters it, the same page and cursor for the same query, and refused by the field
it names. Both behind the page's CSRF token and the trainer's sign-in, like every console action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import Console, admin, csrf, world

from sls_server.auth.session_tokens import session_id
from sls_server.web.event_tones import worded
from sls_server.web.event_words import WORDS


def live_sessions(client: FlaskClient, headers: dict[str, str], name: str) -> list[str]:
    return [s["id"] for s in admin(client, headers, f"/users/{name}/sessions")["sessions"]]


def whoami(client: FlaskClient, token: str) -> int:
    return client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code


def test_the_chosen_session_ends_and_no_other_does(
    client: FlaskClient, admin_headers: dict[str, str], enrol: Callable[..., EnrolledUser]
) -> None:
    """One session per user (``SLS_SESSION_CONCURRENCY``): the chosen one is alice's; bob's lives on."""
    alice, bob = enrol("alice"), enrol("bob", "4321")
    console = Console(client)
    alices, bobs = alice.log_in(), bob.log_in()
    target = session_id(alices)
    assert target is not None and live_sessions(client, admin_headers, "alice") == [target]
    assert whoami(client, alices) == whoami(client, bobs) == 200
    ended = console.post(f"/trainer/sessions/{target}/end")
    assert ended == {"ended": target, "username": "alice"}
    assert live_sessions(client, admin_headers, "alice") == []
    assert live_sessions(client, admin_headers, "bob") == [session_id(bobs)]
    assert (whoami(client, alices), whoami(client, bobs)) == (401, 200)
    killed = admin(client, admin_headers, "/events?type=session.killed")["events"]
    assert [(e["user"], e["detail"]["session_id"]) for e in killed] == [("alice", target[6:18])]


def test_ending_a_session_that_is_not_live_is_the_admin_route_s_404_and_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    alice.log_in()
    live = live_sessions(client, admin_headers, "alice")
    console.post(f"/trainer/sessions/{live[0]}/end")
    alice.log_in()
    before = world(client, admin_headers)
    sessions = live_sessions(client, admin_headers, "alice")
    for gone in (live[0], "alice~" + "0" * 64, "nobody-here", "alice~"):
        refused = console.post(f"/trainer/sessions/{gone}/end", status=404)
        twin = client.delete(f"/admin/v1/sessions/{gone}", headers=admin_headers)
        assert twin.status_code == 404 and refused == twin.get_json(), gone  # worded alike
        assert refused["error"] == "unknown_session" and refused["message"] == "No live session has that id."
    assert world(client, admin_headers) == before
    assert live_sessions(client, admin_headers, "alice") == sessions


def test_a_short_id_as_events_show_it_ends_the_session_too(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    alice.log_in()
    whole = live_sessions(client, admin_headers, "alice")[0]
    assert console.post(f"/trainer/sessions/{whole[:18]}/end") == {"ended": whole, "username": "alice"}
    assert live_sessions(client, admin_headers, "alice") == []


def make_history(client: FlaskClient, headers: dict[str, str], alice: EnrolledUser) -> None:
    """Logins, a wrong password, another user: events of several types and users."""
    alice.log_in()
    client.post("/api/v1/auth/login", json={"username": "alice", "password": "not-the-password-1"})
    client.post("/admin/v1/users", json={"username": "bob", "password": alice.password}, headers=headers)
    alice.log_in()


@pytest.mark.parametrize(
    "query",
    [
        {"user": "alice"},
        {"user": "ALICE", "type": "login.succeeded"},
        {"type": "user.created"},
        {"type": "login.succeeded", "limit": "1"},
        {"user": "nobody-at-all"},
        {},
    ],
)
def test_the_filter_answers_what_the_admin_api_answers_for_the_same_query(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser, query: dict[str, str]
) -> None:
    console = Console(client)
    make_history(client, admin_headers, alice)
    filtered = console.post("/trainer/events/filter", query)
    params = "&".join(f"{k}={v}" for k, v in query.items())
    assert unworded(filtered) == admin(client, admin_headers, f"/events?{params}")
    user, kind = query.get("user", "").lower(), query.get("type")
    assert all(e.get("user") == user for e in filtered["events"]) or not user
    assert all(e["type"] == kind for e in filtered["events"]) or not kind


def test_the_filter_pages_on_from_its_cursor_and_blank_fields_filter_nothing(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    make_history(client, admin_headers, alice)
    everything = admin(client, admin_headers, "/events?type=login.succeeded")["events"]
    assert len(everything) == 2
    first = console.post("/trainer/events/filter", {"type": "login.succeeded", "limit": "1", "user": ""})
    assert unworded(first)["events"] == everything[:1]
    body = {"type": "login.succeeded", "limit": "1", "since": first["cursor"]}
    assert unworded(console.post("/trainer/events/filter", body))["events"] == everything[1:]
    blank = {"user": "", "type": "", "since": "", "limit": ""}
    assert unworded(console.post("/trainer/events/filter", blank)) == admin(client, admin_headers, "/events")


WORDED = ("said", "tone", "label")


def unworded(page: dict[str, Any]) -> dict[str, Any]:
    """The console's page as the admin API gives it: each event without what the console adds to it (its
    sentence, tone and label, as the live feed sends them), nor the page's list of attacker addresses."""
    events = [{k: v for k, v in e.items() if k not in WORDED} for e in page["events"]]
    return {**{k: v for k, v in page.items() if k != "attackers"}, "events": events}


def test_the_filter_says_each_event_as_the_live_feed_does(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    """The search listed the raw fields (a dotted type, key=value detail) where the feed says a sentence
    coloured by meaning: each event now comes with the feed's ``said``, ``tone`` and ``label``, worded by
    the same table (``web/event_tones.worded``)."""
    console = Console(client)
    wrong = {"username": alice.username, "password": "not-her-password-1"}
    assert client.post("/api/v1/auth/login", json=wrong).status_code == 401
    found = console.post("/trainer/events/filter", {"type": "login.password_failed"})["events"]
    assert found and all(WORDED[0] in e for e in found)
    assert found[-1]["said"] == f"Wrong password for {alice.username}, from 127.0.0.1"
    assert (found[-1]["tone"], found[-1]["label"]) == ("attempt", "attempt")
    raw = {k: v for k, v in found[-1].items() if k not in WORDED}
    assert found[-1] == worded(raw)  # one wording: the table the feed and `sls events` say too


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"user": "x!"}, "user", "user is not a valid username"),
        ({"type": "t" * 65}, "type", "type must be at most 64 characters"),
        ({"limit": "0"}, "limit", "limit must be at least 1"),
        ({"limit": 1001}, "limit", "limit must be at most 1000"),
        ({"limit": "many"}, "limit", "limit must be an integer"),
        ({"since": "yesterday"}, "since", "since must be a cursor returned by this route"),
    ],
)
def test_a_bad_filter_is_refused_naming_the_field_as_the_admin_api_refuses_it(
    client: FlaskClient,
    admin_headers: dict[str, str],
    alice: EnrolledUser,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    console = Console(client)
    make_history(client, admin_headers, alice)
    before = world(client, admin_headers)
    refused = console.post("/trainer/events/filter", body, status=400)
    assert (refused["error"], refused["field"]) == ("invalid_request", field)
    assert refused["message"] == message
    params = "&".join(f"{k}={v}" for k, v in body.items())
    assert admin(client, admin_headers, f"/events?{params}", status=400) == refused
    assert world(client, admin_headers) == before


ROUTES = [
    ("/trainer/sessions/{sid}/end", {}),
    ("/trainer/events/filter", {"user": "alice"}),
]


def test_without_the_page_s_csrf_token_or_the_sign_in_they_are_refused_and_change_nothing(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    browser_token = csrf(client.get("/trainer").get_data(as_text=True))  # not signed in yet
    alice.log_in()
    sid = live_sessions(client, admin_headers, "alice")[0]
    before = world(client, admin_headers)
    for path, body in ROUTES:
        unsigned = client.post(path.format(sid=sid), json=body, headers={"X-CSRF-Token": browser_token})
        assert unsigned.status_code == 401, path
        assert unsigned.get_json()["error"] == "trainer_sign_in_required", path
    Console(client)
    for path, body in ROUTES:
        for headers in ({}, {"X-CSRF-Token": "not-the-token"}):
            refused = client.post(path.format(sid=sid), json=body, headers=headers)
            assert refused.status_code == 403, path
            assert refused.get_json()["error"] == "csrf_token_invalid", path
    assert world(client, admin_headers) == before
    assert live_sessions(client, admin_headers, "alice") == [sid]


def test_the_console_lists_each_session_with_its_end_button_and_the_search_but_no_gateway_card(
    client: FlaskClient, admin_headers: dict[str, str], enrol: Callable[..., EnrolledUser]
) -> None:
    Console(client)
    enrol("alice").log_in()
    enrol("bob", "4321").log_in()
    html = client.get("/trainer").get_data(as_text=True)
    sids = live_sessions(client, admin_headers, "alice") + live_sessions(client, admin_headers, "bob")
    assert len(sids) == 2
    for sid in sids:
        assert f'data-testid="trainer-session-{sid}"' in html
        assert f'data-testid="trainer-end-session-{sid}"' in html
    assert 'data-testid="events-filter-user"' in html and 'data-testid="events-filter-submit"' in html
    # the daily reset is gateway mode's (tests/api/test_trainer_gateway.py): no card, no route without it
    assert "gateway-daily-reset" not in html
    headers = {"X-CSRF-Token": csrf(html)}
    answer = client.post("/trainer/gateway/daily-reset", json={"at": "23:45"}, headers=headers)
    assert answer.status_code == 404


def test_a_type_given_in_part_finds_nothing_and_is_offered_the_types_it_begins(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    """ "login" is no event type (the trail matches a type whole, as the admin API does): the page is empty,
    with the types the trainer may have meant, so "0 events" does not read as if nobody had logged in. The
    admin route refuses it: a script's typo must not pass as "no such event"."""
    console = Console(client)
    make_history(client, admin_headers, alice)
    found = console.post("/trainer/events/filter", {"type": "login"})
    assert found["events"] == []
    refused = admin(client, admin_headers, "/events?type=login", status=400)  # a script's typo is refused
    assert refused["field"] == "type"
    assert "login.succeeded" in found["types_like"] and "login.refused" in found["types_like"]
    assert all(t.startswith("login.") for t in found["types_like"])
    whole = console.post("/trainer/events/filter", {"type": "login.succeeded"})
    assert whole["events"] and "types_like" not in whole
    assert "types_like" not in console.post("/trainer/events/filter", {"type": "no-such-thing"})
    typo = console.post("/trainer/events/filter", {"type": "login.sucess"})  # a typo within, no part
    said = admin(client, admin_headers, "/events?type=login.sucess", status=400)["message"]
    assert typo["type_nearest"] == "login.succeeded" and "did you mean login.succeeded?" in said, "one guess"
    assert "type_nearest" not in whole and "type_nearest" not in found, "a whole type, or a part offered"


def test_the_types_a_part_begins_past_eight_are_counted_not_dropped(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    """ "session" begins ten types: the summary named eight and said nothing of the other two."""
    console = Console(client)
    make_history(client, admin_headers, alice)
    sessions = sorted(t for t in WORDS if t.startswith("session."))
    assert len(sessions) > 8
    found = console.post("/trainer/events/filter", {"type": "session"})
    assert found["types_like"] == sessions[:8] and found["types_like_more"] == len(sessions) - 8
    narrowed = console.post("/trainer/events/filter", {"type": "session.e"})  # more of the name narrows it
    assert narrowed["types_like"] == [t for t in sessions if t.startswith("session.e")]
    assert "types_like_more" not in narrowed

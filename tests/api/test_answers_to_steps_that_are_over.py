"""An answer to a second-factor step that is over (a replay of a right response, an answer past the expiry,
after the attempts ran out, to a push denied) is refused before anything is checked, and is still an attempt:
the trail has every one, as ``login.answer_refused`` with the refusal's code, never the response. Repeats
from one address within a window are counted into one summary, as every refusal anyone can repeat is."""

from __future__ import annotations

from typing import Any

from conftest import EnrolledUser, move_clock
from flask.testing import FlaskClient


def _refusals(client: FlaskClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    page = client.get(
        "/admin/v1/events", query_string={"type": "login.answer_refused", "user": "alice"}, headers=headers
    )
    return page.get_json()["events"]  # type: ignore[no-any-return]


def test_a_replayed_card_response_is_in_the_trail_without_the_response(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    assert alice.verify(started["txn_id"], response).status_code == 200
    assert _refusals(alice.client, admin_headers) == []  # a right answer is no refusal
    for _ in range(3):
        assert alice.verify(started["txn_id"], response).status_code == 409
    [refused] = _refusals(alice.client, admin_headers)  # the first written, the two others counted
    assert refused["result"] == "challenge_used"
    assert refused["device_id"] == alice.device_id and refused["factor"] == "dscplus"
    assert refused["detail"] == {"purpose": "login"}
    assert response not in str(refused)


def test_answers_past_the_expiry_and_after_the_attempts_are_refusals_in_the_trail(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    late = alice.start_login()
    move_clock(alice.client, admin_headers, 300)
    started = alice.start_login()
    for _ in range(3):  # the login's attempts, all wrong: each one is a failure of its own, not a refusal
        assert alice.verify(started["txn_id"], "00000000").status_code == 401
    assert _refusals(alice.client, admin_headers) == []
    right = alice.card_response(started["factor"]["challenge"])
    assert alice.verify(started["txn_id"], right).status_code == 410
    assert alice.verify(late["txn_id"], alice.card_response(late["factor"]["challenge"])).status_code == 410
    results = [e["result"] for e in _refusals(alice.client, admin_headers)]
    assert results == ["challenge_expired"], results  # one address, one window: the second one counted
    move_clock(alice.client, admin_headers, 61)  # the window closes: its count is told
    alice.start_login()  # any event appended after the window closes it
    summaries = alice.client.get(
        "/admin/v1/events", query_string={"type": "events.summary"}, headers=admin_headers
    ).get_json()["events"]
    told = [s for s in summaries if s["detail"].get("type") == "login.answer_refused"]
    assert [s["detail"]["count"] for s in told] == [2], summaries


def test_a_replayed_step_up_answer_is_in_the_trail_with_its_purpose(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    token = alice.log_in()
    bearer = {"Authorization": f"Bearer {token}"}
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=bearer).get_json()
    answer = {"txn_id": opened["txn_id"], "response": alice.card_response(opened["factor"]["challenge"])}
    done = alice.client.post("/api/v1/verify", json=answer, headers=bearer).get_json()
    rotated = {"Authorization": f"Bearer {done['session']['token']}"}
    assert alice.client.post("/api/v1/verify", json=answer, headers=rotated).status_code == 409
    [refused] = _refusals(alice.client, admin_headers)
    assert refused["result"] == "challenge_used" and refused["detail"] == {"purpose": "withdrawal"}

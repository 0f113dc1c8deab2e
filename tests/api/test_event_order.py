"""The trail tells a step in the order it happened: the challenge, then the text, call or push that carried
its code. A SIM swap's feed showed ``sms.sent`` above ``login.challenge_issued``: the challenge's event was
recorded after the factor had begun, and beginning it sends the text, whose event came first
(``EventLog.caused`` now writes the challenge ahead of what it sent)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from phone_world import Phone, sam_phone  # noqa: F401 - sam_phone: "sam"
from test_trainer_attacks import PASSWORD, attack, victim

STEP = {"login.challenge_issued", "sms.sent", "voice.called"}


def _steps(client: FlaskClient, headers: dict[str, str], user: str) -> list[str]:
    events: list[dict[str, Any]] = client.get(
        f"/admin/v1/events?user={user}&limit=1000", headers=headers
    ).get_json()["events"]
    # the enrolment's security notice is a text no challenge sent
    return [
        e["type"] for e in events if e["type"] in STEP and (e.get("detail") or {}).get("purpose") != "notice"
    ]


def test_a_sim_swap_s_challenge_comes_before_the_text_it_sent(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    victim(client, admin_headers, "sam", "sms", "+15555550104")
    result = attack(client, "sim_swap", "sam", PASSWORD)
    assert result["attacker_succeeded"] is True, result["summary"]
    steps = _steps(client, admin_headers, "sam")
    assert steps and steps == ["login.challenge_issued", "sms.sent"] * (len(steps) // 2), steps


def test_a_new_code_and_a_switch_to_a_call_come_after_their_challenge(sam: Phone) -> None:
    started = sam.login()
    sam.new_code(started["txn_id"], "sms")
    sam.new_code(started["txn_id"], "voice")
    assert _steps(sam.client, sam.headers, "sam") == [
        "login.challenge_issued",
        "sms.sent",
        "login.challenge_issued",
        "sms.sent",
        "login.challenge_issued",
        "voice.called",
    ]

"""The phone network's conditions as SMS and voice codes meet them: carrier blocking, delay, roaming, a SIM
swap; and what a bad condition or number is told."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from phone_world import MASKED, PASSWORD, PHONE, Phone, sam_phone  # noqa: F401 - sam_phone: "sam"

# --- the network's conditions ------------------------------------------------------------------------------


def test_carrier_blocking_sms_drops_the_text_but_the_callback_rings(sam: Phone) -> None:
    sam.conditions(carrier_blocks_sms=True)
    started = sam.login()
    assert started["factor"]["sent_to"] == MASKED, "the page still says where the code was sent"
    assert sam.texts() == []
    sam.new_code(started["txn_id"], "voice")
    assert sam.verify(started["txn_id"], sam.calls()[0]["code"]).status_code == 200


def test_a_delayed_text_arrives_when_the_clock_gets_there(sam: Phone) -> None:
    sam.conditions(delivery_delay_s=120)
    started = sam.login()
    sent_at = sam.move_clock(0)
    sam.move_clock(119)
    assert sam.texts() == []
    sam.move_clock(1)
    assert sam.texts()[0]["at"] == sent_at + 120
    assert sam.verify(started["txn_id"], sam.code()).status_code == 200


def test_roaming_is_stored_and_texts_still_arrive(sam: Phone) -> None:
    assert sam.conditions(roaming=True)["roaming"] is True
    sam.login()
    assert len(sam.texts()) == 1


def test_abroad_every_nth_text_is_lost_by_rule_and_the_voice_callback_gets_through(sam: Phone) -> None:
    """The broker's "roaming outside of your carrier's coverage (when abroad) you might not receive all
    messages", then its step 3, the voice callback. Every second text is lost, counted from when the
    conditions were set, and each loss is in the trail."""
    sam.conditions(roaming=True, roaming_loses_every=2)
    started = sam.login()
    assert len(sam.texts()) == 1, "the first text arrives"
    sam.new_code(started["txn_id"], "sms")
    assert len(sam.texts()) == 1, "the second is lost"
    sam.new_code(started["txn_id"], "voice")
    assert len(sam.calls()) == 1, "the callback rings"
    sam.new_code(started["txn_id"], "sms")
    assert len(sam.texts()) == 2, "the third arrives: the call took no place in the count"
    sam.conditions(roaming=True, roaming_loses_every=2)  # set again: the count starts over
    sam.new_code(started["txn_id"], "sms")
    assert len(sam.texts()) == 3, "the first of the new count arrives (the fourth since the login)"
    assert sam.verify(started["txn_id"], sam.code()).status_code == 200
    events = sam.client.get("/admin/v1/events?type=sms.sent", headers=sam.headers).get_json()["events"]
    logins = [e for e in events if e["detail"]["purpose"] == "login"]
    assert [(e["result"], e["detail"]["notes"]) for e in logins] == [
        ("delivered", []),
        ("dropped", ["roaming_lost"]),
        ("delivered", []),
        ("delivered", []),
    ]


def test_sim_swap_sends_the_code_to_the_attacker_who_can_log_in(sam: Phone) -> None:
    sam.conditions(sim_swapped_to="attacker")
    started = sam.login()
    assert sam.texts() == [], "the victim's phone lost its SIM: nothing arrives there"
    stolen = sam.texts("attacker")
    assert stolen[0]["to"] == PHONE
    assert sam.verify(started["txn_id"], stolen[0]["code"]).status_code == 200, "the SIM-swap demo"
    sam.conditions(sim_swapped_to=None)
    sam.login()
    assert len(sam.texts()) == 1 and len(sam.texts("attacker")) == 1


def test_a_phone_that_needs_a_restart_loses_texts_until_it_is_restarted(sam: Phone) -> None:
    sam.conditions(needs_restart=True, delivery_delay_s=30)
    started = sam.login()
    sam.move_clock(60)
    assert sam.texts() == [], "lost, not late"
    sam.new_code(started["txn_id"], "voice")
    assert len(sam.calls()) == 1, "a voice callback still rings"
    restarted = sam.client.post(f"/sim/v1/phones/{PHONE}/restart")
    assert restarted.status_code == 200
    assert restarted.get_json() == {
        "number": PHONE,
        "carrier_blocks_sms": False,
        "roaming": False,
        "delivery_delay_s": 30,  # the network's own conditions stay
        "sim_swapped_to": None,
        "needs_restart": False,
        "roaming_loses_every": 0,
        "approves_pushes": False,
    }
    sam.new_code(started["txn_id"], "sms")
    sam.move_clock(30)
    assert len(sam.texts()) == 1, "the new text comes through; the first stays lost"
    assert sam.verify(started["txn_id"], sam.code()).status_code == 200
    events = sam.client.get("/admin/v1/events?type=phone.restarted", headers=sam.headers).get_json()["events"]
    assert [e["detail"] for e in events] == [{"number": "+1•••••••0123"}]


def test_conditions_read_back_and_a_put_replaces_them_all(sam: Phone) -> None:
    normal = {"number": PHONE, "carrier_blocks_sms": False, "roaming": False, "delivery_delay_s": 0}
    unset = {
        "sim_swapped_to": None,
        "needs_restart": False,
        "roaming_loses_every": 0,
        "approves_pushes": False,
    }
    assert sam.client.get(f"/sim/v1/phones/{PHONE}/conditions").get_json() == {**normal, **unset}
    every = {
        "carrier_blocks_sms": True,
        "roaming": True,
        "delivery_delay_s": 3600,
        "sim_swapped_to": "+15555550999",
        "needs_restart": True,
        "roaming_loses_every": 10,
        "approves_pushes": True,
    }
    assert sam.conditions(**every) == {"number": PHONE, **every}
    assert sam.client.get(f"/sim/v1/phones/{PHONE}/conditions").get_json() == {"number": PHONE, **every}
    assert sam.conditions() == {**normal, **unset}


BAD_CONDITIONS = [
    ({"carrier_blocks_sms": "yes"}, "carrier_blocks_sms"),
    ({"carrier_blocks_sms": 1}, "carrier_blocks_sms"),
    ({"roaming": None}, "roaming"),
    ({"delivery_delay_s": -1}, "delivery_delay_s"),
    ({"delivery_delay_s": 3601}, "delivery_delay_s"),
    ({"delivery_delay_s": "10"}, "delivery_delay_s"),
    ({"delivery_delay_s": 1.5}, "delivery_delay_s"),
    ({"delivery_delay_s": True}, "delivery_delay_s"),
    ({"sim_swapped_to": ""}, "sim_swapped_to"),
    ({"sim_swapped_to": "evil handset"}, "sim_swapped_to"),
    ({"sim_swapped_to": "a" * 33}, "sim_swapped_to"),
    ({"sim_swapped_to": 5555550123}, "sim_swapped_to"),
    ({"sim_swapped_to": "../../etc"}, "sim_swapped_to"),
    ({"sim_swapped_to": "15555550999"}, "sim_swapped_to"),  # a number without its +
    ({"sim_swapped_to": PHONE}, "sim_swapped_to"),  # its own number: no swap, yet texts would say one
    ({"carier_blocks_sms": True}, "carier_blocks_sms"),
    ({"roaming": True, "roaming_loses_every": -1}, "roaming_loses_every"),
    ({"roaming": True, "roaming_loses_every": 11}, "roaming_loses_every"),
    ({"roaming": True, "roaming_loses_every": "2"}, "roaming_loses_every"),
    ({"roaming": True, "roaming_loses_every": True}, "roaming_loses_every"),
    ({"roaming_loses_every": 2}, "roaming_loses_every"),  # at home it would lose nothing: said, not kept
    ([True], "body"),
]


@pytest.mark.parametrize(("body", "field"), BAD_CONDITIONS)
def test_bad_conditions_are_refused_naming_the_field(sam: Phone, body: Any, field: str) -> None:
    sam.conditions(delivery_delay_s=5)
    answer = sam.client.put(f"/sim/v1/phones/{PHONE}/conditions", json=body)
    assert answer.status_code == 400 and answer.get_json()["field"] == field, answer.get_json()
    assert sam.client.get(f"/sim/v1/phones/{PHONE}/conditions").get_json()["delivery_delay_s"] == 5


@pytest.mark.parametrize(
    "number", ["not%20a%20number", "a" * 33, "%3Cscript%3E", "x%3By", "15555550104", "%2B1555"]
)
@pytest.mark.parametrize("route", ["messages", "calls", "conditions"])
def test_a_bad_number_in_the_path_is_refused(client: FlaskClient, number: str, route: str) -> None:
    answer = client.get(f"/sim/v1/phones/{number}/{route}")
    assert answer.status_code == 400 and answer.get_json()["field"] == "number"


def test_a_user_without_a_phone_cannot_enrol_sms_or_voice(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/admin/v1/users", json={"username": "nophone", "password": PASSWORD}, headers=admin_headers
    )
    assert created.status_code == 201
    for type_ in ("sms", "voice"):
        refused = client.post("/admin/v1/users/nophone/devices", json={"type": type_}, headers=admin_headers)
        assert refused.status_code == 400 and refused.get_json()["field"] == "phone"
        assert "no phone number" in refused.get_json()["message"]

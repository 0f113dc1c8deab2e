"""The demo world's users have signed in from the trainer's own addresses before (``demo_seed``'s
``TRAINER_ADDRESSES``): a volunteer's login on this machine is no "new location" notice, and the first staged
attack from the documentation ranges is one. A fresh demo world used to text the victim "Someone signed in ...
from a new location (IP address 127.0.0.1)" for her own login, after an attack had made its address known."""

from __future__ import annotations

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

pytestmark = pytest.mark.e2e


def notices(demo: Demo, number: str) -> list[str]:
    listed = demo.admin("GET", f"/sim/v1/phones/{number}/messages").json()["messages"]
    return [m["text"] for m in listed if m["purpose"] == "notice"]


def test_every_demo_user_knows_the_trainers_addresses(demo: Demo) -> None:
    exported = demo.admin("GET", "/admin/v1/state/export").json()
    known = {u["record"]["username"]: u["known_ips"] for u in exported["users"]}
    assert known and all(ips == ["127.0.0.1", "::1"] for ips in known.values()), known


def test_an_attack_is_news_to_the_victim_and_her_own_login_after_it_is_not(demo: Demo) -> None:
    number = demo.user("sms-sam")["phone"]
    relayed = demo.admin(
        "POST",
        "/admin/v1/attacks",
        {"attack": "phishing_relay", "username": "sms-sam", "password": demo.user("sms-sam")["password"]},
    )
    assert relayed.status_code == 200 and relayed.json()["verdict"] == "attacker_got_in", relayed.json()
    assert any("from a new location (IP address 198.51.100.200)" in t for t in notices(demo, number))
    own = demo.sls("login", "sms-sam", "--auto")
    assert own.exit_code == 0, own.output
    assert not any("127.0.0.1" in t for t in notices(demo, number)), notices(demo, number)

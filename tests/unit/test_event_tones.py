"""Each tone of the trainer's feed (``sls_server.web.event_tones``) says what the event means to the room:
a defence apart from a breach, an attacker's attempt apart from a user's own."""

from __future__ import annotations

from typing import Any

import pytest
from event_kit import ATTACKERS, event

from sls_server.web.event_tones import TONE_LABELS, tone


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        (event("account.locked", user="card-carl", ip="198.51.100.66"), "defence"),
        (event("login.refused", user="card-carl", ip="198.51.100.66", result="account_locked"), "defence"),
        (event("challenge.rate_limited", user="card-carl"), "defence"),
        (event("push.denied", user="iphone-ivy", ip="198.51.100.77"), "defence"),
        (  # a wrong number picked: number matching ended the login, not a guess that failed
            event(
                "login.second_factor_failed",
                user="android-ann",
                ip="198.51.100.77",
                detail={"attempts_left": 0, "wrong_number": True},
            ),
            "defence",
        ),
        (event("login.second_factor_failed", user="card-carl", ip="198.51.100.66"), "attempt"),
        (event("events.summary", ip="198.51.100.66", detail={"type": "login.refused"}), "defence"),
        (event("login.succeeded", user="iphone-ivy", ip="198.51.100.77"), "breach"),
        (event("push.approved", user="iphone-ivy", ip="198.51.100.77"), "breach"),
        (event("phone.conditions_changed", detail={"sim_swapped": True}), "breach"),
        (event("sms.sent", user="sms-sam", detail={"notes": ["sim_swapped"]}), "breach"),
        (event("device.activated", user="android-ann", ip="198.51.100.99"), "breach"),
        (event("login.password_failed", user="card-carl", ip="127.0.0.1"), "attempt"),
        (event("login.challenge_issued", user="iphone-ivy", ip="198.51.100.77"), "attempt"),
        (event("login.succeeded", user="ann", ip="203.0.113.5", detail={"new_place": True}), "warn"),
        (event("login.succeeded", user="ann", ip="127.0.0.1"), "good"),
        (event("push.approved", user="ann", ip="127.0.0.1"), "good"),
        (  # the trainer lifted the limit of the attacker's address: the address is the subject, not the actor
            event("ip.throttle_lifted", ip="198.51.100.66", detail={"attempts": 30}),
            "good",
        ),
        (event("session.replaced", user="ann"), ""),
        (event("clock.moved", detail={"offset_s": 60}), ""),
    ],
)
def test_each_tone_says_what_the_event_means(given: dict[str, Any], meant: str) -> None:
    assert tone(given, ATTACKERS) == meant
    assert meant == "" or TONE_LABELS[meant]

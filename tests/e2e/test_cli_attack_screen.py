"""``sls attack phishing-relay`` and ``sls attack-screen``: the attacker's side of the relay in the words of
the trainer's page (``/trainer/attacks/relay``), from ``GET /admin/v1/attacks/relay-screen``; the phished
password and what the victim typed only as captured, never themselves."""

from __future__ import annotations

import json

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

pytestmark = pytest.mark.e2e


def test_the_relay_prints_the_attacker_s_screen_as_the_page_says_it(demo: Demo) -> None:
    before = demo.ok("attack-screen")
    assert "No phishing relay has been staged yet." in before.stdout
    relayed = demo.ok("attack", "phishing-relay", "card-carl")
    screen = demo.json("attack-screen")
    assert screen["state"] == "got_in" and screen["victim"] == "card-carl", screen
    assert "The attacker's screen:" in relayed.stdout
    for line in screen["lines"]:  # the page's sentences, each on its line
        assert f"  {line}\n" in relayed.stdout
    assert "Captured: username card-carl, password ••••••••." in relayed.stdout
    assert "Captured: the card's response ••••••••." in relayed.stdout
    again = demo.ok("attack-screen")
    assert again.stdout == relayed.stdout[relayed.stdout.index("The attacker's screen:") :]
    assert demo.user("card-carl")["password"] not in relayed.output + again.output


def test_attack_last_prints_the_last_attack_staged_whatever_its_kind(demo: Demo) -> None:
    """``sls attack-last`` reads ``GET /admin/v1/attacks/last``: nothing before an attack, then the last one's
    report as ``sls attack`` printed it, a later attack of another kind taking its place."""
    none = demo.ok("attack-last")
    assert "no attack was staged" in none.output and demo.json("attack-last") == {"staged": False}
    demo.ok("attack", "phishing-relay", "card-carl")
    brute = demo.ok("attack", "brute-force", "sms-sam")
    last = demo.json("attack-last")
    assert (last["staged"], last["kind"], last["target"]) == (True, "brute_force", "sms-sam"), last
    said = demo.ok("attack-last")
    assert "brute-force on sms-sam, staged at " in said.output
    assert said.stdout == brute.stdout  # the verdict, the summary and the outcomes, as staged
    assert demo.user("card-carl")["password"] not in said.output + json.dumps(last)

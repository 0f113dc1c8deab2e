"""``sls events`` and ``sls user show`` as a trainer reads them between two demos: each event in words, as
the feed says it (it printed ``{"notes":[],"purpose":"notice",...}``), the latest events of a user
(``--limit 5`` gave the oldest five), and a locked account's lock in ``user show`` (it said nothing of it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
import requests
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

pytestmark = pytest.mark.e2e


def test_the_listing_says_sentences_and_json_keeps_the_object(demo: Demo) -> None:
    demo.json("login", "sms-sam", "--auto")
    sent = demo.json("events", "--user", "sms-sam", "--type", "sms.sent")["events"]
    assert sent and sent[0]["detail"]["purpose"]  # --json: the object, as the server sent it
    shown = demo.ok("events", "--user", "sms-sam", "--type", "sms.sent").stdout
    assert "Code texted to sms-sam's phone, from 127.0.0.1  sms.sent" in shown, shown  # as the feed says it
    assert '{"' not in shown and '":' not in shown, shown


def test_last_gives_the_latest_events_oldest_of_them_first(demo: Demo) -> None:
    for _ in range(3):
        demo.json("login", "sms-sam", "--auto")
    every = demo.json("events", "--user", "sms-sam", "--limit", "1000")["events"]
    assert len(every) > 5
    latest = demo.json("events", "--user", "sms-sam", "--last", "5")
    assert [e["id"] for e in latest["events"]] == [e["id"] for e in every[-5:]]
    assert latest["cursor"] == every[-1]["id"]
    table = demo.ok("events", "--user", "sms-sam", "--last", "5").stdout
    assert "the last 5 event(s)" in table
    both = demo.sls("events", "--last", "5", "--follow")
    assert both.exit_code == 2 and "--last" in both.stderr


def test_user_show_says_the_account_is_locked(demo: Demo) -> None:
    wrong = {"username": "card-carl", "password": "not-her-password-1"}
    assert requests.post(demo.server.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    once = demo.ok("user", "show", "card-carl").stdout
    assert "not locked" in once and "failures" in once
    demo.admin("POST", "/admin/v1/attacks", {"attack": "brute_force", "username": "card-carl"})
    locked = demo.ok("user", "show", "card-carl").stdout
    assert "card-carl: LOCKED" in locked, locked
    assert demo.json("user", "show", "card-carl")["username"] == "card-carl"  # --json: the user, as before


def test_an_attacker_s_address_is_tagged_and_follow_prints_the_listing_s_line(demo: Demo) -> None:
    """The feed said "from 198.51.100.66 (attacker)" where ``sls events`` said the address bare; and
    ``--follow`` printed raw fields in a format of its own. Both now say each event as the listing does,
    tagged from the server's list of the attacker's addresses (``GET /admin/v1/attackers``)."""
    from sls_server.sim.attacks import BRUTE_IP

    demo.admin("POST", "/admin/v1/attacks", {"attack": "brute_force", "username": "card-carl"})
    shown = demo.ok("events", "--user", "card-carl", "--type", "login.password_failed").stdout
    assert f"from {BRUTE_IP} (attacker)" in shown, shown
    listed = [line for line in shown.splitlines() if "login.password_failed" in line]
    assert listed
    last = demo.ok("events", "--user", "card-carl", "--type", "login.password_failed", "--last", "1").stdout
    assert listed[-1] in last.splitlines(), last
    raw = demo.json("events", "--user", "card-carl", "--type", "login.password_failed")["events"][0]
    assert raw["ip"] == BRUTE_IP and "said" not in raw  # --json: as the server sent it

    follower = subprocess.Popen(
        [sys.executable, "-m", "sls_server.cli.main", "events", "--follow", "--user", "card-carl",
         "--type", "login.password_failed", "--interval", "0.2"],
        env={**os.environ, **demo.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert follower.stdout is not None
        followed = follower.stdout.readline().rstrip("\n")
    finally:
        follower.send_signal(signal.SIGINT)
        follower.communicate(timeout=10)
    assert followed == listed[0], (followed, listed[0])  # one way of printing an event


def test_a_type_no_server_writes_is_said_once_by_the_server(demo: Demo) -> None:
    """The CLI warned of a typo's type ('no event type is called ...') and then printed the server's 400,
    which names the nearest type too: the same thing said twice. The server's answer is the one said."""
    typo = demo.sls("events", "--type", "login.sucess")
    assert typo.exit_code == 1
    (line,) = typo.stderr.strip().splitlines()
    assert line.startswith("error: ") and "login.succeeded" in line, typo.stderr
    known = demo.sls("events", "--type", "login.succeeded")
    assert known.exit_code == 0 and "no event type" not in known.stderr, known.stderr

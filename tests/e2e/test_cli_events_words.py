"""``sls events`` and ``sls user show`` as a trainer reads them between two demos: each event in words, as
the feed says it (it printed ``{"notes":[],"purpose":"notice",...}``), the latest events of a user
(``--limit 5`` gave the oldest five), and a locked account's lock in ``user show`` (it said nothing of it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from cli_world import Demo, seeded
from conftest import ServerProcess, fresh

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(demo_server: ServerProcess, redis_url: str, tmp_path: Path) -> Demo:
    return seeded(fresh(demo_server, redis_url), tmp_path / "cli-data")


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

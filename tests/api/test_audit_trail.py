"""The audit trail survives floods (security review): refusals are counted per client and window
instead of written one by one, events are trimmed by age and never by count, and ``user`` only ever holds a
canonical username, as the published Event schema says."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from conftest import ADMIN_TOKEN, EnrolledUser, move_clock
from flask.testing import FlaskClient

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ATTACKER = "198.51.100.66"


def all_events(client: FlaskClient, since: str | None = None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = since
    while True:
        query = {"limit": "1000", **({"since": cursor} if cursor else {})}
        page = client.get("/admin/v1/events", query_string=query, headers=ADMIN).get_json()
        found += page["events"]
        if not page["events"]:
            return found
        cursor = page["cursor"]


def test_a_flood_of_refusals_leaves_a_bounded_exact_record(alice: EnrolledUser) -> None:
    client = alice.client
    [created] = [e for e in all_events(client) if e["type"] == "user.created"]
    before = all_events(client)[-1]["id"]

    statuses: Counter[int] = Counter()
    for n in range(2000):
        if n and n % 500 == 0:  # the flood spans several windows, all inside the address's throttle window
            move_clock(client, ADMIN, 60)
        answer = client.post(
            "/api/v1/auth/login",
            json={"username": "alice", "password": "not-the-password"},
            environ_base={"REMOTE_ADDR": ATTACKER},
        )
        statuses[answer.status_code] += 1
    assert statuses == {401: 5, 423: 25, 429: 1970}  # 5 failures lock; 30 attempts throttle the address
    move_clock(client, ADMIN, 60)  # the last window closes

    written = all_events(client, since=before)
    assert len(written) <= 30, Counter(e["type"] for e in written)
    for status, reason in ((423, "account_locked"), (429, "rate_limited")):
        single = [e for e in written if e["type"] == "login.refused" and e["result"] == reason]
        summaries = [
            e
            for e in written
            if e["type"] == "events.summary"
            and e["detail"]["type"] == "login.refused"
            and e["result"] == reason
        ]
        assert all(e["ip"] == ATTACKER for e in single + summaries)
        assert len(single) + sum(s["detail"]["suppressed"] for s in summaries) == statuses[status]
        assert all(s["detail"]["count"] == s["detail"]["suppressed"] + 1 for s in summaries)
    assert [e for e in all_events(client) if e["type"] == "user.created"] == [created]


def test_the_metrics_count_every_refusal(alice: EnrolledUser) -> None:
    for _ in range(40):
        alice.client.post(
            "/api/v1/auth/login",
            json={"username": "alice", "password": "not-the-password"},
            environ_base={"REMOTE_ADDR": ATTACKER},
        )
    metrics = alice.client.get("/metrics").get_data(as_text=True)
    assert 'sls_events_total{type="login.refused"} 35' in metrics  # 5 wrong passwords, then 35 refusals


def test_events_never_publish_a_lock_name_as_a_user(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    user_schema = spec["components"]["schemas"]["Event"]["properties"]["user"]
    pattern = re.compile(user_schema["pattern"])
    for username in ("x", "a" * 120, "Bob Smith", "al"):  # 200 chars: 400 before any check
        for _ in range(6):  # enough to lock the name: login.password_failed, account.locked, login.refused
            answer = client.post(
                "/api/v1/auth/login", json={"username": username, "password": "whatever-it-is"}
            )
            assert answer.status_code in (401, 423, 429)
    activate = {"username": "Y!", "password": "whatever-it-is", "activation_code": "12345678", "pin": "12ab"}
    assert client.post("/sim/v1/ibkey/ibkey-000000000000/activate", json=activate).status_code == 401
    events = all_events(client)
    types = {e["type"] for e in events}
    assert {"login.password_failed", "account.locked", "login.refused", "ibkey.password_failed"} <= types
    users = [e["user"] for e in events if "user" in e]
    assert all(pattern.fullmatch(user) for user in users), users
    locked = [e for e in events if e["type"] == "account.locked"]
    assert all(e["detail"]["invalid_username"] is True and "user" not in e for e in locked)
    assert "~" not in json.dumps(events)  # no digest of what was typed, which may be a password


def test_the_lock_comes_after_the_wrong_password_that_set_it(alice: EnrolledUser) -> None:
    """The Nth wrong password locks the account: the trail (and the trainer's feed, which reads it) says the
    failure first, then the lock and its notice, then the refusals."""
    client = alice.client
    before = all_events(client)[-1]["id"]
    for _ in range(6):
        client.post(
            "/api/v1/auth/login",
            json={"username": "alice", "password": "not-the-password"},
            environ_base={"REMOTE_ADDR": ATTACKER},
        )
    kinds = [e["type"] for e in all_events(client, since=before) if e.get("user") == "alice"]
    shown = [k for k in kinds if k in ("login.password_failed", "account.locked", "login.refused")]
    assert shown == [*["login.password_failed"] * 5, "account.locked", "login.refused"], kinds
    assert all(
        kinds.index(k) > kinds.index("account.locked") for k in ("sms.sent", "voice.called") if k in kinds
    )

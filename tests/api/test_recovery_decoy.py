"""A start of "Forgot your password?" at a name no user has (or a user's without a phone) takes as long as
one at a user's name, which texts a code (ASVS 5.0 6.3.8: no user enumeration by timing). Held here without a
clock: the two send the same commands to Redis, in the same order and the same round trips, as Redis itself
sees them (MONITOR, and ``INFO``'s reads), while the code is texted to nobody and nothing reaches the trail.
How long each takes is measured by ``sls_bench/recovery_timing.py`` (docs/performance.md), never in a test."""

from __future__ import annotations

import cProfile
import os
import pstats
import secrets
from collections.abc import Callable
from typing import Any

import pytest
import redis
from conftest import ADMIN_TOKEN, TOPOLOGY, trail
from flask.testing import FlaskClient
from round_trip_kit import collector_held

from sls_bench.redis_stats import client_reads
from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Violet-Harbour-Lantern-42"

#: MONITOR and one server's counters: on a Cluster or behind Sentinel there is no one server to read.
pytestmark = pytest.mark.skipif(TOPOLOGY != "single", reason="reads one redis-server's MONITOR and stats")


def make_user(client: FlaskClient, name: str, phone: str | None) -> None:
    made = client.post("/admin/v1/users", json={"username": name, "password": PASSWORD}, headers=ADMIN)
    assert made.status_code == 201, made.get_json()
    if phone:
        put = client.put(f"/admin/v1/users/{name}/phone", json={"phone": phone}, headers=ADMIN)
        assert put.status_code == 200, put.get_json()


def shape(command: str) -> str:
    """A command as MONITOR shows it, without its keys and values: its name, and a script's SHA."""
    words = command.split()
    return " ".join(words[:2]) if words[0] == "EVALSHA" else words[0]


def sent_by(redis_url: str, run: Callable[[], Any]) -> tuple[list[str], list[str], int]:
    """What ``run`` had Redis do: the shapes of the commands the clients sent, in Redis's order; those the
    scripts they called ran (MONITOR shows them too: a script that writes an event runs an ``XADD`` that one
    which writes nothing does not); and the round trips (reads: one per command sent alone or per
    pipeline)."""
    observer = redis.Redis.from_url(redis_url, decode_responses=True)
    marker = f"end-{secrets.token_hex(4)}"
    try:
        with observer.monitor() as monitor:
            with collector_held(observer):
                before = client_reads(observer.info("all"))
                run()
                trips = client_reads(observer.info("all")) - before - 1  # less this INFO
            observer.echo(marker)
            commands: list[str] = []
            scripted: list[str] = []
            while (entry := monitor.next_command())["command"] != f"ECHO {marker}":
                if entry["client_type"] == "lua":
                    scripted.append(shape(entry["command"]))
                elif not entry["command"].startswith("INFO"):
                    commands.append(shape(entry["command"]))
    finally:
        observer.close()
    return commands, scripted, trips


def start(client: FlaskClient, name: str) -> None:
    answer = client.post("/api/v1/auth/recovery", json={"username": name})
    assert answer.status_code == 200 and answer.get_json()["state"] == "code_sent", answer.get_json()


@pytest.fixture
def limited(app_config: dict[str, Any]) -> FlaskClient:
    """One text a name in the send window, so the second start meets the limit; a user with a phone, a
    user without one; and one start of each kind already made at other names (scripts loaded, the app's
    first reads done), so what is compared is a start like any later one."""
    made = create_app({**app_config, "SMS_SEND_LIMIT": 1}).test_client()
    make_user(made, "rose", "+15555550126")
    make_user(made, "ned", None)
    make_user(made, "warm", "+15555550199")
    for name in ("warm", "warm-nobody"):
        start(made, name)
    return made


#: The work a start does in Python that a decoy once skipped or did more of, as (file, function) in the
#: profile: the name's keyed digest (a decoy's only), the user's record decoded (a user's only), the events'
#: log lines made (a user's only), the events serialised, and the numbers masked (a user's text masked its
#: number once more, for the answer ``send_sms`` gives).
WORK = {
    ("phone.py", "mask_number"): "a number masked",
    ("hmac.py", "new"): "hashing (HMAC)",
    ("users.py", "from_hash"): "a user's record decoded",
    ("line_records.py", "make"): "a log line made",
    ("events.py", "to_json"): "an event serialised",
}


def work_of(run: Callable[[], Any]) -> dict[str, int]:
    """How often ``run`` called each of :data:`WORK`'s functions, counted by Python's profiler."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        run()
    finally:
        profile.disable()
    counted = dict.fromkeys(WORK.values(), 0)
    for (path, _, function), (_, calls, *_) in pstats.Stats(profile).stats.items():  # type: ignore[attr-defined]
        what = WORK.get((os.path.basename(path), function))
        if what is not None:
            counted[what] += calls
    return counted


@pytest.mark.parametrize("decoy", ["nobody", "ned"], ids=["no_user", "user_without_phone"])
def test_a_start_at_a_name_sent_no_text_does_the_work_a_users_does(limited: FlaskClient, decoy: str) -> None:
    """Beside Redis's commands, the Python work: a made-up name's start hashed the name once more (its keyed
    digest), decoded no user's record, and made no log line for its events; a user's start did those (some
    0.15 ms apart, docs/performance.md). Now each start takes the digest, decodes a record (a stand-in when
    no user has the name) and makes its events' log lines (a decoy's to a logger that writes nowhere)."""
    for turn in ("texted", "limited"):
        user = work_of(lambda: start(limited, "rose"))
        other = work_of(lambda: start(limited, decoy))
        assert other == user, turn
        assert all(user.values()), user  # each counted: the profile found them


@pytest.mark.parametrize("decoy", ["nobody", "ned"], ids=["no_user", "user_without_phone"])
def test_a_start_at_a_name_sent_no_text_costs_redis_what_a_users_does(
    limited: FlaskClient, redis_url: str, decoy: str
) -> None:
    """The first start texts rose (her send windows, her phone's conditions, its count and inbox, the
    ``sms.sent`` and ``password_recovery.started`` events); the second and third meet the send limit (the
    refusal's event, written then counted). A decoy makes each of those commands in the same round trips,
    its own send windows meeting the limit at the same start, and its scripts run the same commands: its
    events' script wrote nothing (no ``XADD``, no count) and now writes them to a stream nobody reads."""
    for turn in ("texted", "limited", "limited again"):
        user = sent_by(redis_url, lambda: start(limited, "rose"))
        other = sent_by(redis_url, lambda: start(limited, decoy))
        assert other == user, turn  # the scripts' own commands too: a decoy's events are written, elsewhere
    texts = limited.get("/sim/v1/phones/+15555550126/messages").get_json()["messages"]
    assert [t["purpose"] for t in texts] == ["password_recovery", "notice"]  # the notice: her new number


def test_a_decoy_texts_no_phone_and_leaves_no_trace_of_the_name(limited: FlaskClient, redis_url: str) -> None:
    """A decoy's work goes to keys no name, number or handset reaches: no event is recorded (a login names no
    unknown name either), no key carries the name, and the one box its texts land in is no phone's."""
    before = trail(limited, ADMIN, limit=1000)
    for _ in range(3):
        start(limited, "nobody-at-all")
    assert trail(limited, ADMIN, limit=1000) == before
    store = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        assert [key for key in store.scan_iter() if "nobody-at-all" in key] == []
        boxes = sorted(store.scan_iter("*:messages"))
    finally:
        store.close()
    assert boxes == [
        "sls:{p:+15555550126}:messages",
        "sls:{p:+15555550199}:messages",
        "sls:{p:~decoy}:messages",
    ]
    refused = limited.get("/sim/v1/phones/~decoy/messages")
    assert refused.status_code == 400 and refused.get_json()["field"] == "number"

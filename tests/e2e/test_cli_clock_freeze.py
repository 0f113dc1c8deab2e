"""``sls clock --freeze/--unfreeze`` against real processes: two instances of two workers each on one Redis
agree that the clock is frozen and where it stands, and each hears the other's moves on its very next
request. Frozen instants are compared exactly, so no real second that passes between requests can hide a
worker that missed the freeze (a running clock would have moved on)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
AT = 1_893_488_400  # 2030-01-01T09:00:00Z


def _read(server: ServerProcess) -> dict[str, Any]:
    answer = requests.get(f"{server.url}/admin/v1/clock", headers=ADMIN, timeout=10)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _cli(server: ServerProcess, *args: str) -> dict[str, Any]:
    ran = server.sls("clock", *args, "--json")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return dict(json.loads(ran.stdout))


def test_a_frozen_clock_is_one_instant_on_every_worker_of_every_instance(
    sls_serve: Callable[..., ServerProcess],
) -> None:
    a, b = sls_serve(workers=2), sls_serve(workers=2)
    for server in (a, b, a, b):  # warm every worker's cached clock
        _read(server)
    frozen = _cli(a, "--set-at", "2030-01-01T09:00:00Z", "--freeze")
    assert (frozen["now"], frozen["frozen"]) == (AT, True)
    for server in (b, a, b, a, b, a):  # the very next requests, on whichever worker answers
        seen = _read(server)
        assert (seen["now"], seen["frozen"]) == (AT, True), server.url
    assert _cli(b, "--advance", "15m")["now"] == AT + 900
    assert {_read(server)["now"] for server in (a, b, a, b)} == {AT + 900}
    assert _cli(a, "--advance", "1h30m")["now"] == AT + 900 + 5400  # units combined, as a person writes
    assert _cli(a, "--advance", "-1h30m")["now"] == AT + 900
    shown = a.sls("clock")
    assert shown.returncode == 0 and "frozen" in shown.stdout and "yes" in shown.stdout
    thawed = _cli(b, "--unfreeze")
    assert (thawed["frozen"], thawed["now"]) == (False, AT + 900)
    assert _read(a)["frozen"] is False and _read(a)["now"] >= AT + 900


def test_reset_brings_real_time_back_and_running(plain_server: ServerProcess) -> None:
    """From more than ten years off too: the reset is one request, not a move that one move's cap refuses."""
    server = plain_server
    _cli(server, "--set-at", "2040-01-01T00:00:00Z", "--freeze")
    reset = _cli(server, "--reset")
    assert (reset["offset_s"], reset["frozen"]) == (0, False)
    both = server.sls("clock", "--reset", "--freeze")
    assert both.returncode == 2 and "--reset and --freeze" in both.stderr


def test_a_duration_in_words_is_refused_with_its_short_form(plain_server: ServerProcess) -> None:
    """``--advance "2 minutes"`` was refused bare, while a scenario's ``advance_clock: 2 minutes`` was told
    ``2m``: both say it now, through one function (``sls_scenarios.durations.duration_words``). The clock
    is not moved; the server's own ``advance_s`` takes seconds only, and names the field."""
    server = plain_server
    before = _cli(server, "--set-at", "2030-01-01T09:00:00Z", "--freeze")["now"]
    worded = server.sls("clock", "--advance", "2 minutes")
    assert worded.returncode == 2, worded.stdout + worded.stderr
    assert "--advance: '2 minutes' is not a duration like" in worded.stderr
    assert "(did you mean '2m'?)" in worded.stderr
    mixed = server.sls("clock", "--advance", "1 hour 30 mins")
    assert mixed.returncode == 2 and "(did you mean '1h30m'?)" in mixed.stderr
    assert _read(server)["now"] == before
    text = requests.post(
        f"{server.url}/admin/v1/clock", headers=ADMIN, json={"advance_s": "2 minutes"}, timeout=10
    )
    assert text.status_code == 400 and text.json()["field"] == "advance_s", text.text
    assert _read(server)["now"] == before

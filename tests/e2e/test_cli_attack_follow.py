"""``sls attack push-bombing`` follows its attack to the verdict: it reported once, "Not over yet", and never
learned the victim's answers. It now reads the count the server keeps (``GET /admin/v1/attacks/push-bombing``)
until every push is answered or expired; ``--no-wait`` reports and exits, as before. The test answers and
moves the server's clock while the command waits; it never sleeps (it polls, with a deadline)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
import requests
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)
from click.testing import Result

pytestmark = pytest.mark.e2e
DEADLINE_S = 30


def _bombing(demo: Demo) -> dict[str, Any]:
    answer = demo.admin("GET", "/admin/v1/attacks/push-bombing?username=android-ann")
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _until(check: Any, what: str) -> Any:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)  # polling a condition with a deadline, not waiting for time
    raise AssertionError(f"not within {DEADLINE_S} s: {what}")


def _in_background(demo: Demo, *args: str) -> tuple[threading.Thread, list[Result]]:
    done: list[Result] = []
    thread = threading.Thread(target=lambda: done.append(demo.sls(*args)), daemon=True)
    thread.start()
    return thread, done


def test_push_bombing_waits_for_every_push_to_be_answered_or_expired(demo: Demo) -> None:
    thread, done = _in_background(demo, "attack", "push-bombing", "android-ann", "--json")
    staged = _until(
        lambda: _bombing(demo).get("verdict") == "pending" and _bombing(demo), "the bombing staged"
    )
    app = demo.device("android-ann", "ibkey")["device_id"]
    notes = requests.get(f"{demo.server.url}/sim/v1/ibkey/{app}/notifications", timeout=10).json()
    denied = requests.post(
        f"{demo.server.url}/sim/v1/ibkey/{app}/notifications/{notes['notifications'][0]['id']}/deny",
        json={"pin": demo.device("android-ann", "ibkey").get("pin", "12ab")},
        timeout=10,
    )
    assert denied.status_code == 200, denied.text
    _until(lambda: _bombing(demo)["answered"] == 1, "her denial counted")
    thread.join(0.5)
    assert thread.is_alive() and not done  # still waiting on her phone: the other pushes wait
    moved = demo.admin("POST", "/admin/v1/clock", {"advance_s": staged["until"] - staged["at"] + 1})
    assert moved.status_code == 200, moved.text
    thread.join(DEADLINE_S)
    assert done, "sls attack push-bombing never concluded"
    [result] = done
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["verdict"] == "defences_held" and report["attacker_succeeded"] is False, report
    followed = report["push_bombing"]
    assert followed["answers"]["denied"] == 1 and followed["waiting"] == 0, followed
    assert followed["expired"] == staged["pushes"] - 1 and "report" not in followed, followed


def test_no_wait_reports_at_once(demo: Demo) -> None:
    told = demo.sls("attack", "push-bombing", "android-ann", "--no-wait")
    assert told.exit_code == 0, told.output
    assert told.stdout.startswith("Not over yet: the attacker waits on android-ann's phone until ")
    assert _bombing(demo)["verdict"] == "pending"  # it did not wait: nothing is answered

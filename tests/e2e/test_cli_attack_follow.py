"""``sls attack push-bombing`` follows its attack to the verdict: it reported once, "Not over yet", and never
learned the victim's answers. It now reads the count the server keeps (``GET /admin/v1/attacks/push-bombing``)
until every push is answered or expired; ``--no-wait`` reports and exits, as before. The test answers and
moves the server's clock while the command waits; it never sleeps (it polls, with a deadline)."""

from __future__ import annotations

import json
import re
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


def _frozen(demo: Demo) -> None:
    frozen = demo.admin("POST", "/admin/v1/clock", {"freeze": True})
    assert frozen.status_code == 200 and frozen.json()["frozen"] is True, frozen.text


def _ended(demo: Demo, *args: str) -> Result:
    """The command run to its end, within the hang guard: on a frozen clock it waited until Ctrl-C."""
    thread, done = _in_background(demo, *args)
    thread.join(DEADLINE_S)
    assert done, f"sls {' '.join(args)} never ended on a frozen clock"
    return done[0]


def test_on_a_frozen_clock_it_says_so_at_once_and_a_timeout_ends_the_wait(demo: Demo) -> None:
    """The pushes expire only when a frozen clock moves: unless the victim answered, the command waited
    until Ctrl-C. It says so at once with the move that ends the wait, and --timeout (real seconds) ends it:
    exit 3, ``attack_pending``, the report and the count so far in the error's details, stdout empty."""
    _frozen(demo)
    result = _ended(demo, "attack", "push-bombing", "android-ann", "--timeout", "0.3", "--json")
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    error = json.loads(result.stderr.strip().splitlines()[-1])["error"]
    assert error["code"] == "attack_pending" and error["status"] is None, error
    report = error["details"]["report"]
    assert report["verdict"] == "pending" and report["attacker_succeeded"] is False, report
    pushes = report["push_bombing"]["pushes"]
    assert pushes > 1 and report["push_bombing"]["waiting"] == pushes, report
    assert report["push_bombing"]["answered"] == 0 and report["push_bombing"]["expired"] == 0, report
    assert error["message"].startswith(
        f"no verdict within 0.3 s: {pushes} pushes still wait on android-ann's"
    )
    said = " ".join(result.stderr.split())
    assert "The server's clock is frozen: the pushes expire only when it moves" in said, said
    move = re.search(r"To let them expire now: sls clock --advance (\d+) ", said)
    assert move, said
    # the move it names is the one that ends the bombing
    assert _bombing(demo)["verdict"] == "pending"
    moved = demo.admin("POST", "/admin/v1/clock", {"advance_s": int(move.group(1))})
    assert moved.status_code == 200, moved.text
    assert _bombing(demo)["verdict"] == "defences_held"


def test_a_timeout_prints_the_report_and_where_it_stands_then_exits_3(demo: Demo) -> None:
    _frozen(demo)
    result = _ended(demo, "attack", "push-bombing", "android-ann", "--timeout", "0.3")
    assert result.exit_code == 3, result.output
    assert result.stdout.startswith("Not over yet: the attacker waits on android-ann's phone until "), result
    pushes = _bombing(demo)["pushes"]
    assert (
        f"android-ann answered 0 of {pushes} pushes; {pushes} still wait on their phone until"
        in result.stdout
    )
    said = " ".join(result.stderr.split())
    assert f"error: no verdict within 0.3 s: {pushes} pushes still wait on android-ann's phone" in said, said

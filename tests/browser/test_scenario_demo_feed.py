"""``sls scenario demo`` on a running server, watched on its trainer console: the feed shows the scenario to
its last step, with the attacker actor's address tagged, before the server's world (and trail) goes back.

The restore used to follow the last step at once and wipe the trail before the console read it: with
``--pace 0`` none of the logins reached the feed, and the attacker's login from the scenario's address was
shown green, untagged. The restore (a replacing import) then empties the feed, as the trail went with the
world, so what the room saw is recorded as the lines were drawn."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import ADMIN_TOKEN
from playwright.sync_api import expect
from serve_processes import ServerProcess


def test_the_console_shows_the_demo_to_its_last_step_with_the_attacker_tagged(
    shared_serve: Callable[..., ServerProcess], page: Any, tmp_path: Path
) -> None:
    server = shared_serve(workers=1, SLS_TRUSTED_PROXIES="127.0.0.1/32")
    page.goto(server.url + "/trainer")
    page.get_by_test_id("trainer-token").fill(ADMIN_TOKEN)
    page.get_by_test_id("trainer-sign-in").click()
    expect(page.get_by_test_id("feed-state")).to_have_text("live")
    page.get_by_test_id("event-feed").evaluate(
        "(el) => { window.drawn = []; new MutationObserver((changes) => changes.forEach((c) =>"
        " c.addedNodes.forEach((n) => { if (n.dataset && n.dataset.testid === 'feed-event')"
        " window.drawn.push(n.textContent); }))).observe(el, { childList: true, subtree: true }); }"
    )
    command = [sys.executable, "-m", "sls_server.cli.main", "scenario", "demo", "push-bombing"]
    command += ["--pace", "0", "--server", server.url, "--admin-token", ADMIN_TOKEN]
    env = {**os.environ, "SLS_DATA_DIR": str(tmp_path)}  # no demo.json: nothing else to play on
    shown = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False, env=env)
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
    assert "the scenario's clock stands at 1 Jan 2030 09:00:00 UTC, frozen" in shown.stdout, shown.stdout
    feed = page.locator("[data-testid=feed-event]")
    expect(feed.filter(has_text="state.imported")).to_have_count(1)  # the world came back
    expect(feed.filter(has_text="login.challenge_issued")).to_have_count(
        0
    )  # the world that went took its lines
    drawn: list[str] = page.evaluate("window.drawn")
    # the last step, the attacker's fourth login, which the push limit answers with a challenge
    asked = [t for t in drawn if "login.challenge_issued" in t and "from 203.0.113.66 (attacker)" in t]
    assert len(asked) == 6, drawn  # five at once, then the one after Alice's denial
    assert len([t for t in drawn if "push.denied" in t]) == 1, drawn

"""The trainer console's gateway card names the ``sls gateway`` processes serving the instance (each holds a
lease while it serves: a start ends the session only when no other does), as ``sls gateway-state status``
does. Against a real ``sls gateway`` process."""

from __future__ import annotations

import re
from math import ceil
from typing import Any

from conftest import ADMIN_TOKEN
from playwright.sync_api import expect

from . import gateway_kit
from .a11y_kit import contrast_failures, small_targets, unnamed_controls

# the gateway and its world (bound, not imported: a test's `world` parameter is no redefinition)
gateway, sls_gateway, world = gateway_kit.gateway, gateway_kit.sls_gateway, gateway_kit.world


def test_the_console_names_the_gateway_s_processes(gateway: Any, page: Any) -> None:
    page.goto(gateway.url + "/trainer")
    page.get_by_test_id("trainer-token").fill(ADMIN_TOKEN)
    page.get_by_test_id("trainer-sign-in").click()
    port = gateway.url.rpartition(":")[2]
    expect(page.get_by_test_id("gateway-processes")).to_contain_text(
        f":{port} (pid {gateway.process.pid}, lease"
    )


def test_the_console_says_each_lease_s_time_left_and_again_with_each_answer(gateway: Any, page: Any) -> None:
    """Each process's lease time left (a dead process's runs out within 10 s: the room sees it go), as
    ``sls gateway-state status`` says it; the card says it again from every answer, which carries the state
    (a button's), so it is never the page's load's."""
    page.goto(gateway.url + "/trainer")
    page.get_by_test_id("trainer-token").fill(ADMIN_TOKEN)
    page.get_by_test_id("trainer-sign-in").click()
    port = gateway.url.rpartition(":")[2]
    line = page.get_by_test_id("gateway-processes")
    held = rf":{port} \(pid {gateway.process.pid}, lease (\d+) s left\)"
    expect(line).to_have_text(re.compile(rf"^Gateway processes: \S+{held}$"))
    left = int(re.search(held, line.inner_text())[1])  # type: ignore[index]
    assert 1 <= left <= 10
    with page.expect_response(lambda r: r.url.endswith("/trainer/gateway")) as answered:
        page.get_by_test_id("gateway-drop").click()
    (process,) = answered.value.json()["processes"]
    expect(line).to_contain_text(
        f"(pid {process['pid']}, lease {ceil(process['lease_left_ms'] / 1000)} s left)"
    )
    assert (contrast_failures(page), small_targets(page), unnamed_controls(page)) == ([], [], [])


def test_the_console_counts_each_lease_down_and_reads_again_when_one_runs_out(
    gateway: Any, page: Any
) -> None:
    """The time left counts down between answers (it stood still until the next one), from the served
    ``lease_left_ms``; once it runs out the card reads the state again (``GET /trainer/gateway``), which a
    live process renewed meanwhile. The page's clock is Playwright's, moved by hand: no real wait."""
    page.clock.install()
    page.goto(gateway.url + "/trainer")
    page.get_by_test_id("trainer-token").fill(ADMIN_TOKEN)
    page.get_by_test_id("trainer-sign-in").click()
    line = page.get_by_test_id("gateway-processes")
    held = rf"\(pid {gateway.process.pid}, lease (\d+) s left\)"
    expect(line).to_have_text(re.compile(held))
    # (s) its timers move only when told; a second ahead, as the page's clock runs on until the pause lands
    # (a tenth of a second was past already once on a loaded machine: "Cannot fast-forward to the past")
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)
    left = int(re.search(held, line.inner_text())[1])  # type: ignore[index]
    # renewed every 3.3 s of its 10: at least 6.7 s were left when served, less a renewal late on a loaded
    # machine (3 s was read once under a load of 15); the steps below need one second after two
    assert 3 <= left <= 10, left
    page.clock.run_for(2_000)
    expect(line).to_contain_text(f"lease {left - 2} s left)")
    with page.expect_response(
        lambda r: r.request.method == "GET" and r.url.endswith("/trainer/gateway")
    ) as answered:
        page.clock.run_for((left - 2) * 1_000)  # to the end of the lease as served
    (process,) = answered.value.json()["processes"]
    assert process["lease_left_ms"] > 3_000  # the live process renewed it meanwhile
    expect(line).to_contain_text(f"lease {ceil(process['lease_left_ms'] / 1000)} s left)")

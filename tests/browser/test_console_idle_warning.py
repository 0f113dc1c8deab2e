"""A minute before the trainer console (or the simulator pages, behind the sim token) idles out it says so,
with a countdown and "Stay signed in", as the account page does before its automatic logoff; the click is a
request that counts as the trainer's activity.

The page counts in the browser's time (Playwright's clock, moved here); the sign-in's own deadline is the
server's, read from its record in Redis to see that the click moved it on.
"""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from sls_server.store import connect

from .console_kit import sign_in_trainer
from .pages_kit import World, loaded

IDLE_S = 30 * 60  # SLS_CONSOLE_IDLE_TIMEOUT's default, which the shared server runs with
SIM_TOKEN = "sim-token-for-the-trainer-0123"  # the same as other tests', so they share a server


def idle_until(redis_url: str) -> int:
    redis = connect(redis_url)
    try:
        [sign_in] = list(redis.scan_iter(match="sls:{console}:sign_in:*"))  # an empty Redis: this page's
        return int(redis.hget(sign_in, "idle_until"))  # type: ignore[arg-type]
    finally:
        redis.close()


def set_idle_until(redis_url: str, at: int) -> None:
    redis = connect(redis_url)
    try:
        [sign_in] = list(redis.scan_iter(match="sls:{console}:sign_in:*"))
        redis.hset(sign_in, "idle_until", at)
    finally:
        redis.close()


def test_the_console_warns_a_minute_before_it_idles_out_and_stay_keeps_the_sign_in(
    world: World, page: Any, redis_url: str
) -> None:
    page.clock.install()
    sign_in_trainer(page, world)  # its scripts have run: the page's last activity is its load, not later
    warning = page.get_by_test_id("console-idle-warning")
    expect(warning).to_be_hidden()

    page.clock.fast_forward((IDLE_S - 90) * 1000)  # the page's own refreshes ran meanwhile: not activity
    page.clock.run_for(1_000)
    expect(warning).to_be_hidden()
    page.clock.fast_forward(31_000)  # 59 s left
    page.clock.run_for(1_000)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("signs you out after 30 min without activity")
    expect(page.get_by_test_id("console-idle-countdown")).to_have_text(re.compile(r"^0:5\d$"))
    expect(page.get_by_test_id("console-stay")).to_be_focused()

    set_idle_until(redis_url, int(time.time()) + 5)  # as though the server's deadline were near too
    page.get_by_test_id("console-stay").click()
    expect(warning).to_be_hidden()
    assert idle_until(redis_url) >= int(time.time()) + IDLE_S - 60  # the click counted as activity
    expect(page.get_by_test_id("trainer-sign-out")).to_be_visible()  # still signed in


def test_the_phone_page_behind_the_sim_token_warns_too_and_stay_keeps_the_sign_in(
    shared_serve: Any, page: Any, admin_headers: dict[str, str], redis_url: str
) -> None:
    """The simulators' sign-in idles out as the console's does (the phone's polls are not activity): a
    trainer projecting the phone is warned first, on the phone page itself."""
    server = shared_serve(workers=1, SLS_SIM_TOKEN=SIM_TOKEN)
    World(server.url, admin_headers).user("sam", phone="+15555550170")
    page.clock.install()
    page.goto(server.url + "/sim/phone/sam")
    page.get_by_test_id("sim-token").fill(SIM_TOKEN)
    page.get_by_test_id("sim-token-submit").click()
    # The page's scripts have run before the clock jumps: a script loaded after it (a slow machine) would
    # note the page's load at the jumped time, and no warning would come (seen once in a CI run).
    loaded(page.get_by_test_id("phone-tab-messages"))
    warning = page.get_by_test_id("sim-idle-warning")
    expect(warning).to_be_hidden()

    page.clock.fast_forward((IDLE_S - 59) * 1000)  # the phone's polls ran meanwhile: not activity
    page.clock.run_for(1_000)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("The simulator pages sign you out after 30 min without activity")
    expect(page.get_by_test_id("sim-stay")).to_be_focused()

    set_idle_until(redis_url, int(time.time()) + 5)
    page.get_by_test_id("sim-stay").click()
    expect(warning).to_be_hidden()
    assert idle_until(redis_url) >= int(time.time()) + IDLE_S - 60  # the click counted as activity
    expect(page.get_by_test_id("phone-tab-messages")).to_be_visible()  # still signed in


def test_open_simulator_pages_have_no_idle_warning(world: World, page: Any) -> None:
    """Without SLS_SIM_TOKEN nobody signs in to the simulators, so nothing idles out."""
    world.user("sue", phone="+15555550171")
    page.goto(world.url + "/sim/phone/sue")
    expect(page.get_by_test_id("phone-tab-messages")).to_be_visible()
    expect(page.get_by_test_id("sim-idle-warning")).to_have_count(0)

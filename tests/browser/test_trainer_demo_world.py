"""Between two runs of a demo, from the console: "Reset the world" left the feed listing the attack it had
just wiped, and only seeding the world again by hand led back to the demo's starting point. Now the feed
starts over on a reset, and "Back to the demo world" (beside Reset, on a server where ``sls demo`` kept its
world) puts the demo's users, devices and keys back. And a swapped SIM is given back from the table."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import PASSWORD, World


def test_reset_clears_the_feed_and_back_to_the_demo_world_restores_it(world: World, page: Any) -> None:
    world.user("carl", phone="+15555550181")
    world.device("carl", "dscplus", pin="1234")
    world.keep_as_demo_world()  # what sls demo does once its world is seeded
    sign_in_trainer(page, world)
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "carl"})
    feed = page.get_by_test_id("event-feed")
    expect(feed.locator("[data-type='login.password_failed']").first).to_be_visible()

    page.get_by_test_id("world-reset").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("trainer-user-carl")).to_have_count(0)
    expect(feed.locator("[data-testid=feed-event]")).to_have_count(1)  # the attack's lines are gone
    expect(feed.locator("[data-testid=feed-event]").first).to_have_attribute("data-type", "emulator.reset")

    page.get_by_test_id("world-restore-demo").click()
    expect(page.get_by_test_id("trainer-confirm")).to_contain_text("Back to the demo world?")
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("world-status")).to_contain_text("Back to the demo world: 1 user and 1 device")
    expect(page.get_by_test_id("trainer-lock-carl")).to_contain_text("ok")  # unlocked: as it was kept
    expect(feed.locator("[data-testid=feed-event]").last).to_have_attribute("data-type", "state.imported")
    expect(feed.locator("[data-type='emulator.reset']")).to_have_count(0)


def test_sim_back_beside_the_sim_swapped_tag_gives_the_sim_back(world: World, page: Any) -> None:
    world.user("sam", phone="+15555550191")
    world.device("sam", "sms")
    sign_in_trainer(page, world)
    world.post("/admin/v1/attacks", {"attack": "sim_swap", "username": "sam", "password": PASSWORD})
    flag = page.get_by_test_id("trainer-sim-swapped-sam")
    expect(flag).to_have_attribute("href", "/sim/phone/sam")
    page.get_by_test_id("trainer-sim-back-sam").click()
    expect(flag).to_have_count(0)
    expect(page.get_by_test_id("trainer-admin-status")).to_contain_text(
        "sam's SIM is back in their own phone"
    )
    conditions = requests.get(f"{world.url}/sim/v1/phones/+15555550191/conditions", timeout=10).json()
    assert conditions["sim_swapped_to"] is None


def test_back_to_the_demo_world_appears_live_once_sls_demo_keeps_its_world(world: World, page: Any) -> None:
    """A console opened before ``sls demo`` finished seeding showed no way back until it was reloaded: the
    feed's ``state.exported`` with ``detail.demo_world`` (what keeping the world records) now shows it, and
    it works there and then."""
    world.user("carl", phone="+15555550182")
    sign_in_trainer(page, world)
    expect(page.get_by_test_id("feed-state")).to_have_text("live")
    restore = page.get_by_test_id("world-restore-demo")
    expect(restore).to_be_hidden()
    world.keep_as_demo_world()  # what sls demo does once its world is seeded
    kept = page.get_by_test_id("event-feed").locator("[data-type='state.exported']")
    expect(kept.get_by_test_id("feed-said")).to_have_text("Demo world kept, to go back to between two runs")
    expect(restore).to_be_visible()  # no reload
    restore.click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("world-status")).to_contain_text("Back to the demo world: 1 user")

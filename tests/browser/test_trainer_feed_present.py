"""The trainer console's Present toggle (``static/js/trainer-present.js``): the live feed alone, over the
whole window, in type a room reads off a projector; the console's own feed lines are .84rem, which the back
of a room cannot read. The rest of the page is inert meanwhile; Esc leaves; a reload keeps it."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .a11y_kit import contrast_failures, small_targets
from .console_kit import stage_attack
from .pages_kit import World
from .test_trainer_console import sign_in

LIVE = re.compile(r"^live")


def font_px(locator: Any) -> float:
    return float(locator.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)"))


def test_present_shows_the_feed_alone_in_large_type_and_esc_leaves(world: World, page: Any) -> None:
    world.user("pete")
    sign_in(page, world)
    toggle = page.get_by_test_id("feed-present")
    expect(toggle).to_have_accessible_name("Present")
    toggle.click()
    # its label says how to leave (it kept "Present", the way out only in its tooltip); a label that
    # changes is no toggle's (WAI-ARIA APG): no aria-pressed, its words say the state
    expect(toggle).to_have_accessible_name("Stop presenting (Esc)")
    expect(toggle).not_to_have_attribute("aria-pressed", re.compile("."))
    expect(page.locator("body.presenting")).to_have_count(1)
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "pete"})
    locked = page.locator("[data-testid=feed-event][data-type='account.locked']")
    expect(locked).to_be_visible()
    assert font_px(locked) >= 24, "the room reads the feed from the back: large type"
    # the same sentences and labels as the console's own feed (web/event_words.py)
    expect(locked.get_by_test_id("feed-said")).to_contain_text(
        "pete locked for 1 min after 5 wrong passwords"
    )
    expect(locked.get_by_test_id("feed-label")).to_have_text("defence")
    box = page.locator("section.feed").bounding_box()
    assert box is not None and box["width"] >= 1280 and box["height"] >= 800, box
    # the console behind it takes neither a click nor the keyboard while the room watches the feed
    assert page.get_by_test_id("attack-run").evaluate("(el) => el.closest('[inert]') !== null")
    assert not contrast_failures(page) and not small_targets(page)
    page.keyboard.press("Escape")
    expect(toggle).to_have_accessible_name("Present")
    expect(page.locator("body.presenting")).to_have_count(0)
    expect(toggle).to_be_focused()
    assert font_px(locked) < 16
    assert page.get_by_test_id("attack-run").evaluate("(el) => el.closest('[inert]') === null")


def test_a_reload_while_presenting_keeps_presenting(world: World, page: Any) -> None:
    sign_in(page, world)
    page.get_by_test_id("feed-present").click()
    page.reload()
    # "live", or "live, every 3 s" while the stream the reload left behind still holds its slot (feed.py)
    expect(page.get_by_test_id("feed-state")).to_have_text(LIVE)
    expect(page.get_by_test_id("feed-present")).to_have_accessible_name("Stop presenting (Esc)")
    page.get_by_test_id("feed-present").click()
    page.reload()
    # "live", or "live, every 3 s" while the stream the reload left behind still holds its slot (feed.py)
    expect(page.get_by_test_id("feed-state")).to_have_text(LIVE)
    expect(page.get_by_test_id("feed-present")).to_have_accessible_name("Present")


def test_on_a_projector_the_attack_card_presents_the_feed_and_esc_comes_back_to_it(
    world: World, open_context: Any
) -> None:
    """At 1280x720 zoomed to 150 % (853x480) the console is one column and the feed its last card, screens
    below the attack: the room saw the verdict but not the defences firing unless the trainer scrolled the
    whole console. The attack card presents the feed itself; Esc returns to where the trainer was."""
    world.user("paz")
    page = open_context(viewport={"width": 853, "height": 480}, device_scale_factor=1.5).new_page()
    sign_in(page, world)
    stage_attack(page, "paz", "brute_force")
    expect(page.get_by_test_id("attack-result").locator("[data-verdict]")).to_be_visible()
    present = page.get_by_test_id("attack-present-feed")
    present.click()
    expect(page.get_by_test_id("feed-present")).to_have_accessible_name("Stop presenting (Esc)")
    locked = page.locator("[data-testid=feed-event][data-type='account.locked']")
    expect(locked).to_be_in_viewport()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("feed-present")).to_have_accessible_name("Present")
    expect(present).to_be_focused()
    expect(present).to_be_in_viewport()


def test_while_presenting_the_way_out_is_in_sight_and_tab_stays_in_the_feed(
    world: World, open_context: Any
) -> None:
    """On a projector (853x480 at 150 %): the button that leaves is in sight and says so, and Tab goes round
    the presented feed (the button, the list) instead of leaving it for the inert page body behind."""
    page = open_context(viewport={"width": 853, "height": 480}, device_scale_factor=1.5).new_page()
    sign_in(page, world)
    page.get_by_test_id("attack-present-feed").click()
    toggle = page.get_by_test_id("feed-present")
    expect(toggle).to_be_focused()
    expect(toggle).to_have_accessible_name("Stop presenting (Esc)")
    expect(toggle).to_be_in_viewport(ratio=1)
    feed = page.get_by_test_id("event-feed")
    page.keyboard.press("Tab")
    expect(feed).to_be_focused()
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(feed).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_accessible_name("Present")
    expect(page.get_by_test_id("attack-present-feed")).to_be_focused()  # back where the trainer was

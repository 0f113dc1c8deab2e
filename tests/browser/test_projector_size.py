"""The pages on a projector: 1280x720 zoomed to 150 %, as a trainer shows them to a room, leaves a window of
853x480 CSS pixels. What the user must act on in the login's second step is in it without scrolling: IB
Key's number to pick (with the line saying the login waits), the card's challenge and the field its
response goes in; the card page's display and every key; and the console, one column there, keeps each
card's content inside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World, log_in_with_password
from .test_trainer_console import sign_in

PROJECTOR = {"viewport": {"width": 853, "height": 480}, "device_scale_factor": 1.5}


@pytest.fixture
def projected(open_context: Callable[..., Any]) -> Any:
    return open_context(**PROJECTOR).new_page()


def _in_view(page: Any, test_id: str) -> None:
    element = page.get_by_test_id(test_id)
    expect(element).to_be_visible()
    box = element.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= 480, f"{test_id} at {box}: below the fold"


def test_ib_key_s_number_to_pick_is_on_the_projected_screen(world: World, projected: Any) -> None:
    world.user("pam", phone="+15555550195")
    world.ibkey("pam", "+15555550195")
    log_in_with_password(projected, world.url, "pam")
    _in_view(projected, "push-match")
    _in_view(projected, "push-status")


def test_the_card_s_challenge_and_the_response_field_are_on_the_projected_screen(
    world: World, projected: Any
) -> None:
    world.user("pat")
    world.device("pat", "dscplus", pin="4321")
    log_in_with_password(projected, world.url, "pat")
    _in_view(projected, "step-challenge")
    _in_view(projected, "step-response")


def test_the_console_s_live_feed_stays_inside_its_card(world: World, projected: Any) -> None:
    """One column at 853 px: the feed card is at most 70vh (336 px) high, and its list, kept at least 300 px,
    ran out of it and over the top of the next card, Search the audit trail."""
    world.user("pia")
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "pia"})  # a list that scrolls
    sign_in(projected, world)
    card = projected.locator("section.feed").bounding_box()
    feed = projected.get_by_test_id("event-feed").bounding_box()
    search = projected.locator("section.audit-search").bounding_box()
    assert card and feed and search
    assert feed["y"] + feed["height"] <= card["y"] + card["height"], (feed, card)
    assert card["y"] + card["height"] <= search["y"], (card, search)


def test_the_card_s_keypad_and_display_are_on_the_projected_screen(world: World, projected: Any) -> None:
    """A volunteer keys the PIN and the challenge on the card page while the room watches: its display and
    every key down to C, 0 and OK must be in the window, without scrolling away from the display."""
    world.user("pen")
    card = world.device("pen", "dscplus", pin="4321")
    projected.goto(f"{world.url}/sim/card/{card['device_id']}")
    for test_id in ("card-display", "card-power", "card-key-1", "card-key-c", "card-key-0", "card-key-ok"):
        _in_view(projected, test_id)


@pytest.mark.parametrize("window", [{"width": 853, "height": 480}, {"width": 1280, "height": 720}])
def test_the_relay_s_number_and_outcome_are_on_the_projected_screen(
    world: World, open_context: Callable[..., Any], window: dict[str, int]
) -> None:
    """The attacker's screen of a relay waiting on the victim's push: the number she must pick and where the
    relay stands were drawn below its steps, out of the room's sight (at 1280x720 too) until the trainer
    scrolled; they come first now."""
    world.user("ivy", phone="+15555550103")
    world.ibkey("ivy", "+15555550103")
    world.post("/admin/v1/attacks", {"attack": "phishing_relay", "username": "ivy", "password": PASSWORD})
    screen = open_context(viewport=window).new_page()
    sign_in(screen, world)
    screen.goto(world.url + "/trainer/attacks/relay")
    expect(screen.get_by_test_id("relay-outcome")).to_have_attribute("data-state", "waiting")
    for test_id in ("relay-number", "relay-outcome"):
        element = screen.get_by_test_id(test_id)
        box = element.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= window["height"], f"{test_id} at {box}: below the fold"

"""IBKR Mobile on a roaming phone, as a trainer shows it: the screens that need IBKR are refused in words the
room can read, where the person is looking.

The app's message line sits at the top of its screen, and the phone's screen scrolls: Add User (near the
bottom) refused with ``phone_offline`` said why up there, out of sight, so the Continue button seemed to do
nothing. A refusal now brings the message into view. Challenge/Response still answers on the same phone."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World, add_user_in_the_app


def test_add_user_on_a_roaming_phone_says_why_in_view(world: World, page: Any) -> None:
    world.user("ann", phone="+15555550185")
    world.ibkey("ann", "+15555550185", pin="12ab")
    world.user("dan", phone="+15555550186")
    world.put("/sim/v1/phones/+15555550185/conditions", {"roaming": True})
    page.set_viewport_size({"width": 1280, "height": 720})
    add_user_in_the_app(page, world, "ann", "dan")
    message = page.get_by_test_id("ibkey-message")
    expect(message).to_contain_text("roaming, without data): another user cannot be added")
    expect(message).to_be_in_viewport(ratio=1)
    expect(page.get_by_test_id("ibkey-activate-form")).to_have_count(0)  # nothing waits for a code

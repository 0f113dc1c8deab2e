"""The card page's keys (P for the power button, digits, Enter for OK) with a modifier held are the browser's:
with the focus on the card, Ctrl+P counted as the power key and its default was prevented, so the page could
not be printed, and Ctrl+1 or Alt+digit keyed a digit in as well as doing what the browser does with it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World


def test_keys_with_ctrl_alt_or_meta_are_left_to_the_browser(world: World, page: Any) -> None:
    world.user("wes")
    card_id = world.device("wes", "dscplus", pin="1357")["device_id"]
    page.goto(f"{world.url}/sim/card/{card_id}")
    # what the card's own handler did to each key, read after it (a listener on the window runs last)
    page.evaluate(
        """() => { window.taken = [];
            window.addEventListener("keydown", (e) => window.taken.push([e.key, e.defaultPrevented])); }"""
    )
    device = page.get_by_test_id("card-device")
    device.focus()
    for chord in ("Control+p", "Alt+p", "Meta+p", "Control+1"):
        page.keyboard.press(chord)
    page.keyboard.press("p")  # the power key alone still is the card's
    display = page.get_by_test_id("card-display")
    expect(display).to_have_text("PIN>")
    taken = page.evaluate("window.taken.filter(([key]) => key === 'p' || key === '1')")
    assert taken == [["p", False], ["p", False], ["p", False], ["1", False], ["p", True]], taken
    page.keyboard.type("1357")
    page.keyboard.press("Enter")
    expect(display).to_have_text("CHALLNG>")

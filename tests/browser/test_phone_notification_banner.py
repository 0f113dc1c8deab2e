"""IBKR Mobile's notification shows on the phone's screen, over whatever app is open, as a handset shows it.

A class watching a push bombing or a phishing relay watches the victim's phone: its page opens on the
texts, and a login request waiting showed only as a count on the IBKR tab, which nobody at the back of
the room saw. The login page tells the user to "tap" the notification: the banner is what is tapped, and
it opens IBKR Mobile on the request."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World

NUMBER = "+15555550193"


def _log_in(world: World, name: str) -> None:
    body = {"username": name, "password": PASSWORD}
    started = requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10)
    assert started.status_code == 200, started.text


def test_a_login_request_shows_on_the_texts_and_tapping_it_opens_ibkr_mobile(world: World, page: Any) -> None:
    world.user("gwen", phone=NUMBER)
    world.ibkey("gwen", NUMBER)
    page.goto(f"{world.url}/sim/phone/gwen")
    banner = page.get_by_test_id("phone-notification-banner")
    expect(page.get_by_test_id("phone-tab-messages")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("phone-inbox").locator("li").first).to_be_visible()  # the first poll drawn
    expect(banner).to_be_hidden()  # nothing waits yet

    _log_in(world, "gwen")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("IBKR Mobile")
    expect(banner).to_contain_text("Login request · gwen")
    box = banner.bounding_box()
    screen = page.get_by_test_id("phone-victim").bounding_box()
    assert box and screen and box["y"] < screen["y"] + 120, (
        "on top of the phone's screen, under its status bar"
    )

    _log_in(world, "gwen")
    expect(banner).to_contain_text("(2 waiting)")

    banner.click()
    expect(page.get_by_test_id("phone-tab-ibkey")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("ibkey-notification")).to_have_count(2)
    expect(page.get_by_test_id("ibkey-notification").first).to_be_visible()
    expect(banner).to_be_hidden()  # the app is open: its list says it

    page.get_by_test_id("phone-tab-messages").click()
    expect(banner).to_be_visible()  # still waiting, back over the texts


def test_the_banner_goes_once_the_request_is_answered(world: World, page: Any) -> None:
    world.user("hal", phone="+15555550194")
    world.ibkey("hal", "+15555550194")
    page.goto(f"{world.url}/sim/phone/hal")
    _log_in(world, "hal")
    banner = page.get_by_test_id("phone-notification-banner")
    banner.click()
    note = page.get_by_test_id("ibkey-notification")
    expect(note).to_have_count(1)
    page.get_by_test_id("ibkey-pin").fill("12ab")
    note.get_by_test_id("ibkey-deny").click()
    expect(note).to_have_count(0)
    page.get_by_test_id("phone-tab-messages").click()
    expect(banner).to_be_hidden()

"""A notification arriving while the viewer taps a tab of the phone does not take the tap away.

The handset's banners (an IBKR Mobile notification waiting, a call arriving) used to appear above the tab
list, pushing it down. A tap is a press and a release: a banner that came between the two, as the first poll
of a just-opened phone with a login request waiting does on a loaded machine, moved the tab out from under
the finger, and the release landed elsewhere. The browser then sends the click to what holds both, neither
the tab nor the banner, and the tap did nothing (CI met it: the IBKR tab pressed, the app never shown).
The banners now sit under the tabs, which never move."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World
from .press_kit import hold, press, under, until_held

NUMBER = "+15555550196"


def test_a_banner_arriving_between_press_and_release_leaves_the_tab_tapped(world: World, page: Any) -> None:
    world.user("ines", phone=NUMBER)
    world.ibkey("ines", NUMBER)
    started = requests.post(
        world.url + "/api/v1/auth/login", json={"username": "ines", "password": PASSWORD}, timeout=10
    )
    assert started.status_code == 200, started.text
    state_url = "**/sim/phone/ines/state"
    held = hold(page, state_url)  # the page's first poll waits, unanswered, for the test
    page.goto(f"{world.url}/sim/phone/ines")
    until_held(held, page)
    banner = page.get_by_test_id("phone-notification-banner")
    tab = page.get_by_test_id("phone-tab-ibkey")
    expect(banner).to_be_hidden()
    before = tab.bounding_box()
    finger = press(page, tab)
    held[0].continue_()
    page.unroute(state_url)
    expect(banner).to_be_visible()  # the request waiting, drawn between the press and the release
    moved = tab.bounding_box()
    assert under(tab, finger)
    page.mouse.up()
    expect(tab).to_have_attribute("aria-selected", "true")
    assert moved == before, "the tabs stay under the finger"
    expect(page.get_by_test_id("ibkey-notification")).to_be_visible()
    expect(banner).to_be_hidden()  # the app is open: its list says it

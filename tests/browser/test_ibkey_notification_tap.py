"""A tap on a notification of IBKR Mobile is not lost when the next one arrives between press and release.

A push bombing lands notification after notification while the victim taps Deny on one. The app drew its
whole list anew on each change: a tap is a press and a release, and the release landed on a new <li> (the
browser then sends the click to what holds both, the list, which does nothing), the notification stayed.
Drawn in place now (each <li> kept while its notification waits), and in the order they came, the newest
last: one arriving goes under the others, so the Deny being tapped stays under the finger."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World
from .press_kit import press, under

NUMBER = "+15555550197"


def _push_login(world: World, name: str) -> str:
    """A login of `name` with the password, which sends IB Key's push; its transaction."""
    started = requests.post(
        f"{world.url}/api/v1/auth/login", json={"username": name, "password": PASSWORD}, timeout=10
    ).json()
    assert started["factor"]["mode"] == "push", started
    return str(started["txn_id"])


def test_a_deny_pressed_as_the_next_notification_arrives_still_denies(world: World, page: Any) -> None:
    world.user("nora", phone=NUMBER)
    app = world.ibkey("nora", NUMBER)
    first = _push_login(world, "nora")
    [note] = world.notifications(app)
    assert note["txn_id"] == first
    page.goto(f"{world.url}/sim/phone/nora")
    page.get_by_test_id("phone-tab-ibkey").click()
    notes = page.get_by_test_id("ibkey-notification")
    expect(notes).to_have_count(1)
    page.get_by_test_id("ibkey-pin").fill("12ab")  # a denial is signed too: the PIN first
    deny = page.locator(f"[data-note='{note['id']}']").get_by_test_id("ibkey-deny")
    finger = press(page, deny)
    _push_login(world, "nora")  # the bombing goes on: the next push, drawn between press and release
    expect(notes).to_have_count(2)
    assert under(deny, finger), "the Deny pressed stays under the finger"  # (the handset's buzz: a pixel)
    page.mouse.up()
    expect(page.get_by_test_id("ibkey-message")).to_have_text("Denied.")
    expect(notes).to_have_count(1)
    left = world.notifications(app)
    assert len(left) == 1 and left[0]["id"] != note["id"], "the one pressed is denied, the new one waits"


def test_a_deny_pressed_as_the_one_above_it_goes_still_denies(world: World, page: Any) -> None:
    """The oldest notification, at the top, answered elsewhere (or expired) as the victim taps the next:
    taken out there and then, it moved the next one up from under the finger. On an iPhone with Face ID (no
    PIN field) two nearly fit the app's screen: scrolled a few pixels, not the height of the one taken out,
    the browser's scroll anchoring cannot hold the other still (scrolled further, it does)."""
    world.user("olga", phone=NUMBER)
    app = world.iphone_ibkey("olga", NUMBER, biometric=True)
    _push_login(world, "olga")
    _push_login(world, "olga")
    page.goto(f"{world.url}/sim/phone/olga")
    page.get_by_test_id("phone-tab-ibkey").click()
    notes = page.get_by_test_id("ibkey-notification")
    expect(notes).to_have_count(2)
    top, below = (notes.nth(i).get_attribute("data-note") for i in (0, 1))
    deny = page.locator(f"[data-note='{below}']").get_by_test_id("ibkey-deny")
    finger = press(page, deny)
    answered = requests.post(
        f"{world.url}/sim/v1/ibkey/{app}/notifications/{top}/deny", json={"biometric": True}, timeout=10
    )
    assert answered.status_code == 200, answered.text
    expect(page.locator("[data-count=ibkey]")).to_have_text("1")  # the state without it drawn
    assert under(deny, finger), "the Deny pressed stays under the finger"
    # drawn as gone, inert, and left where it was until the release
    expect(page.locator(f"[data-note='{top}']")).to_have_attribute("data-gone", "")
    page.mouse.up()
    expect(page.get_by_test_id("ibkey-message")).to_have_text("Denied.")
    expect(notes).to_have_count(0)
    assert world.notifications(app) == []

"""The simulator pages follow what is changed elsewhere, and keep their manners: the card page drops LOCKED
once the trainer resets the card (``static/js/card.js`` polls it, as the phone page polls the phone); the
phone vibrates only once the viewer has touched the page (a browser refuses it before, with a warning in the
console each time); IB Key forgets its PIN once it has answered a notification."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World


def test_the_card_page_notices_a_reset_made_in_the_console_without_a_key_press(
    world: World, page: Any
) -> None:
    world.user("carl")
    card = world.device("carl", "dscplus", pin="1234")["device_id"]
    for _ in range(3):
        wrong = requests.post(
            f"{world.url}/sim/v1/dscplus/{card}/respond",
            json={"pin": "9999", "challenge": "123456"},
            timeout=10,
        )
        assert wrong.status_code in (403, 423), wrong.text
    page.goto(f"{world.url}/sim/card/{card}")
    display = page.get_by_test_id("card-display")
    expect(display).to_have_text("LOCKED")
    world.post(f"/admin/v1/devices/{card}/reset", {})
    expect(display).to_have_text("")
    expect(page.get_by_test_id("card-status")).to_contain_text("reset")
    page.get_by_test_id("card-power").click()
    expect(display).to_have_text("PIN>")


#: navigator.vibrate recorded, and the page's user activation played by the test: Playwright's own calls
#: into the page count as gestures, so the real flag would be set before any viewer touched anything.
VIBRATION_STUB = """
window.asked = [];
window.touched = false;
navigator.vibrate = p => { window.asked.push(p); return true; };
Object.defineProperty(navigator, "userActivation", { get: () => ({ hasBeenActive: window.touched }) });
"""


def test_the_phone_does_not_ask_to_vibrate_before_the_viewer_touched_the_page(
    world: World, page: Any
) -> None:
    """A browser refuses vibration before the viewer touched the page, and logs a warning each time it is
    asked: the page does not ask then; once they have, a text vibrates the phone."""
    page.add_init_script(VIBRATION_STUB)
    world.user("bea", phone="+15555550192")
    world.device("bea", "sms")
    page.goto(f"{world.url}/sim/phone/bea")
    victim = page.get_by_test_id("phone-victim")
    expect(victim.locator("[data-field=number]")).to_have_text("+15555550192")
    body = {"username": "bea", "password": PASSWORD}
    assert requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code == 200
    expect(victim).to_have_attribute("data-buzzes", "1")  # the text arrived and the handset shook
    assert page.evaluate("window.asked.length") == 0
    page.evaluate("window.touched = true")  # the viewer has touched the page
    assert requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code == 200
    expect(victim).to_have_attribute("data-buzzes", "2")
    assert page.evaluate("window.asked.length") == 1


def test_ib_key_forgets_the_pin_once_it_has_approved(world: World, page: Any) -> None:
    world.user("gina", phone="+15555550144")
    world.ibkey("gina", "+15555550144", pin="24ab")
    started = requests.post(
        world.url + "/api/v1/auth/login", json={"username": "gina", "password": PASSWORD}, timeout=10
    ).json()
    page.goto(f"{world.url}/sim/phone/gina")
    page.get_by_test_id("phone-tab-ibkey").click()
    expect(page.get_by_test_id("ibkey-notification")).to_have_count(1)
    page.get_by_test_id("ibkey-pin").fill("24ab")
    page.get_by_test_id(f"ibkey-match-{started['factor']['match']}").click()
    expect(page.get_by_test_id("ibkey-notification")).to_have_count(0)
    expect(page.get_by_test_id("ibkey-pin")).to_have_value("")

"""The simulator pages follow what is changed elsewhere, and keep their manners: the card page drops LOCKED
once the trainer resets the card (``static/js/card.js`` polls it, as the phone page polls the phone)."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import World


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

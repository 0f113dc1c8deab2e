"""A wrong PIN keyed on the card page: the card shows PIN ERR n and takes the next key, whatever it is, to
bring PIN> back (sls_devices/dscplus_keypad.py). A volunteer who keyed the PIN again at once lost its first
digit to that, and OK on the three left did nothing: the line under the card now says what to do."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World
from .test_login_factors import key_in


def test_after_a_wrong_pin_the_page_says_how_to_try_again(world: World, page: Any) -> None:
    world.user("wanda")
    card_id = world.device("wanda", "dscplus", pin="1357")["device_id"]
    page.goto(f"{world.url}/sim/card/{card_id}")
    page.get_by_test_id("card-power").click()
    status = page.get_by_test_id("card-status")
    key_in(page, "0000")
    expect(page.get_by_test_id("card-display")).to_have_text("PIN ERR 2")
    expect(status).to_have_text(
        "Wrong PIN: 2 tries left before the card locks. Press any key for PIN> again, then key the PIN."
    )
    page.get_by_test_id("card-key-ok").click()  # the key the page asks for
    expect(page.get_by_test_id("card-display")).to_have_text("PIN>")
    expect(status).to_have_text("")
    key_in(page, "1357")
    expect(page.get_by_test_id("card-display")).to_have_text("CHALLNG>")

    page.get_by_test_id("card-power").click()
    page.get_by_test_id("card-power").click()
    for left, said in (
        ("PIN ERR 2", "2 tries left"),
        ("PIN ERR 1", "1 try left"),
    ):  # the right PIN restored them
        key_in(page, "0000")
        expect(page.get_by_test_id("card-display")).to_have_text(left)
        expect(status).to_contain_text(said)
        page.get_by_test_id("card-key-c").click()
    expect(status).to_have_text("")
    key_in(page, "0000")
    expect(page.get_by_test_id("card-display")).to_have_text("LOCKED")
    expect(status).to_contain_text("locked")

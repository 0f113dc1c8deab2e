"""The login window's virtual keyboard (the broker's advice for public computers: "use the virtual keyboard on
the login window to avoid having your keystrokes captured"): the password clicked in key by key logs in, and
not one key event reaches the password field, which is what a keylogger would hear."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World, confirm_identity, log_in_with_card

PASSWORD = "Plum-Sketch 9!"


def _click_in(page: Any, text: str) -> None:
    board = page.get_by_test_id("vk")
    for char in text:
        shift = board.get_by_test_id("vk-shift")
        wants_shift = char.isalpha() and char.isupper()
        if (shift.get_attribute("aria-pressed") == "true") != wants_shift:
            shift.click()
        if char == " ":
            board.get_by_test_id("vk-space").click()
        else:
            board.locator(f'[data-char="{char.lower()}"]').click()


def test_a_password_clicked_in_logs_in_and_no_key_reaches_the_field(world: World, page: Any) -> None:
    world.post("/admin/v1/users", {"username": "vera", "password": PASSWORD})
    card_id = str(world.device("vera", "dscplus", pin="2468")["device_id"])
    page.goto(world.url + "/")
    heard = "() => { window.keysHeard = 0; const field = document.getElementById('password');"
    page.evaluate(heard + " field.addEventListener('keydown', () => window.keysHeard++); }")
    page.get_by_test_id("login-username").fill("vera")
    expect(page.get_by_test_id("vk")).to_be_hidden()
    page.get_by_test_id("vk-toggle").click()
    expect(page.get_by_test_id("vk-toggle")).to_have_attribute("aria-expanded", "true")
    _click_in(page, PASSWORD + "x")
    page.get_by_test_id("vk-backspace").click()
    expect(page.get_by_test_id("login-password")).to_have_value(PASSWORD)
    assert page.evaluate("window.keysHeard") == 0
    page.get_by_test_id("login-submit").click()

    challenge = page.get_by_test_id("step-challenge").inner_text()
    page.get_by_test_id("step-response").fill(world.card_response(card_id, "2468", challenge))
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("account-username")).to_have_text("vera")


def test_clear_empties_the_field_and_the_verify_step_has_the_keyboard_too(world: World, page: Any) -> None:
    log_in_with_card(page, world, "walt", pin="2468")
    page.get_by_test_id("withdraw-amount").fill("100")
    page.get_by_test_id("withdraw-submit").click()
    expect(page.get_by_test_id("verify-title")).to_have_text("Verify your identity")
    page.get_by_test_id("vk-toggle").click()
    _click_in(page, "abc")
    expect(page.get_by_test_id("verify-password")).to_have_value("abc")
    page.get_by_test_id("vk-clear").click()
    expect(page.get_by_test_id("verify-password")).to_have_value("")
    confirm_identity(page, "walt")  # typed as usual: the keyboard is a choice, never the only way
    expect(page.get_by_test_id("step-challenge")).to_be_visible()

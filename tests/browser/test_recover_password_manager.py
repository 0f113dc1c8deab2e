"""The new-password form of "Forgot your password?" names the account (a hidden ``autocomplete="username"``
field, as the account page's password form does), and the login page it ends on has the username typed: in
Chromium the form had none ("Password forms should have (optionally hidden) username fields"), so a password
manager saved the new password under no account, or offered to overwrite another's, and the user typed the
username a third time."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World, loaded, save_new_password
from .test_recover_page import NEW, PHONE, past_the_code


def test_the_new_password_form_names_the_account(world: World, page: Any) -> None:
    world.user("nora", phone=PHONE)
    card_id = str(world.device("nora", "dscplus", pin="2468")["device_id"])
    past_the_code(page, world, "nora")
    challenge = page.get_by_test_id("step-challenge").inner_text()
    page.get_by_test_id("step-response").fill(world.card_response(card_id, "2468", challenge))
    page.get_by_test_id("step-submit").click()

    form = loaded(page.get_by_test_id("recover-new")).locator("xpath=ancestor::form")
    named = form.locator('input[autocomplete="username"]')
    expect(named).to_have_count(1)
    expect(named).to_have_value("nora")
    expect(named).to_be_hidden()  # for the password manager, not one more field to fill

    save_new_password(page, NEW)
    expect(page.get_by_test_id("login-username")).to_have_value("nora")

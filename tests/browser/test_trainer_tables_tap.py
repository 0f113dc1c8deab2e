"""A tap on a button of the console's users or accounts table is not lost when the table changes under it.

Either table was drawn anew, whole, whenever the world changed: a failed login of one user (its count of
failed sign-ins) replaced every row, and a tap on another row's button between its press and its release
was lost (the release landed on a new button; the browser sends the click to what holds both, the card,
which does nothing). The tables are now drawn in place, a row kept while its user or account is listed."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import World, press, sign_in_trainer, under


def test_manage_pressed_as_another_users_login_fails_opens_the_panel(world: World, page: Any) -> None:
    for name in ("tess", "uma"):
        world.user(name)
    sign_in_trainer(page, world)
    manage = page.get_by_test_id("trainer-manage-tess")
    finger = press(page, manage)
    wrong = {"username": "uma", "password": "not-the-password-1"}
    assert requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    expect(page.get_by_test_id("trainer-lock-uma")).to_contain_text("1 failed")  # drawn, the press held
    assert under(manage, finger)
    page.mouse.up()
    expect(page.get_by_test_id("trainer-panel-tess")).to_be_visible()
    expect(manage).to_have_attribute("aria-expanded", "true")


def test_delete_pressed_as_an_account_is_created_asks_first(world: World, page: Any) -> None:
    world.user("vera")
    world.post("/admin/v1/accounts", {"account_id": "U1234567", "users": ["vera"]})
    sign_in_trainer(page, world)
    delete = page.get_by_test_id("trainer-account-delete-U1234567")
    finger = press(page, delete)
    world.post("/admin/v1/accounts", {"account_id": "U7654321"})  # listed after it: nothing moves
    expect(page.get_by_test_id("trainer-account-row-U7654321")).to_be_visible()
    assert under(delete, finger)
    page.mouse.up()
    dialog = page.get_by_test_id("trainer-confirm")
    expect(dialog).to_contain_text("Delete account U1234567?")
    page.get_by_test_id("trainer-confirm-no").click()
    expect(page.get_by_test_id("trainer-accounts-status")).to_have_text("Nothing was changed.")

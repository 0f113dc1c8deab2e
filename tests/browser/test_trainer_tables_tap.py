"""A tap on a button of the console's users or accounts table is not lost when the table changes under it.

Either table was drawn anew, whole, whenever the world changed: a failed login of one user (its count of
failed sign-ins) replaced every row, and a tap on another row's button between its press and its release
was lost (the release landed on a new button; the browser sends the click to what holds both, the card,
which does nothing). The tables are now drawn in place, a row kept while its user or account is listed.
A row put in or taken out above the pressed one still moved it under the finger (a user created who sorts
above, one deleted): while the press is held, what is above it stays as it is (a row gone there dimmed and
inert), and the table is drawn as it now is after the release."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import World
from .press_kit import press, under


def _press_manage(
    page: Any, world: World, users: tuple[str, ...], name: str
) -> tuple[Any, tuple[float, float]]:
    """The console signed in with `users` made, and `name`'s Manage held pressed: the button, the finger."""
    for user in users:
        world.user(user)
    sign_in_trainer(page, world)
    manage = page.get_by_test_id(f"trainer-manage-{name}")
    return manage, press(page, manage)


def _press_delete(page: Any, world: World, account: str) -> tuple[Any, tuple[float, float]]:
    """The console signed in with `account` made (vera its member), its Delete held pressed: the button, the
    finger."""
    world.user("vera")
    world.post("/admin/v1/accounts", {"account_id": account, "users": ["vera"]})
    sign_in_trainer(page, world)
    delete = page.get_by_test_id(f"trainer-account-delete-{account}")
    return delete, press(page, delete)


def test_manage_pressed_as_another_users_login_fails_opens_the_panel(world: World, page: Any) -> None:
    manage, finger = _press_manage(page, world, ("tess", "uma"), "tess")
    wrong = {"username": "uma", "password": "not-the-password-1"}
    assert requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    expect(page.get_by_test_id("trainer-lock-uma")).to_contain_text("1 failed")  # drawn, the press held
    assert under(manage, finger)
    page.mouse.up()
    expect(page.get_by_test_id("trainer-panel-tess")).to_be_visible()
    expect(manage).to_have_attribute("aria-expanded", "true")


def test_delete_pressed_as_an_account_is_created_asks_first(world: World, page: Any) -> None:
    delete, finger = _press_delete(page, world, "U1234567")
    world.post("/admin/v1/accounts", {"account_id": "U7654321"})  # listed after it: nothing moves
    expect(page.get_by_test_id("trainer-account-row-U7654321")).to_be_visible()
    assert under(delete, finger)
    page.mouse.up()
    dialog = page.get_by_test_id("trainer-confirm")
    expect(dialog).to_contain_text("Delete account U1234567?")
    page.get_by_test_id("trainer-confirm-no").click()
    expect(page.get_by_test_id("trainer-accounts-status")).to_have_text("Nothing was changed.")


def _rows(page: Any, name: str) -> Any:
    """The users table's row of `name` (its Manage and panel are rows of their own)."""
    return page.locator(f"[data-testid=trainer-users] tr[data-username='{name}']")


def test_manage_pressed_as_a_user_who_sorts_above_is_created_opens_the_panel(world: World, page: Any) -> None:
    """A row put above the pressed one pushed it down from under the finger: the row waits for the release."""
    manage, finger = _press_manage(page, world, ("tess", "uma"), "tess")
    world.user("abe")  # sorts above tess
    wrong = {"username": "uma", "password": "not-the-password-1"}
    assert requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    expect(page.get_by_test_id("trainer-lock-uma")).to_contain_text("1 failed")  # below: drawn at once
    assert under(manage, finger)
    expect(_rows(page, "abe")).to_have_count(0)  # above: held back while the press is
    page.mouse.up()
    expect(page.get_by_test_id("trainer-panel-tess")).to_be_visible()
    expect(manage).to_have_attribute("aria-expanded", "true")
    expect(_rows(page, "abe")).to_have_count(1)  # drawn after the release, the panel left open
    expect(page.get_by_test_id("trainer-panel-tess")).to_be_visible()


def test_manage_pressed_as_a_user_above_is_deleted_opens_the_panel(world: World, page: Any) -> None:
    """A row taken out above the pressed one pulled it up: it stays, dimmed and inert, until the release,
    through every draw while the press is held (matched by none, drawn once)."""
    manage, finger = _press_manage(page, world, ("abe", "tess"), "tess")
    gone = requests.delete(f"{world.url}/admin/v1/users/abe", headers=world.admin, timeout=10)
    assert gone.status_code == 200, gone.text
    world.user("zed")  # below tess: drawn at once, with abe gone
    expect(_rows(page, "zed")).to_have_count(1)
    assert under(manage, finger)
    # no victim to choose, though still in sight: the victim list follows the table as it is drawn
    assert page.get_by_test_id("attack-user").locator("option[value=abe]").count() == 0
    expect(_rows(page, "abe")).to_have_attribute("data-gone", "")  # kept, dimmed and inert, till the release
    expect(_rows(page, "abe")).to_have_css("opacity", "0.45")  # the room sees it is gone
    wrong = {"username": "zed", "password": "not-the-password-1"}
    assert requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    expect(page.get_by_test_id("trainer-lock-zed")).to_contain_text("1 failed")  # the next draw, still held
    expect(_rows(page, "abe")).to_have_count(1)  # neither taken again nor drawn twice
    expect(_rows(page, "abe")).to_have_attribute("data-gone", "")
    assert under(manage, finger)
    page.mouse.up()
    expect(page.get_by_test_id("trainer-panel-tess")).to_be_visible()
    expect(manage).to_have_attribute("aria-expanded", "true")
    expect(_rows(page, "abe")).to_have_count(0)  # swept after the release


def test_delete_pressed_as_an_account_that_sorts_above_is_created_asks_first(world: World, page: Any) -> None:
    delete, finger = _press_delete(page, world, "U5555555")
    world.post("/admin/v1/accounts", {"account_id": "U1111111"})  # listed before it
    world.post("/admin/v1/accounts", {"account_id": "U9999999"})  # after it: drawn at once
    expect(page.get_by_test_id("trainer-account-row-U9999999")).to_be_visible()
    assert under(delete, finger)
    expect(page.get_by_test_id("trainer-account-row-U1111111")).to_have_count(0)  # held back
    page.mouse.up()
    expect(page.get_by_test_id("trainer-confirm")).to_contain_text("Delete account U5555555?")
    page.get_by_test_id("trainer-confirm-no").click()
    expect(page.get_by_test_id("trainer-account-row-U1111111")).to_be_visible()  # drawn after the release
    rows = page.locator("[data-testid^=trainer-account-row-]")
    expect(rows).to_have_count(3)

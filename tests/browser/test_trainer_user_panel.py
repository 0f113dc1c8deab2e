"""One user's Manage panel of the trainer console in Chromium: a device given and revoked, a second
temporary passcode refused with the broker's reason, the user put in an account and its IP allowlist set, a
password reset as Client Services would, and the panel kept in view at a phone's width.

It stands apart from ``test_trainer_admin`` (the console's administration as a whole: adding users, the
world saved, reset and loaded, refusals beside their fields, redraws, the keyboard) because each test here
works inside the one panel a user's Manage button opens."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import CARD_KEY, PASSWORD, World, admin_get


def test_a_trainer_gives_a_user_a_card_from_the_panel_and_revokes_it(world: World, page: Any) -> None:
    """The card's key is shown once in the user's panel and stays there through a redraw of the table; the
    Revoke asks first."""
    world.user("erin")
    sign_in_trainer(page, world)
    page.get_by_test_id("trainer-manage-erin").click()
    expect(page.get_by_test_id("trainer-enrol-pin-erin")).to_be_visible()  # the first type: a card
    page.get_by_test_id("trainer-enrol-type-erin").select_option("ibkey")
    expect(page.get_by_test_id("trainer-enrol-pin-erin")).to_be_hidden()
    expect(page.get_by_test_id("trainer-enrol-platform-erin")).to_be_visible()
    page.get_by_test_id("trainer-enrol-submit-erin").click()  # erin has no phone for the activation code
    expect(page.get_by_test_id("trainer-enrol-error-erin")).to_contain_text("phone")
    page.get_by_test_id("trainer-enrol-type-erin").select_option("dscplus")
    page.get_by_test_id("trainer-enrol-pin-erin").fill("1357")
    page.get_by_test_id("trainer-enrol-submit-erin").click()
    shown = page.get_by_test_id("trainer-enrol-result-erin")
    expect(shown.get_by_test_id("once-secret_hex")).to_have_text(CARD_KEY)
    expect(page.get_by_test_id("trainer-enrol-error-erin")).to_be_empty()
    card = shown.get_by_test_id("once-device_id").inner_text()
    expect(page.get_by_test_id(f"trainer-device-erin-{card}")).to_be_visible()
    page.get_by_test_id("trainer-enrol-type-erin").select_option("totp")
    world.user("zoe")  # the table is drawn anew: the panel, its answer and the choice stay
    expect(page.get_by_test_id("trainer-user-zoe")).to_be_visible()
    expect(shown.get_by_test_id("once-pin")).to_have_text("1357")
    expect(page.get_by_test_id("trainer-enrol-type-erin")).to_have_value("totp")
    expect(page.get_by_test_id("trainer-enrol-pin-erin")).to_be_hidden()
    page.get_by_test_id(f"trainer-device-revoke-erin-{card}").click()
    expect(page.get_by_test_id("trainer-confirm")).to_contain_text("Revoke erin's Digital Security Card+?")
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id(f"trainer-device-erin-{card}")).to_have_count(0)
    expect(page.get_by_test_id("trainer-admin-status")).to_contain_text("is revoked")
    assert [d["status"] for d in admin_get(world, "/users/erin/devices")["devices"]] == ["revoked"]


def test_a_trainer_puts_two_users_in_an_account_and_restricts_it(world: World, page: Any) -> None:
    world.user("erin")
    world.user("fay")
    sign_in_trainer(page, world)
    for name in ("erin", "fay"):
        page.get_by_test_id(f"trainer-manage-{name}").click()
        page.get_by_test_id(f"trainer-account-{name}").fill("U1234567")
        page.get_by_test_id(f"trainer-account-join-{name}").click()
        expect(page.get_by_test_id(f"trainer-account-id-{name}")).to_have_text("U1234567")
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text(
        "fay trades under account U1234567 (2 users)."
    )
    save = page.get_by_test_id("trainer-account-allowlist-save-fay")
    expect(save).to_be_focused()  # the Put in button gave way to the account's list
    page.get_by_test_id("trainer-account-allowlist-fay").fill("203.0.113.0/24")
    save.click()
    expect(page.get_by_test_id("trainer-account-allowlist-erin")).to_have_value("203.0.113.0/24")
    assert admin_get(world, "/accounts/U1234567")["ip_allowlist"] == ["203.0.113.0/24"]


def test_on_a_phone_a_users_panel_stays_in_view_of_the_scrolled_table(
    world: World, open_context: Any
) -> None:
    """At phone width the users table scrolls sideways; opening a panel from its Manage button (at the far
    right) left the panel, as wide as the table, cut off at the left. It keeps to the visible part now."""
    world.user("carol", phone="+15555550150")
    world.device("carol", "dscplus", pin="2468")
    phone = open_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    sign_in_trainer(page, world)
    page.get_by_test_id("trainer-manage-carol").click()
    panel = page.get_by_test_id("trainer-panel-carol").locator(".manage")
    expect(panel).to_be_visible()
    inside = panel.evaluate(
        "(m) => { const wrap = m.closest('.table-wrap'), r = m.getBoundingClientRect(),"
        " w = wrap.getBoundingClientRect();"
        " return [w.left - 0.5 <= r.left, r.right <= w.right + 0.5, wrap.scrollLeft]; }"
    )
    assert inside[:2] == [True, True], inside


def test_a_second_temporary_passcode_is_refused_in_the_panel_with_the_brokers_reason(
    world: World, page: Any
) -> None:
    """KB69: no temporary passcode right after another. The console says why next to the form, and the
    user keeps the one passcode."""
    world.user("erin")
    sign_in_trainer(page, world)
    page.get_by_test_id("trainer-manage-erin").click()
    page.get_by_test_id("trainer-enrol-type-erin").select_option("temporary")
    page.get_by_test_id("trainer-enrol-submit-erin").click()
    expect(page.get_by_test_id("trainer-enrol-result-erin").get_by_test_id("once-passcode")).to_be_visible()
    page.get_by_test_id("trainer-enrol-submit-erin").click()
    expect(page.get_by_test_id("trainer-enrol-error-erin")).to_contain_text("temporary passcode already")
    assert [d["type"] for d in admin_get(world, "/users/erin/devices")["devices"]] == ["temporary"]


def test_a_trainer_resets_a_users_password_from_the_panel(world: World, page: Any) -> None:
    """Client Services' reset: a weak one refused beside the field, then the new one set; the old password
    logs in no more, the new one does."""
    world.user("gus")
    world.device("gus", "dscplus", pin="2468")
    pending = requests.post(
        f"{world.url}/api/v1/auth/login", json={"username": "gus", "password": PASSWORD}, timeout=10
    )
    assert pending.status_code == 200, pending.text  # a login waiting on its second factor
    sign_in_trainer(page, world)
    page.get_by_test_id("trainer-manage-gus").click()
    page.get_by_test_id("trainer-password-gus").fill("password123!")
    page.get_by_test_id("trainer-password-save-gus").click()
    expect(page.get_by_test_id("trainer-password-error-gus")).to_contain_text("Too common")
    page.get_by_test_id("trainer-password-gus").fill("Violet-Harbour-Lantern-42")
    page.get_by_test_id("trainer-password-save-gus").click()
    expect(page.get_by_test_id("trainer-admin-status")).to_contain_text("gus's password was set")
    expect(page.get_by_test_id("trainer-password-gus")).to_have_value("")
    old = requests.post(
        f"{world.url}/api/v1/auth/login", json={"username": "gus", "password": PASSWORD}, timeout=10
    )
    assert old.status_code == 401
    body = {"username": "gus", "password": "Violet-Harbour-Lantern-42"}
    new = requests.post(f"{world.url}/api/v1/auth/login", json=body, timeout=10)
    assert new.status_code == 200, new.text

"""The console's Accounts card in Chromium: every account listed (one with no users too), a user taken out,
an account deleted after the dialog asks, each said in the card's status line; the card follows a change
made elsewhere (the admin API), and the focus stays in it across its redraws."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import World, admin_get


def test_a_trainer_takes_a_user_out_of_an_account_then_deletes_it(world: World, page: Any) -> None:
    for name in ("erin", "fay"):
        world.user(name)
    world.post(
        "/admin/v1/accounts",
        {"account_id": "U1234567", "users": ["erin", "fay"], "ip_allowlist": ["203.0.113.0/24"]},
    )
    world.post("/admin/v1/accounts", {"account_id": "U7654321"})
    sign_in_trainer(page, world)
    status = page.get_by_test_id("trainer-accounts-status")
    row = page.get_by_test_id("trainer-account-row-U1234567")
    expect(row).to_contain_text("erin")
    expect(page.get_by_test_id("trainer-account-list-U1234567")).to_have_text("203.0.113.0/24")
    expect(page.get_by_test_id("trainer-account-row-U7654321")).to_contain_text("none")

    page.get_by_test_id("trainer-account-remove-U1234567-erin").click()
    expect(status).to_have_text(
        "erin is taken out of account U1234567: the account's IP allowlist no longer applies to erin "
        "(1 user left in it)."
    )
    expect(page.get_by_test_id("trainer-account-member-U1234567-erin")).to_have_count(0)
    expect(
        page.get_by_test_id("trainer-account-remove-U1234567-fay")
    ).to_be_focused()  # the redraw kept it here
    assert admin_get(world, "/users/erin/ip-allowlist")["account_id"] is None
    page.get_by_test_id("trainer-manage-erin").click()
    expect(page.get_by_test_id("trainer-account-erin")).to_be_visible()  # her panel offers "Put in" again

    page.get_by_test_id("trainer-account-delete-U1234567").click()
    dialog = page.get_by_test_id("trainer-confirm")
    expect(dialog).to_contain_text("Delete account U1234567?")
    expect(dialog).to_contain_text("no longer applies to its 1 user")
    page.get_by_test_id("trainer-confirm-no").click()
    expect(status).to_have_text("Nothing was changed.")
    expect(row).to_be_visible()

    page.get_by_test_id("trainer-account-delete-U1234567").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(status).to_have_text(
        "Account U1234567 is deleted; fay is in no account now, with their own IP allowlist."
    )
    expect(row).to_have_count(0)
    expect(page.locator("#accounts-title")).to_be_focused()
    assert [a["account_id"] for a in admin_get(world, "/accounts")["accounts"]] == ["U7654321"]
    assert admin_get(world, "/users/fay/ip-allowlist")["account_id"] is None

    gone = requests.delete(world.url + "/admin/v1/accounts/U7654321", headers=world.admin, timeout=10)
    assert gone.status_code == 200, gone.text
    expect(page.get_by_test_id("trainer-accounts")).to_contain_text("No accounts")  # the event redrew it


def test_the_outcome_stays_in_the_card_when_the_feed_redraws_it_before_the_answer(
    world: World, page: Any
) -> None:
    """The live feed's event can redraw the card before the action's own answer arrives (a loaded machine):
    the button clicked is then no longer on the page, and its outcome went to the Users card's line."""
    for name in ("erin", "fay"):
        world.user(name)
    world.post("/admin/v1/accounts", {"account_id": "U1234567", "users": ["erin", "fay"]})
    sign_in_trainer(page, world)
    held: list[Any] = []
    page.route("**/trainer/accounts/*/users/*/remove", lambda route: held.append((route, route.fetch())))
    page.get_by_test_id("trainer-account-remove-U1234567-erin").click()
    # the server has done it; its event redraws the card while the answer is held back
    expect(page.get_by_test_id("trainer-account-member-U1234567-erin")).to_have_count(0)
    route, answer = held[0]
    route.fulfill(response=answer)
    expect(page.get_by_test_id("trainer-accounts-status")).to_have_text(
        "erin is taken out of account U1234567: the account's IP allowlist no longer applies to erin "
        "(1 user left in it)."
    )
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text("")

"""The attack card's chosen victim deleted while the console is open (``sls user delete`` in another window,
the console's own Manage > Delete): the Victim list used to switch to the first user without a word, and Run
attack then hit someone the trainer never chose, in front of the room. The list now says the victim is gone
and waits for the trainer to choose again; Run refuses, in words, until they do."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import World


def test_a_deleted_victim_is_said_and_no_other_user_is_attacked(world: World, page: Any) -> None:
    world.user("amy")
    world.user("bob")
    sign_in_trainer(page, world)
    victims = page.get_by_test_id("attack-user")
    victims.select_option("bob")
    gone = requests.delete(world.url + "/admin/v1/users/bob", headers=world.admin, timeout=10)
    assert gone.status_code in (200, 204), gone.text
    error = page.get_by_test_id("attack-user-error")
    expect(error).to_have_text("bob is gone (deleted): choose the victim again.")
    expect(victims).to_have_value("")
    expect(victims).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("attack-kind").select_option("brute_force")
    page.get_by_test_id("attack-run").click()
    expect(error).to_have_text("Choose the victim first: bob is gone.")
    expect(victims).to_be_focused()
    expect(page.get_by_test_id("attack-result")).to_have_text("")
    # nobody was attacked: amy, the first user, was not tried in bob's place
    expect(page.locator("[data-testid=feed-event][data-type='login.failed']")).to_have_count(0)
    victims.select_option("amy")
    expect(error).to_have_text("")
    expect(victims).not_to_have_attribute("aria-invalid", "true")
    expect(victims.locator("option")).to_have_text(["amy"])
    page.get_by_test_id("attack-run").click()
    expect(page.get_by_test_id("attack-result").locator("[data-verdict]")).to_be_visible()


def test_the_victim_deleted_from_the_consoles_own_manage_panel_is_said_too(world: World, page: Any) -> None:
    world.user("amy")
    world.user("bob")
    sign_in_trainer(page, world)
    page.get_by_test_id("attack-user").select_option("bob")
    page.get_by_test_id("trainer-manage-bob").click()
    page.get_by_test_id("trainer-delete-bob").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("attack-user-error")).to_have_text(
        "bob is gone (deleted): choose the victim again."
    )
    expect(page.get_by_test_id("attack-user")).to_have_value("")


def test_run_in_an_empty_world_says_to_add_a_user(world: World, page: Any) -> None:
    """The form is the console's to check (novalidate): the browser's "Please select an item in the list"
    said neither why nor what to do."""
    sign_in_trainer(page, world)
    page.get_by_test_id("attack-run").click()
    expect(page.get_by_test_id("attack-user-error")).to_have_text(
        "Add a user first: there is nobody to attack."
    )
    expect(page.get_by_test_id("attack-user")).to_be_focused()

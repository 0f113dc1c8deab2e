"""The attack card in a world with no users (a fresh server, a reset between two classes): the Victim list
was empty without a word, and Run attack gave only the browser's "Please select an item in the list". A
line under the list says where users come from, and follows the users as they come and go, without a
reload."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import World


def test_an_empty_world_says_where_the_victims_come_from(world: World, page: Any) -> None:
    sign_in_trainer(page, world)
    hint = page.get_by_test_id("attack-no-victims")
    expect(hint).to_be_visible()
    expect(hint).to_have_text(
        "No users to attack yet: add one under Add a user, or load a world under The world."
    )
    expect(page.get_by_test_id("attack-user")).to_have_attribute(
        "aria-describedby", "attack-user-error attack-no-victims"
    )

    world.user("amy")  # added elsewhere (sls user add): the console hears it from the feed
    expect(page.get_by_test_id("attack-user").locator("option")).to_have_text(["amy"])
    expect(hint).to_be_hidden()

    page.get_by_test_id("world-reset").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("attack-user").locator("option")).to_have_count(0)
    expect(hint).to_be_visible()


def test_a_world_with_users_shows_no_such_line(world: World, page: Any) -> None:
    world.user("amy")
    sign_in_trainer(page, world)
    expect(page.get_by_test_id("attack-user")).to_have_value("amy")
    expect(page.get_by_test_id("attack-no-victims")).to_be_hidden()

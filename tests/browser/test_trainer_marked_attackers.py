"""A scenario demo marks its attacker actors' addresses (``PUT /admin/v1/attackers``) while the console is
open: from then on the feed tags what comes from one "(attacker)" and in red, as a staged attack's. The
scenario's attacker logging in from its own address used to show as green good news."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import World
from .test_trainer_console import sign_in


def test_an_address_marked_while_the_console_is_open_is_tagged_as_the_attackers(
    world: World, page: Any
) -> None:
    world.user("pete")
    sign_in(page, world)
    marked = requests.put(
        world.url + "/admin/v1/attackers", json={"addresses": ["127.0.0.1"]}, headers=world.admin, timeout=10
    )
    assert marked.status_code == 200, marked.text
    expect(page.locator("[data-testid=feed-event][data-type='attack.addresses_marked']")).to_have_count(1)
    wrong = {"username": "pete", "password": "nope-nope-nope-1"}
    assert requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    failed = page.locator("[data-testid=feed-event][data-type='login.password_failed']").first
    expect(failed).to_contain_text("from 127.0.0.1 (attacker)")


def test_a_wipe_unmarks_the_address_on_the_page_too(world: World, page: Any) -> None:
    """The server forgets a demo's marked addresses on a wipe, and its feed sends the list from then on; the
    page kept its own list (the line's fields, its tooltip and the text of a line without a sentence), so a
    login from the wiped demo's address was still "(attacker)" there after the reset."""
    world.user("pete")
    sign_in(page, world)
    marked = requests.put(
        world.url + "/admin/v1/attackers", json={"addresses": ["127.0.0.1"]}, headers=world.admin, timeout=10
    )
    assert marked.status_code == 200, marked.text
    feed = page.get_by_test_id("event-feed")
    expect(feed.locator("[data-type='attack.addresses_marked']")).to_have_count(1)
    page.get_by_test_id("world-reset").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(feed.locator("[data-testid=feed-event]").first).to_have_attribute("data-type", "emulator.reset")
    wrong = {"username": "ghost", "password": "nope-nope-nope-1"}
    assert requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    failed = feed.locator("[data-testid=feed-event][data-type='login.password_failed']").first
    expect(failed).to_be_visible()
    expect(failed.locator(".feed-type")).to_have_attribute("title", re.compile(r"from 127\.0\.0\.1"))
    assert "(attacker)" not in (failed.locator(".feed-type").get_attribute("title") or "")
    assert "(attacker)" not in failed.inner_text()


def test_a_search_after_a_wipe_does_not_tag_the_wiped_demos_address(world: World, page: Any) -> None:
    """The search's rows tag their address from a list too: the page's, as it was loaded, marked demo
    addresses and all; each answer now carries the list as the server has it."""
    world.user("pete")
    marked = requests.put(
        world.url + "/admin/v1/attackers", json={"addresses": ["127.0.0.1"]}, headers=world.admin, timeout=10
    )
    assert marked.status_code == 200, marked.text
    sign_in(page, world)  # drawn with 127.0.0.1 in its list
    assert requests.post(world.url + "/admin/v1/reset", headers=world.admin, timeout=10).status_code == 200
    world.user("pete")  # the reset took him too; the page, not drawn again, keeps its list
    wrong = {"username": "pete", "password": "nope-nope-nope-1"}
    assert requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    page.get_by_test_id("events-filter-type").fill("login.password_failed")
    page.get_by_test_id("events-filter-submit").click()
    row = page.get_by_test_id("events-filter-event").first
    expect(row).to_contain_text("from 127.0.0.1")
    assert "(attacker)" not in row.inner_text()

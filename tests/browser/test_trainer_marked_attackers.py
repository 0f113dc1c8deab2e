"""A scenario demo marks its attacker actors' addresses (``PUT /admin/v1/attackers``) while the console is
open: from then on the feed tags what comes from one "(attacker)" and in red, as a staged attack's. The
scenario's attacker logging in from its own address used to show as green good news."""

from __future__ import annotations

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

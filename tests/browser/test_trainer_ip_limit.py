"""The trainer console's "Login limit by address" card in Chromium: negative tests from this machine fill
127.0.0.1's window, the card shows it limited, lifting it lets the right password in, and a bad address is
refused next to its field. Checked against what ``/admin/v1/ip-throttle`` then reports."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import PASSWORD, World, admin_get


def _login(world: World, name: str, password: str) -> int:
    body = {"username": name, "password": password}
    return requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code


def test_the_trainer_sees_the_address_limit_and_lifts_it(world: World, page: Any) -> None:
    world.user("carol")
    world.device("carol", "dscplus", pin="2468")
    limit = admin_get(world, "/ip-throttle?ip=127.0.0.1")["limit"]
    for n in range(limit):  # a name each, so no name's own lock answers first
        assert _login(world, f"nobody-{n}", "wrong-password-here") == 401
    assert _login(world, "carol", PASSWORD) == 429  # the right password too
    sign_in_trainer(page, world)

    page.get_by_test_id("ip-limit-check").click()
    status = page.get_by_test_id("ip-limit-status")
    expect(status).to_contain_text(
        "127.0.0.1 is limited: every login from it is refused, a right password too"
    )
    page.get_by_test_id("ip-limit-ip").fill("not-an-address")
    page.get_by_test_id("ip-limit-lift").click()
    expect(page.get_by_test_id("ip-limit-error")).to_have_text('"Address" must be an IPv4 or IPv6 address')
    expect(page.get_by_test_id("ip-limit-ip")).to_be_focused()
    assert admin_get(world, "/ip-throttle?ip=127.0.0.1")["limited"] is True

    page.get_by_test_id("ip-limit-ip").fill("127.0.0.1")
    page.get_by_test_id("ip-limit-lift").click()
    lifted = f"The login limit of 127.0.0.1 is lifted: {limit} attempts forgotten"
    expect(status).to_have_text(f"{lifted}; its next login is judged at once.")
    expect(page.get_by_test_id("ip-limit-error")).to_have_text("")
    assert admin_get(world, "/ip-throttle?ip=127.0.0.1")["attempts"] == 0
    assert _login(world, "carol", PASSWORD) == 200
    expect(page.get_by_test_id("event-feed")).to_contain_text("Login limit of 127.0.0.1 lifted")


def test_a_trainer_signed_in_lifts_the_wrong_admin_tokens_that_shut_the_admin_api_to_this_machine(
    world: World, page: Any
) -> None:
    """Mistyped admin tokens from this machine fill its window: the admin API refuses every token from
    here, the right one too. The console, signed in before, is not judged by that window: its card's lift
    forgets the wrong tokens with the login attempts, says so, and the right token is let through again."""
    sign_in_trainer(page, world)
    users = world.url + "/admin/v1/users"
    limit = admin_get(world, "/ip-throttle?ip=127.0.0.1")["limit"]
    for n in range(limit):
        wrong = {"Authorization": f"Bearer mistyped-admin-token-{n}"}
        assert requests.get(users, headers=wrong, timeout=10).status_code == 401
    right = world.admin
    assert requests.get(users, headers=right, timeout=10).status_code == 429  # the right token too

    page.get_by_test_id("ip-limit-ip").fill("127.0.0.1")
    page.get_by_test_id("ip-limit-check").click()
    expect(page.get_by_test_id("ip-limit-status")).to_contain_text(
        f"Wrong admin or sim tokens: {limit} of {limit}, every token from it refused, the right one too."
    )
    page.get_by_test_id("ip-limit-lift").click()
    expect(page.get_by_test_id("ip-limit-status")).to_have_text(
        f"{limit} wrong admin or sim tokens from 127.0.0.1 forgotten: its right token is let through again."
    )
    assert requests.get(users, headers=right, timeout=10).status_code == 200

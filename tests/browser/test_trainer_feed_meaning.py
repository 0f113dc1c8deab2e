"""The trainer's feed by meaning (``web/event_words.py``, ``web/event_tones.py``, drawn by
``static/js/trainer-feed.js``): each line a sentence a room reads, its dotted type kept small beside it; a
defence that fired labelled "defence", apart from the attacker's success, labelled "breach", so a projector
tells "stopped" from "got in" by more than a colour."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World
from .test_trainer_console import sign_in

BRUTE_IP = "198.51.100.66"
PUSH_IP = "198.51.100.77"


def line(page: Any, kind: str) -> Any:
    return page.locator(f"[data-testid=feed-event][data-type='{kind}']")


def test_a_staged_brute_force_reads_as_sentences_and_its_lock_as_a_defence(world: World, page: Any) -> None:
    world.user("bob")
    sign_in(page, world)
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "bob"})
    failed = line(page, "login.password_failed")
    expect(failed).to_have_count(5)
    expect(failed.first.get_by_test_id("feed-said")).to_have_text(
        f"Wrong password for bob, from {BRUTE_IP} (attacker)"
    )
    expect(failed.first.get_by_test_id("feed-label")).to_have_text("attempt")
    expect(failed.first.locator(".feed-type")).to_have_text("login.password_failed")  # the API's name, kept
    locked = line(page, "account.locked")
    expect(locked).to_have_class(re.compile(r"\bdefence\b"))
    expect(locked.get_by_test_id("feed-label")).to_have_text("defence")
    expect(locked.get_by_test_id("feed-said")).to_have_text(
        f"bob locked for 1 min after 5 wrong passwords, from {BRUTE_IP} (attacker)"
    )
    refused = line(page, "login.refused").first
    expect(refused.get_by_test_id("feed-label")).to_have_text("defence")
    expect(refused.get_by_test_id("feed-said")).to_contain_text("Login as bob refused: the account is locked")
    # newest first: the lock sits above the wrong password that set it, never below it
    order = page.get_by_test_id("feed-event").evaluate_all("(items) => items.map((i) => i.dataset.type)")
    assert order.index("account.locked") < order.index("login.password_failed"), order
    assert not page.get_by_test_id("feed-event").filter(has_text="lock number").count()
    assert not page.get_by_test_id("feed-event").filter(has_text="bucket").count()


def test_an_approval_of_the_attacker_s_login_is_a_breach(
    browser: Any, shared_serve: Any, admin_headers: dict[str, str], page: Any
) -> None:
    """The victim's phone approves a push the attacker's login sent: the approval carries the login's
    address (as ``push.sent`` does), so it reads as the attacker's success, in red, labelled "breach", not
    as the victim's good news from the phone's address. Behind a proxy the server believes, so the login
    names the attacker's address."""
    server = shared_serve(workers=1, SLS_TRUSTED_PROXIES="127.0.0.1/32")
    world = World(server.url, admin_headers)
    world.user("ivy", phone="+15555550171")
    app = world.ibkey("ivy", "+15555550171")
    sign_in(page, world)
    started = requests.post(
        world.url + "/api/v1/auth/login",
        json={"username": "ivy", "password": PASSWORD},
        headers={"X-Forwarded-For": PUSH_IP},
        timeout=10,
    ).json()
    world.approve_push(app, started["factor"]["match"], txn=started["txn_id"])
    approval = line(page, "push.approved")
    expect(approval).to_have_class(re.compile(r"\bbreach\b"))
    expect(approval.get_by_test_id("feed-label")).to_have_text("breach")
    expect(approval.get_by_test_id("feed-said")).to_have_text(
        f"ivy approved the attacker's login request on their phone, from {PUSH_IP} (attacker)"
    )

"""IBKR Mobile after a refused answer: a wrong number picked ends its login and the notification is gone on
the server, but the app kept showing it until its next poll, and every tap on it then said "No such
notification on this app (it may have been answered)". In a push bombing the victim taps down a list of
twenty: each wrong pick left the top one in place, and each tap's own request dropped the poll that would
have redrawn it. The app reads its state again after any answer, refused or not."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World


def _push_login(world: World, name: str) -> dict[str, Any]:
    started = requests.post(
        f"{world.url}/api/v1/auth/login", json={"username": name, "password": PASSWORD}, timeout=10
    ).json()
    assert started["factor"]["mode"] == "push", started
    return started  # type: ignore[no-any-return]


def test_a_wrong_pick_takes_the_ended_notification_off_the_app_at_once(world: World, page: Any) -> None:
    world.user("ann", "+15555550102")
    app = world.ibkey("ann", "+15555550102")
    first, _ = _push_login(world, "ann"), _push_login(world, "ann")
    note = next(n for n in world.notifications(app) if n["txn_id"] == first["txn_id"])
    wrong = next(c for c in note["candidates"] if c != first["factor"]["match"])

    # the page's timers stand still: its first poll (run at once) draws the two, and no later poll can
    # be what takes the answered one away
    page.clock.install()
    page.goto(f"{world.url}/sim/phone/ann")
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 5)  # seconds, ahead of the page's clock
    page.get_by_test_id("phone-tab-ibkey").click()
    notes = page.get_by_test_id("ibkey-notification")
    expect(notes).to_have_count(2)

    page.get_by_test_id("ibkey-pin").fill("12ab")
    page.locator(f"[data-note='{note['id']}']").get_by_test_id(f"ibkey-match-{wrong}").click()
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("The number picked is not the one")
    expect(notes).to_have_count(1)  # the ended login's notification is gone, as it is on the server
    assert len(world.notifications(app)) == 1
    # what the app said of the refusal stays, over the redraw
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("The number picked is not the one")

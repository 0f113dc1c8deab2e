"""The trainer console's feed in words a room reads (``static/js/trainer.js``: ``show``, ``describe``): an
unlock is good news, not an alarm; a flood's summary gives clock times and a sentence, not Unix seconds."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World
from .test_trainer_console import sign_in


def test_an_unlock_is_not_coloured_as_an_alarm(world: World, page: Any) -> None:
    world.user("uma")
    sign_in(page, world)
    for _ in range(5):
        wrong = {"username": "uma", "password": "not-uma-password-1"}
        requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10)
    expect(page.locator("[data-testid=feed-event][data-type='account.locked']")).to_have_class(
        re.compile(r"\bbad\b")
    )
    world.post("/admin/v1/users/uma/unlock", {})
    unlocked = page.locator("[data-testid=feed-event][data-type='account.unlocked']")
    expect(unlocked).to_have_class(re.compile(r"\bgood\b"))


def test_a_flood_summary_says_clock_times_and_a_sentence(world: World, page: Any) -> None:
    world.user("uma")
    world.put("/admin/v1/users/uma/ip-allowlist", {"ip_allowlist": ["10.0.0.0/8"]})
    world.post("/admin/v1/clock", {"freeze": True})
    sign_in(page, world)
    for _ in range(4):  # refused by the allowlist: one ip.rejected written, the rest counted
        requests.post(
            world.url + "/api/v1/auth/login", json={"username": "uma", "password": "x-x-x-x-x-1"}, timeout=10
        )
    world.advance(120)  # the flood window closes; the next read of the trail writes its summary
    requests.get(world.url + "/admin/v1/events", headers=world.admin, timeout=10)
    summary = page.locator("[data-testid=feed-event][data-type='events.summary']")
    expect(summary).to_contain_text(
        re.compile("4 \u00d7 ip\\.rejected \\d\\d:\\d\\d\u2013\\d\\d:\\d\\d, 3 folded into this line")
    )
    expect(summary).not_to_contain_text("window start")


def test_a_staged_sim_swap_s_takeover_is_an_alarm_not_good_news(world: World, page: Any) -> None:
    """The swap's login succeeds from the attacker's address, with a code texted to the swapped SIM: by its
    outcome alone the feed showed it green. Its source makes it an alarm."""
    world.user("sam", phone="+15555550161")
    world.post("/admin/v1/users/sam/devices", {"type": "sms"})
    sign_in(page, world)
    world.post("/admin/v1/attacks", {"attack": "sim_swap", "username": "sam", "password": PASSWORD})
    bad = re.compile(r"\bbad\b")
    for kind in ("phone.conditions_changed", "login.succeeded"):
        expect(page.locator(f"[data-testid=feed-event][data-type='{kind}']")).to_have_class(bad)
    code = page.locator("[data-testid=feed-event][data-type='sms.sent']").filter(has_text="purpose login")
    expect(code).to_have_class(bad)  # it went to the attacker's handset

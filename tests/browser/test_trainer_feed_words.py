"""The trainer console's feed in words a room reads (``web/event_words.py``, ``web/event_tones.py``, drawn
by ``static/js/trainer-feed.js``'s ``show``): a defence that fired apart from the attacker's success, an
unlock good news; a flood's summary gives clock times and a sentence, not Unix seconds."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import requests
from playwright.sync_api import expect

from sls_server.sim.relay import RELAY_IP

from .pages_kit import PASSWORD, World
from .test_trainer_console import sign_in


def test_a_lock_is_a_defence_and_an_unlock_good_news(world: World, page: Any) -> None:
    world.user("uma")
    sign_in(page, world)
    for _ in range(5):
        wrong = {"username": "uma", "password": "not-uma-password-1"}
        requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10)
    locked = page.locator("[data-testid=feed-event][data-type='account.locked']")
    expect(locked).to_have_class(re.compile(r"\bdefence\b"))
    expect(locked.get_by_test_id("feed-label")).to_have_text("defence")
    expect(locked.get_by_test_id("feed-said")).to_have_text(
        "uma locked for 1 min after 5 wrong passwords, from 127.0.0.1"
    )
    world.post("/admin/v1/users/uma/unlock", {})
    unlocked = page.locator("[data-testid=feed-event][data-type='account.unlocked']")
    expect(unlocked).to_have_class(re.compile(r"\bgood\b"))
    expect(unlocked.get_by_test_id("feed-label")).to_have_text("ok")


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
    expect(summary.get_by_test_id("feed-said")).to_have_text(
        re.compile(
            "^Login as uma refused: the address is outside the IP restrictions, "
            "4 times \\d\\d:\\d\\d\u2013\\d\\d:\\d\\d \\(3 of them not listed one by one\\), "
            "from 127\\.0\\.0\\.1$"
        )
    )
    expect(summary).to_have_class(re.compile(r"\bdefence\b"))
    expect(summary).not_to_contain_text("window start")
    # newest first: the refusal written on its own is below the summary, so no "line above" may be meant
    types = page.get_by_test_id("feed-event").evaluate_all("(rows) => rows.map((r) => r.dataset.type)")
    assert types.index("events.summary") < types.index("ip.rejected"), types


def test_a_staged_sim_swap_s_takeover_is_a_breach_not_good_news(world: World, page: Any) -> None:
    """The swap's login succeeds from the attacker's address, with a code texted to the swapped SIM: by its
    outcome alone the feed showed it green. Its source makes it the attacker's success: a breach, said so."""
    world.user("sam", phone="+15555550161")
    world.post("/admin/v1/users/sam/devices", {"type": "sms"})
    sign_in(page, world)
    world.post("/admin/v1/attacks", {"attack": "sim_swap", "username": "sam", "password": PASSWORD})
    breach = re.compile(r"\bbreach\b")
    for kind in ("phone.conditions_changed", "login.succeeded"):
        line = page.locator(f"[data-testid=feed-event][data-type='{kind}']")
        expect(line).to_have_class(breach)
        expect(line.get_by_test_id("feed-label")).to_have_text("breach")
    swapped = page.locator("[data-testid=feed-event][data-type='phone.conditions_changed']")
    expect(swapped.get_by_test_id("feed-said")).to_have_text("sam's SIM moved to the attacker's handset")
    signed_in = page.locator("[data-testid=feed-event][data-type='login.succeeded']")
    expect(signed_in.get_by_test_id("feed-said")).to_have_text(
        "The attacker signed in as sam, from 198.51.100.99 (attacker)"
    )
    code = page.locator("[data-testid=feed-event][data-type='sms.sent']").filter(has_text="Code texted")
    expect(code).to_have_class(breach)  # it went to the attacker's handset
    expect(code).to_contain_text("arrived on the attacker's handset")


def test_a_relayed_login_s_text_is_the_attacker_s(world: World, page: Any) -> None:
    """A phishing relay's login texts the victim's own phone: nothing in the line said from where
    it was asked for, so it stood grey, as if she had asked for the code herself. It names the relay's
    address now (as a push names its login's): the attacker on the way, amber, not yet a breach."""
    world.user("sam", phone="+15555550162")
    world.post("/admin/v1/users/sam/devices", {"type": "sms"})
    sign_in(page, world)
    world.post("/admin/v1/attacks", {"attack": "phishing_relay", "username": "sam", "password": PASSWORD})
    text = page.locator("[data-testid=feed-event][data-type='sms.sent']").filter(has_text="Code texted")
    expect(text).to_have_class(re.compile(r"\battempt\b"))
    expect(text).to_contain_text(f"from {RELAY_IP} (attacker)")
    expect(text).not_to_contain_text("5555550162")  # the number stays masked


def test_a_sign_in_from_a_new_place_is_amber_and_says_so(
    browser: Any, shared_serve: Any, admin_headers: dict[str, str], page: Any
) -> None:
    """A login from an address the user never signed in from (their sign-in notice's news) is amber, from any
    address, not only the staged attacks' own: a scenario's attacker, or the user on the road. Behind a proxy
    the server believes, so each login names its address."""
    server = shared_serve(workers=1, SLS_TRUSTED_PROXIES="127.0.0.1/32")
    world = World(server.url, admin_headers)
    world.user("tess")
    secret = world.device("tess", "totp")["secret_b32"]
    sign_in(page, world)

    def log_in(address: str) -> None:
        headers = {"X-Forwarded-For": address}
        body = {"username": "tess", "password": PASSWORD}
        started = requests.post(
            world.url + "/api/v1/auth/login", json=body, headers=headers, timeout=10
        ).json()
        world.advance(30)  # a fresh time step: the last code is refused as a replay
        clock = requests.get(world.url + "/admin/v1/clock", headers=world.admin, timeout=10).json()
        code = pyotp.TOTP(secret).at(clock["now"])
        done = requests.post(
            f"{world.url}/api/v1/auth/login/{started['txn_id']}/verify",
            json={"response": code},
            headers={**headers, "X-Login-Token": started["login_token"]},
            timeout=10,
        )
        assert done.status_code == 200, done.text

    log_in("198.51.100.10")  # a first login is no news (and the address no staged attack's)
    log_in("203.0.113.77")
    logins = page.locator("[data-testid=feed-event][data-type='login.succeeded']")
    expect(logins).to_have_count(2)
    expect(logins.first).to_have_class(re.compile(r"\bwarn\b"))  # newest first
    expect(logins.first).to_contain_text("from 203.0.113.77")
    expect(logins.first).to_contain_text("tess signed in from a new place")
    expect(logins.first.get_by_test_id("feed-label")).to_have_text("warning")
    expect(logins.last).to_have_class(re.compile(r"\bgood\b"))


def test_a_staged_attack_s_address_is_named_the_attacker_s_in_the_feed(world: World, page: Any) -> None:
    """A staged attack's lines are red for their address alone (a password_ok, a success): the feed says
    whose address it is, so the room knows why, and the user's own address says nothing of the kind."""
    world.user("uma")
    sign_in(page, world)
    wrong = {"username": "uma", "password": "not-uma-password-1"}
    requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10)
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "uma"})
    failed = page.locator("[data-testid=feed-event][data-type='login.password_failed']")
    expect(failed.first).to_contain_text("from 198.51.100.66 (attacker)")
    expect(failed.last).to_contain_text("from 127.0.0.1")
    expect(failed.last).not_to_contain_text("attacker")


def test_a_name_no_user_has_shows_as_its_reference_never_as_typed(world: World, page: Any) -> None:
    """A password typed into the name field reaches the feed as "a name no user has (#<ref>…)", the same
    reference for each try at it, and the typed text nowhere on the page."""
    world.user("uma")
    sign_in(page, world)
    for name in ("Hunter2-Is-My-Pass", "Hunter2-Is-My-Pass", "uma"):
        requests.post(
            world.url + "/api/v1/auth/login", json={"username": name, "password": "x-x-x-x-x-1"}, timeout=10
        )
    failed = page.locator("[data-testid=feed-event][data-type='login.password_failed']")
    expect(failed).to_have_count(3)
    texts = failed.all_inner_texts()  # newest first
    refs = {m[1] for text in texts if (m := re.search(r"a name no user has \(#([0-9a-f]{4})…\)", text))}
    assert len(refs) == 1 and sum("a name no user has (#" in text for text in texts) == 2, texts
    assert "Wrong password for uma, from" in next(text for text in texts if "name no user" not in text)
    assert "unknown username" not in " ".join(texts) and "name ref" not in " ".join(texts)
    assert "hunter2" not in page.content().lower()


def test_a_text_the_carrier_lost_is_a_warning(world: World, page: Any) -> None:
    """A login code lost abroad (``sms.sent``, result dropped) was drawn plain, as if delivered; the user
    waits for it in vain, and the room should see why."""
    world.user("rio", phone="+15555550163")
    world.post("/admin/v1/users/rio/devices", {"type": "sms"})
    world.put("/sim/v1/phones/+15555550163/conditions", {"roaming": True, "roaming_loses_every": 1})
    sign_in(page, world)
    body = {"username": "rio", "password": PASSWORD}
    assert requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code == 200
    lost = page.locator("[data-testid=feed-event][data-type='sms.sent']").filter(has_text="never arrived")
    expect(lost).to_contain_text("(roaming lost it)")
    expect(lost).to_have_class(re.compile(r"\bwarn\b"))


def test_a_line_on_another_day_shows_its_date(world: World, page: Any) -> None:
    """The feed's times are the emulated clock's: after +1 day a line read 10:00:05 under one of 10:00:09,
    as if out of order. A line on another day than today (or than the line before) shows its date too."""
    world.user("uma")
    sign_in(page, world)
    wrong = {"username": "uma", "password": "not-uma-password-1"}
    requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10)
    failed = page.locator("[data-testid=feed-event][data-type='login.password_failed']")
    expect(failed.locator(".feed-time")).to_have_text(
        re.compile(r"^\d\d:\d\d:\d\d$")
    )  # today: the time alone
    world.advance(86_400)
    requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10)
    expect(failed).to_have_count(2)
    expect(failed.first.locator(".feed-time")).to_have_text(
        re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d\d:\d\d:\d\d$")
    )

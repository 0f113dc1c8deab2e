"""The attacker's screen of a phishing relay (``/trainer/attacks/relay``), opened from the console's attack
card beside the console: a relay staged from the console shows on it as it happens, the number its push
needs, then the victim's wrong pick on her phone as number matching's stop. It follows the console's live
feed; between events it reads nothing, unless a relay waits on the victim's phone
(test_trainer_relay_expiry.py)."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from sls_server.store import connect

from .console_kit import attack_waiting, sign_in_trainer
from .pages_kit import PASSWORD, World


def test_a_relay_staged_from_the_console_shows_on_the_attacker_s_screen_live(
    world: World, page: Any, context: Any
) -> None:
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    sign_in_trainer(page, world)
    with context.expect_page() as opened:
        page.get_by_test_id("attack-relay-screen").click()
    screen = opened.value
    expect(screen.get_by_test_id("relay-none")).to_be_visible()
    expect(screen.get_by_test_id("relay-feed-state")).to_have_text("live")

    # her pick is still to come: not "The defences held." beside the screen's "Waiting for ivy to pick"
    attack_waiting(page, "ivy", "phishing_relay", PASSWORD)

    expect(screen.get_by_test_id("relay-outcome")).to_have_attribute("data-state", "waiting")
    expect(screen.get_by_test_id("relay-fake-tag")).to_have_text("Attacker's look-alike")
    expect(screen.get_by_test_id("relay-fake-address")).to_contain_text(".example/")
    expect(screen.get_by_test_id("relay-steps")).to_contain_text("Captured: username ivy, password ••••••••")
    number = screen.get_by_test_id("relay-number").inner_text().strip()
    assert PASSWORD not in screen.content()
    # the console's report says the number too (it lacked it: only the attacker's screen had it)
    expect(page.get_by_test_id("attack-number")).to_have_text(
        f"Number the victim must pick on their phone: {number}"
    )

    note = world.notifications(app)[0]
    assert number in note["candidates"]
    wrong = next(c for c in note["candidates"] if c != number)
    world.approve_push(app, wrong, status=401)  # the wrong number ends the login
    expect(screen.get_by_test_id("relay-outcome")).to_have_attribute("data-state", "stopped")
    expect(screen.get_by_test_id("relay-defence")).to_have_text("Defence: IB Key's number matching")
    expect(screen.get_by_test_id("relay-number")).to_have_count(0)


def test_the_victim_picking_the_relay_s_number_turns_the_console_s_verdict(
    world: World, page: Any, redis_url: str
) -> None:
    """The relay's push answered with the attacker's number: the console's pending verdict turns to the
    attacker's win, in the relay's words (she picked a number; a push bombing's victim "approved one")."""
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    sign_in_trainer(page, world)
    verdict = attack_waiting(page, "ivy", "phishing_relay", PASSWORD)
    expect(verdict).to_have_class(re.compile(r"\bneutral\b"))
    note = world.notifications(app)[0]
    # the number on the attacker's page: the test reads the login's record
    match = connect(redis_url).hget(f"sls:{{u:ivy}}:login:{note['txn_id']}", "match")
    assert match is not None
    world.approve_push(app, match)
    expect(verdict).to_have_text("ivy picked the attacker's number: the attacker is in.")
    expect(verdict).to_have_attribute("data-verdict", "attacker_got_in")
    expect(verdict).not_to_have_attribute("data-waiting", "true")


def test_the_relay_s_push_expiring_unanswered_turns_the_console_s_verdict_to_the_defences(
    world: World, page: Any
) -> None:
    """Nobody picks the number before the push expires (the server's clock moved past it): the console's
    pending verdict turns to "The defences held.", as the relay's screen says the notification expired."""
    world.user("ivy", "+15555550103")
    world.ibkey("ivy", "+15555550103")
    sign_in_trainer(page, world)
    verdict = attack_waiting(page, "ivy", "phishing_relay", PASSWORD)
    world.advance(600)  # past the push's life; the console reads the clock again on clock.changed
    expect(verdict).to_have_text("The defences held.")
    expect(verdict).not_to_have_attribute("data-waiting", "true")
    expect(verdict).to_have_class(re.compile(r"\bgood\b"))


def test_the_attacker_s_screen_fits_a_phone_s_width(world: World, page: Any) -> None:
    """At a phone's width the panes stack in one column; that column took the look-alike's long address as
    its least width (a grid track of ``1fr`` will not shrink below its content), and the victim's step, which
    names that address, did not break it: the page ran off the screen's right edge."""
    world.user("ivy", "+15555550103")
    world.ibkey("ivy", "+15555550103")
    sign_in_trainer(page, world)
    # The console's answer first: a page opened while the attack's POST is in flight may be served before
    # the relay is written (the navigation aborts the POST): "No phishing relay" on a loaded machine.
    attack_waiting(page, "ivy", "phishing_relay", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(world.url + "/trainer/attacks/relay")
    expect(page.get_by_test_id("relay-fake-address")).to_be_visible()
    wide, shown = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide <= shown, f"the page is {wide} px wide on a {shown} px screen"


def test_an_earlier_relay_s_late_pick_shows_on_the_attacker_s_screen_with_her_notice(
    world: World, page: Any, redis_url: str
) -> None:
    """ivy's relay waits on her phone while a relay on carl is staged: the screen kept only the last, so her
    pick showed nowhere. The earlier relay stays listed under the newest, and her late pick turns it to the
    attacker in, with the sign-in notice it texted her, live."""
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    world.user("carl", "+15555550101")
    world.device("carl", "totp")
    _signed_in_before(world, app, "ivy")
    sign_in_trainer(page, world)
    own = world.post(
        "/admin/v1/attacks", {"attack": "phishing_relay", "username": "ivy", "password": PASSWORD}
    )
    ivy_ip = own["waiting"]["ip"]
    world.post("/admin/v1/attacks", {"attack": "phishing_relay", "username": "carl", "password": PASSWORD})
    page.goto(world.url + "/trainer/attacks/relay")
    expect(page.get_by_test_id("relay-feed-state")).to_have_text("live")
    earlier = page.get_by_test_id("relay-earlier-run")
    expect(earlier).to_have_count(1)
    expect(earlier).to_have_attribute("data-state", "waiting")
    expect(earlier.get_by_test_id("relay-earlier-number")).to_have_text(
        f"(number {own['waiting']['number']})"
    )
    earlier.locator("summary").click()  # opened while it waits: her pick redraws it, still open
    world.approve_push(app, own["waiting"]["number"])  # the newest: her own login's is older
    expect(earlier).to_have_attribute("data-state", "got_in")
    expect(earlier).to_have_attribute("open", "")
    expect(earlier).to_contain_text(
        "The victim's phone got a text: \"Someone signed in to your account from a new location "
        f"(IP address {ivy_ip})."
    )


def _signed_in_before(world: World, app: str, name: str) -> None:
    """She logs in from her own address once, so a relay's address is a new place to her: its login texts
    her a sign-in notice naming it."""
    started = requests.post(
        world.url + "/api/v1/auth/login", json={"username": name, "password": PASSWORD}, timeout=10
    ).json()
    world.approve_push(app, started["factor"]["match"], only=True)
    polled = requests.get(
        f"{world.url}/api/v1/auth/login/{started['txn_id']}",
        headers={"X-Login-Token": started["login_token"]},
        timeout=10,
    ).json()
    assert polled["state"] == "authenticated", polled

"""Three controls of the trainer console in Chromium: ending the one session a trainer picks from a user's
panel, searching the audit trail (a filter, its pages, a refusal next to its field), and, in gateway mode,
setting and turning off the gateway's daily reset. Each checked against what ``/admin/v1`` then reports, and
the console with them walked as the accessibility tests walk every page."""

from __future__ import annotations

import re
from pprint import pformat
from typing import Any

import pytest
import requests
from gateway_process import sls_gateway  # noqa: F401 - the fixture
from playwright.sync_api import expect

from sls_server.event_types import EVENT_TYPES
from sls_server.sim.relay import RELAY_IP

from .a11y_kit import expect_tied_to, page_problems, weak_focus
from .console_kit import sign_in_trainer
from .pages_kit import PASSWORD, World, admin_get, log_in_over_the_api


def audit(page: Any) -> list[str]:
    """What tests/browser/test_accessibility_pages.py checks on every page, and the focus of every stop."""
    page.wait_for_load_state("networkidle")
    return page_problems(page) + weak_focus(page, 120)


def card_user(world: World, name: str, pin: str) -> str:
    world.user(name)
    return str(world.device(name, "dscplus", pin=pin)["device_id"])


def test_the_trainer_ends_the_one_session_picked_and_no_other(world: World, page: Any) -> None:
    carol, dana = card_user(world, "carol", "2468"), card_user(world, "dana", "1357")
    log_in_over_the_api(world, "carol", carol, "2468")
    log_in_over_the_api(world, "dana", dana, "1357")
    sign_in_trainer(page, world)
    (carols,) = [s["id"] for s in admin_get(world, "/users/carol/sessions")["sessions"]]
    page.get_by_test_id("trainer-manage-carol").click()
    expect(page.get_by_test_id(f"trainer-session-{carols}")).to_contain_text("Digital Security Card+")
    end = page.get_by_role("button", name=f"End carol's session {carols[:18]}")
    end.click()
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text(f"carol's session {carols[:18]} ended.")
    expect(page.get_by_test_id(f"trainer-session-{carols}")).to_have_count(0)
    expect(page.get_by_test_id("trainer-sessions-carol")).to_have_text("none")
    expect(page.get_by_test_id("trainer-sessions-dana")).to_have_text("1 live")
    assert admin_get(world, "/users/carol/sessions")["sessions"] == []
    assert len(admin_get(world, "/users/dana/sessions")["sessions"]) == 1
    expect(page.get_by_test_id("trainer-panel-carol")).to_be_visible()  # the redraw keeps the panel open


def test_the_trainer_finds_the_tries_at_a_name_no_user_has_by_that_name_and_never_sees_it(
    world: World, page: Any
) -> None:
    """The audit search by a name no user has finds the tries at it (the trail keeps its keyed reference, not
    the name), and shows the reference where the name would be, as the live feed does (``SLS.nameless``)."""
    world.user("carol")
    for name in ("Violet-Comet-2030", "Violet-Comet-2030", "dana"):
        requests.post(
            world.url + "/api/v1/auth/login", json={"username": name, "password": "x-x-x-x-x-1"}, timeout=10
        )
    sign_in_trainer(page, world)
    page.get_by_test_id("events-filter-user").fill("violet-comet-2030")
    page.get_by_test_id("events-filter-submit").click()
    rows = page.get_by_test_id("events-filter-event")
    expect(rows).to_have_count(2)
    for n in range(2):
        expect(rows.nth(n)).to_have_attribute("data-type", "login.password_failed")
        expect(rows.nth(n).get_by_test_id("events-filter-said")).to_have_text(
            re.compile(r"^Wrong password for a name no user has \(#[0-9a-f]{4}…\), from ")
        )
    assert len({rows.nth(n).get_by_test_id("events-filter-said").inner_text() for n in range(2)}) == 1, (
        "one name, one reference"
    )
    assert "violet-comet" not in page.get_by_test_id("events-filter-event").first.inner_text().lower()


def test_the_trainer_searches_the_audit_trail_pages_on_and_sees_a_refusal_by_its_field(
    world: World, page: Any
) -> None:
    for name in ("carol", "dana", "erin"):
        world.user(name)
    sign_in_trainer(page, world)
    page.get_by_test_id("events-filter-type").fill("user.created")
    page.get_by_test_id("events-filter-submit").click()
    rows = page.get_by_test_id("events-filter-event")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("events-filter-summary")).to_have_text("3 events (type user.created).")
    assert rows.nth(0).get_attribute("data-type") == "user.created"
    expect(rows.nth(0)).to_contain_text("carol")
    expect(page.get_by_test_id("events-filter-more")).to_be_hidden()

    page.get_by_test_id("events-filter-type").fill("user")  # a type is matched whole: offered the whole ones
    page.get_by_test_id("events-filter-submit").click()
    expect(page.get_by_test_id("events-filter-summary")).to_have_text(
        re.compile(r"^0 events \(type user\)\. A type is matched whole: .*\buser\.created\b.*\?$")
    )
    page.get_by_test_id("events-filter-type").fill("session")  # more types than named: the rest counted
    page.get_by_test_id("events-filter-submit").click()
    more = sum(t.startswith("session.") for t in EVENT_TYPES) - 8  # eight named (the closed list's count)
    assert more > 0
    expect(page.get_by_test_id("events-filter-summary")).to_have_text(
        re.compile(
            r"^0 events \(type session\)\. A type is matched whole: .*, "
            rf"or one of {more} more \(type more of the name\)\?$"
        )
    )
    expect(rows).to_have_count(0)
    page.get_by_test_id("events-filter-type").fill("user.crated")  # a typo within: the nearest type named
    page.get_by_test_id("events-filter-submit").click()
    expect(page.get_by_test_id("events-filter-summary")).to_have_text(
        "0 events (type user.crated). No event type is named so: did you mean user.created?"
    )

    page.get_by_test_id("events-filter-user").fill("Dana")
    page.get_by_test_id("events-filter-type").fill("")
    page.get_by_test_id("events-filter-limit").fill("1")
    page.get_by_test_id("events-filter-submit").click()
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_have_attribute("data-type", "user.created")
    dana = admin_get(world, "/events?user=dana")["events"]
    assert len(dana) == 1  # the page is full: there may be more
    more = page.get_by_test_id("events-filter-more")
    expect(more).to_be_visible()
    more.focus()
    page.keyboard.press("Enter")
    summary = page.get_by_test_id("events-filter-summary")
    expect(summary).to_have_text("0 events (user Dana) after the last page.")
    expect(rows).to_have_count(0)
    expect(page.get_by_test_id("events-filter-submit")).to_be_focused()  # not dropped to the top of the page

    user = page.get_by_test_id("events-filter-user")
    user.fill("not a user!")
    page.get_by_test_id("events-filter-submit").click()
    expect(page.get_by_test_id("events-filter-error-user")).to_have_text('"User" is not a valid username')
    expect_tied_to(user, page.get_by_test_id("events-filter-error-user"))
    page.get_by_test_id("events-filter-limit").fill("5000")
    user.fill("carol")
    page.get_by_test_id("events-filter-submit").click()
    expect(page.get_by_test_id("events-filter-error-limit")).to_have_text('"At most" must be at most 1000')
    expect(page.get_by_test_id("events-filter-error-user")).to_be_hidden()  # the earlier refusal is gone


def test_a_search_s_table_fits_the_page_at_1280_px(world: World, page: Any) -> None:
    """Its eight columns sat in the console's left column (754 px): the dates broke over three lines and
    the Detail column, raw JSON, was cut off behind a sideways scroll. It now has the page's width, an
    instant and a name keep to one line, and the detail wraps between its fields."""
    world.user("sam", phone="+15555550181")
    world.device("sam", "sms")
    body = {"attack": "sim_swap", "username": "sam", "password": PASSWORD}
    assert world.post("/admin/v1/attacks", body)["verdict"] == "attacker_got_in"
    sign_in_trainer(page, world)
    page.get_by_test_id("events-filter-user").fill("sam")
    page.get_by_test_id("events-filter-submit").click()
    rows = page.get_by_test_id("events-filter-event")
    code = rows.filter(has_text='"purpose": "login"')
    expect(code).to_have_count(1)
    result = page.get_by_test_id("events-filter-result")
    wide, shown = result.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert wide <= shown, f"the search's table is {wide} px wide in {shown} px: a sideways scroll"
    at = code.locator("td").first  # its text's lines, not the cell's height: the row is as tall as its fields
    lines = at.evaluate(
        "(el) => { const r = document.createRange(); r.selectNodeContents(el);"
        " return r.getClientRects().length; }"
    )
    assert lines == 1, "the instant is on one line"


def test_a_search_names_a_staged_attack_s_address_the_attacker_s(world: World, page: Any) -> None:
    """The live feed says "from 198.51.100.200 (attacker)"; the search's Address column gave the bare
    address, so a trainer looking back could not tell a relayed login's text from the user's own."""
    world.user("sam", phone="+15555550182")
    world.device("sam", "sms")
    body = {"attack": "phishing_relay", "username": "sam", "password": PASSWORD}
    assert world.post("/admin/v1/attacks", body)["verdict"] == "attacker_got_in"
    world.post("/api/v1/auth/login", {"username": "sam", "password": PASSWORD}, admin=False)  # the user's own
    sign_in_trainer(page, world)
    page.get_by_test_id("events-filter-type").fill("sms.sent")
    page.get_by_test_id("events-filter-submit").click()
    rows = page.get_by_test_id("events-filter-event").filter(has_text='"purpose": "login"')
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_test_id("events-filter-said")).to_have_text(
        f"Code texted to sam's phone, from {RELAY_IP} (attacker)"
    )
    expect(rows.nth(0)).to_have_attribute("data-tone", "attempt")
    expect(rows.nth(0).locator(".events-fields")).to_contain_text(f"from {RELAY_IP} (attacker)")
    expect(rows.nth(1).get_by_test_id("events-filter-said")).to_have_text(
        "Code texted to sam's phone, from 127.0.0.1"
    )
    expect(rows.nth(1)).to_have_attribute("data-tone", "")


def test_a_search_says_each_event_as_the_feed_does_coloured_by_its_meaning(world: World, page: Any) -> None:
    """The search's table gave the raw fields (a dotted type, the detail's JSON) where the live feed says a
    sentence coloured by meaning: a row now says the feed's sentence with its tone's label, the dotted type
    small beneath, both worded by the server's one table (``web/event_words.py``)."""
    world.user("bob")
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "bob"})
    sign_in_trainer(page, world)
    page.get_by_test_id("events-filter-user").fill("bob")
    page.get_by_test_id("events-filter-submit").click()
    locked = page.get_by_test_id("events-filter-event").and_(page.locator("[data-type='account.locked']"))
    expect(locked).to_have_count(1)
    expect(locked.get_by_test_id("events-filter-said")).to_have_text(
        "bob locked for 1 min after 5 wrong passwords, from 198.51.100.66 (attacker)"
    )
    expect(locked.get_by_test_id("events-filter-label")).to_have_text("defence")
    expect(locked).to_have_class(re.compile(r"\bdefence\b"))
    expect(locked.get_by_test_id("events-filter-type-name")).to_have_text("account.locked")
    small = locked.get_by_test_id("events-filter-type-name").evaluate(
        "(el) => parseFloat(getComputedStyle(el).fontSize)"
    )
    said = locked.get_by_test_id("events-filter-said").evaluate(
        "(el) => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert small < said, "the dotted type is small beside the sentence"
    failed = page.get_by_test_id("events-filter-event").and_(
        page.locator("[data-type='login.password_failed']")
    )
    expect(failed).to_have_count(5)
    expect(failed.first.get_by_test_id("events-filter-label")).to_have_text("attempt")
    expect(failed.first.get_by_test_id("events-filter-said")).to_have_text(
        "Wrong password for bob, from 198.51.100.66 (attacker)"
    )
    created = page.get_by_test_id("events-filter-event").and_(page.locator("[data-type='user.created']"))
    expect(created.get_by_test_id("events-filter-said")).to_have_text("User bob created")
    expect(created.get_by_test_id("events-filter-label")).to_have_count(0)  # neutral: no label, no colour


def test_the_console_with_its_session_and_search_controls_passes_the_accessibility_walk(
    world: World, page: Any
) -> None:
    carol = card_user(world, "carol", "2468")
    log_in_over_the_api(world, "carol", carol, "2468")
    sign_in_trainer(page, world)
    page.get_by_test_id("trainer-manage-carol").click()
    page.get_by_test_id("events-filter-user").fill("carol")
    page.get_by_test_id("events-filter-submit").click()
    expect(page.get_by_test_id("events-filter-event").first).to_be_visible()
    found = {"console: a session listed, a search's answer": audit(page)}
    page.get_by_test_id("events-filter-limit").fill("0")
    page.get_by_test_id("events-filter-submit").click()
    expect(page.get_by_test_id("events-filter-error-limit")).to_be_visible()
    found["console: a search refused"] = audit(page)
    failing = {label: problems for label, problems in found.items() if problems}
    assert not failing, pformat(failing, width=120)


@pytest.fixture
def gateway_world(browser: Any, sls_gateway: Any, admin_headers: dict[str, str]) -> World:  # noqa: F811
    return World(sls_gateway().url, admin_headers)


def gateway_state(world: World) -> Any:
    return requests.get(world.url + "/admin/v1/gateway", headers=world.admin, timeout=10).json()


def test_the_trainer_sets_the_gateway_s_daily_reset_and_turns_it_off(gateway_world: World, page: Any) -> None:
    world = gateway_world
    sign_in_trainer(page, world)  # its scripts run: a click before them submitted the form as a plain GET
    current = page.get_by_test_id("gateway-daily-reset-current")
    expect(current).to_have_text("none")
    field = page.get_by_test_id("gateway-daily-reset-at")
    field.fill("23:45")
    page.get_by_test_id("gateway-daily-reset-set").click()
    expect(current).to_have_text("23:45 UTC")
    expect(page.get_by_test_id("gateway-result")).to_contain_text("every day at 23:45 UTC")
    assert gateway_state(world)["daily_reset"] == "23:45"

    field.fill("25:00")
    page.get_by_test_id("gateway-daily-reset-set").click()
    error = page.get_by_test_id("gateway-daily-reset-error")
    expect(error).to_have_text('"Daily reset" must be HH:MM (UTC), 00:00 to 23:59')
    expect_tied_to(field, error)
    expect(current).to_have_text("23:45 UTC")
    assert gateway_state(world)["daily_reset"] == "23:45"
    found = {"console in gateway mode: a daily reset refused": audit(page)}

    page.get_by_test_id("gateway-daily-reset-off").click()
    expect(current).to_have_text("none")
    expect(error).to_be_hidden()
    expect(field).to_have_value("")
    assert gateway_state(world)["daily_reset"] is None
    page.reload()
    expect(page.get_by_test_id("gateway-daily-reset-current")).to_have_text("none")
    failing = {label: problems for label, problems in found.items() if problems}
    assert not failing, pformat(failing, width=120)

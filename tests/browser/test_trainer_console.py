"""The trainer console: signed in with the admin token once, a live feed fed by server-sent events, the
clock buttons, and a staged attack whose defences show in the feed and the users table."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import requests
from playwright.sync_api import expect

from sls_server.http.pages.feed import POLL_S, STREAM_S

from .console_kit import stage_attack
from .pages_kit import PASSWORD, World


def sign_in(page: Any, world: World) -> None:
    page.goto(world.url + "/trainer")
    page.get_by_test_id("trainer-token").fill("wrong-token-0000000000")
    page.get_by_test_id("trainer-sign-in").click()
    expect(page.get_by_test_id("trainer-error")).to_be_visible()
    page.get_by_test_id("trainer-token").fill(world.admin["Authorization"].removeprefix("Bearer "))
    page.get_by_test_id("trainer-sign-in").click()
    expect(page.get_by_test_id("feed-state")).to_have_text("live")


def test_the_feed_shows_a_new_event_within_a_second(world: World, page: Any) -> None:
    """Within a second is the open stream's doing: it reads the trail every ``POLL_S``. A bound of one second
    on the page tripped on a loaded machine, so the test holds the mechanism instead: the event came down the
    stream already open, no new one (a stream that ended, or a crowded feed's poll every
    ``CROWDED_RETRY_MS``, is a new request), within the default wait, well under ``STREAM_S``. A stream also
    ends on plan every ``STREAM_S``, and the browser opens the next: one such end between an attempt and its
    event (the machine stalled that long) is let pass once, and the next attempt, on the stream it opened,
    must come down it. A feed that opened a new request for each event fails both."""
    assert POLL_S < 1 < STREAM_S
    names = ("pete", "pia")
    for name in names:
        world.user(name)
    sign_in(page, world)
    streams: list[str] = []
    page.on("request", lambda sent: streams.append(sent.url) if "/trainer/events" in sent.url else None)
    for name in names:
        streams.clear()
        wrong = {"username": name, "password": "nope-nope-nope-1"}
        failed = requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10)
        assert failed.status_code == 401
        event = page.locator("[data-testid=feed-event][data-type='login.password_failed']", has_text=name)
        expect(event.first).to_be_visible()
        if not streams:
            break
    assert streams == [], "the event came with a stream opened after it, not down the live one"


def test_clock_buttons_move_the_server_clock(world: World, page: Any) -> None:
    sign_in(page, world)
    clock = requests.get(world.url + "/admin/v1/clock", headers=world.admin, timeout=10).json()
    assert clock["offset_s"] == 0, "an empty Redis: the clock was never moved"
    page.get_by_test_id("clock-plus-15m").click()
    expect(page.get_by_test_id("clock-offset")).to_have_text("offset +15 min")
    page.get_by_test_id("clock-plus-1d").click()
    expect(page.get_by_test_id("clock-offset")).to_have_text("offset +1 d 15 min")
    page.get_by_test_id("clock-reset").click()
    expect(page.get_by_test_id("clock-offset")).to_have_text("offset 0 s")
    moves = page.locator("[data-testid=feed-event][data-type='clock.moved']")
    expect(moves).to_have_count(3)
    expect(moves.nth(1)).to_contain_text("offset +1 d 15 min")  # newest first: the +1 day move


def test_freeze_stops_the_clock_shown_set_moves_it_and_a_thaw_made_elsewhere_shows(
    world: World, page: Any
) -> None:
    """A frozen server clock stands still on the card too (the card counted on from its last reading); Set
    takes the instant typed as UTC; the toggle follows ``sls clock --unfreeze``."""
    page.clock.install()
    sign_in(page, world)
    freeze = page.get_by_test_id("clock-freeze")
    expect(freeze).to_have_attribute("aria-pressed", "false")
    freeze.click()
    expect(freeze).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("clock-frozen")).to_be_visible()
    clock = requests.get(world.url + "/admin/v1/clock", headers=world.admin, timeout=10).json()
    assert clock["frozen"] is True
    shown = page.get_by_test_id("clock-now").inner_text()  # drawn with the answer that set aria-pressed
    page.clock.run_for(5_000)
    assert page.get_by_test_id("clock-now").inner_text() == shown  # read at once: no later answer to wait for
    page.get_by_test_id("clock-set-at").fill("2031-05-06T07:08:09")
    page.get_by_test_id("clock-set").click()
    expect(page.get_by_test_id("clock-now")).to_have_text("2031-05-06 07:08:09 UTC")  # read as UTC
    assert (
        requests.get(world.url + "/admin/v1/clock", headers=world.admin, timeout=10).json()["now"]
        == 1935817689
    )
    world.post("/admin/v1/clock", {"freeze": False})  # as sls clock --unfreeze
    expect(freeze).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_test_id("clock-frozen")).to_be_hidden()


def test_the_console_follows_clock_moves_made_elsewhere_and_the_locks_they_lift(
    world: World, page: Any
) -> None:
    """``sls clock``, the admin API or a scenario move the clock: the clock card and the table follow
    (a lock past its wait reads ok), with no reload."""
    world.user("quinn")
    world.device("quinn", "dscplus", pin="1234")
    sign_in(page, world)
    stage_attack(page, "quinn", "brute_force")
    expect(page.get_by_test_id("trainer-lock-quinn")).to_contain_text("locked")
    wait = page.locator("[data-testid=trainer-lock-quinn] [data-lock-ends]")
    expect(wait).to_have_text(re.compile(r"^(1\u00a0min|[1-5]?[0-9]\u00a0s)$"))  # never "52" / "s" apart
    locked = page.locator("[data-testid=feed-event][data-type='account.locked']").first
    expect(locked).to_contain_text("quinn locked for 1 min")
    world.advance(2 * 3600 + 60)
    expect(page.get_by_test_id("clock-offset")).to_have_text("offset +2 h 1 min")
    expect(page.get_by_test_id("trainer-lock-quinn")).to_contain_text("ok")


def test_the_lock_countdown_ticks_between_two_reads_of_the_table(world: World, page: Any) -> None:
    """The browser's clock is driven (Playwright's fake timers, paused), not waited for: once the table is
    read, the countdown moves on by the seconds the browser lives through, with no other read between."""
    world.user("ruth")
    world.device("ruth", "dscplus", pin="1234")
    page.clock.install()
    sign_in(page, world)
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 5)  # seconds, ahead of the page's clock
    stage_attack(page, "ruth", "brute_force")
    expect(page.get_by_test_id("attack-result")).to_contain_text("The defences held.")
    logged = requests.get(world.url + "/admin/v1/events", headers=world.admin, timeout=10).json()["events"]
    # no event left to redraw the table. An `events.summary` never redraws it, and one can come at any read:
    # the refusals' minute (SLS_EVENT_SUMMARY_WINDOW) may end between this read and the feed's next
    drawing = [e for e in logged if e["type"] != "events.summary"]
    expect(page.locator("[data-testid=feed-event]:not([data-type='events.summary'])")).to_have_count(
        len(drawing)
    )
    page.clock.run_for(400)  # the redraw those events asked for (a 300 ms debounce)
    wait = page.locator("[data-testid=trainer-lock-ruth] [data-lock-ends]")
    expect(wait).to_be_visible()
    read = int(wait.get_attribute("data-lock-ends") or 0) - server_now(page)
    page.clock.run_for(5_000)  # short of the console's own 10 s refresh
    expect(wait).to_have_text(spoken(read - 5))


def test_a_phishing_relay_staged_from_the_console_gets_in_with_the_card_response(
    world: World, page: Any
) -> None:
    """The relay needs the phished password (the field's hint says so); with it, the console's verdict and the
    feed show the attacker's session, which the real login service gave the relay's address."""
    world.user("vera")
    world.device("vera", "dscplus", pin="1234")
    sign_in(page, world)
    expect(page.locator("label[for=attack-password]")).to_contain_text("phishing relay")
    stage_attack(page, "vera", "phishing_relay")
    # the 400 names the field: its words beside it, the field marked and focused for the password
    expect(page.get_by_test_id("attack-password-error")).to_contain_text("needs the victim's password")
    expect(page.get_by_test_id("attack-password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("attack-password")).to_be_focused()
    page.get_by_test_id("attack-password").fill(PASSWORD)
    page.get_by_test_id("attack-run").click()
    expect(page.get_by_test_id("attack-result")).to_contain_text("The attacker got in.")
    expect(page.get_by_test_id("attack-password-error")).to_be_empty()
    expect(page.get_by_test_id("attack-password")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("attack-result")).to_contain_text("keyed their PIN and the challenge")
    succeeded = page.locator("[data-testid=feed-event][data-type='login.succeeded']")
    expect(succeeded.first).to_contain_text("198.51.100.200")


def test_a_locked_users_table_is_not_drawn_again_when_only_the_time_moved(world: World, page: Any) -> None:
    """The server said a lock's wait as read, so a table read a second later read otherwise, and every read
    (each event, every 10 s) drew the whole table again while anyone was locked: a screen reader's place in
    it lost, a control a test held gone under it. The clock moved (elsewhere, not on this page) is an event,
    so the table is read again: it is the same table, and the wait is 20 s shorter (of a lock of 1 min). The
    server's clock is frozen from before the table is drawn: running, the wait read also lost the real
    seconds between the draw and the read after the move, and a loaded machine's 4 left no text it allowed."""
    world.user("ruth")
    world.device("ruth", "dscplus", pin="1234")
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "ruth"})
    world.post("/admin/v1/clock", {"freeze": True})  # as sls clock --freeze: the lock's wait stands still
    sign_in(page, world)
    wait = page.locator("[data-testid=trainer-lock-ruth] [data-lock-ends]")
    expect(wait).to_be_visible()
    page.evaluate(
        """() => { window.redraws = 0; document.querySelector("[data-trainer]")
            .addEventListener("trainer:redraw", () => window.redraws++); }"""
    )
    table = page.get_by_test_id("trainer-users").element_handle()
    drawn_at = server_now(page)
    before = int(wait.get_attribute("data-lock-ends") or 0) - drawn_at
    world.advance(20)
    moved_to = datetime.fromtimestamp(drawn_at + 20, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    expect(page.get_by_test_id("clock-now")).to_have_text(moved_to)  # the table's read taught it
    assert page.evaluate("window.redraws") == 0
    assert table.evaluate("t => t.isConnected")
    expect(wait).to_have_text(spoken(before - 20))


def server_now(page: Any) -> int:
    """The server's clock as the users table was read (its ``data-clock-now``)."""
    return int(page.get_by_test_id("trainer-users").get_attribute("data-clock-now") or 0)


def spoken(seconds: int) -> str:
    """What the console shows for a wait (``SLS.duration``), with the no-break spaces it puts in."""
    minutes, secs = divmod(seconds, 60)
    said = f"{secs} s" if not minutes else f"{minutes} min" + (f" {secs} s" if secs else "")
    return said.replace(" ", "\u00a0")


def test_the_victim_list_follows_users_created_after_the_page_loaded(world: World, page: Any) -> None:
    world.user("pete")
    sign_in(page, world)
    page.get_by_test_id("attack-user").select_option("pete")
    world.user("zoe")
    expect(page.get_by_test_id("trainer-user-zoe")).to_be_visible()
    expect(page.get_by_test_id("attack-user").locator("option")).to_have_text(["pete", "zoe"])
    expect(page.get_by_test_id("attack-user")).to_have_value("pete")


def test_a_staged_brute_force_locks_the_account_and_the_feed_shows_it(world: World, page: Any) -> None:
    world.user("quinn")
    world.device("quinn", "dscplus", pin="1234")
    sign_in(page, world)
    expect(page.get_by_test_id("trainer-lock-quinn")).to_contain_text("ok")
    stage_attack(page, "quinn", "brute_force")
    expect(page.get_by_test_id("attack-result")).to_contain_text("The defences held.")
    expect(page.get_by_test_id("attack-result")).to_contain_text("account_locked")
    expect(page.locator("[data-testid=feed-event][data-type='account.locked']").first).to_be_visible()
    expect(page.get_by_test_id("trainer-lock-quinn")).to_contain_text("locked")
    page.get_by_test_id("trainer-unlock-quinn").click()
    expect(page.get_by_test_id("trainer-lock-quinn")).to_contain_text("ok")


def test_a_staged_sim_swap_reaches_an_sms_user_and_shows_the_attacker_handset(
    world: World, context: Any
) -> None:
    world.user("rosa", phone="+15555550171")
    world.device("rosa", "sms")
    console = context.new_page()
    sign_in(console, world)
    stage_attack(console, "rosa", "sim_swap", "plum-sketch-harbour-9")
    expect(console.get_by_test_id("attack-result")).to_contain_text("The attacker got in.")
    expect(console.locator("[data-testid=feed-event][data-type='login.succeeded']").first).to_contain_text(
        "198.51.100.99"
    )
    phone = context.new_page()
    phone.goto(world.url + "/sim/phone/rosa")
    expect(phone.get_by_test_id("phone-attacker")).to_be_visible()
    expect(phone.get_by_test_id("attacker-inbox").get_by_test_id("sms-code")).to_have_count(1)
    expect(phone.get_by_test_id("cond-sim-swapped")).to_be_checked()
    phone.get_by_test_id("cond-sim-swapped").uncheck()
    expect(phone.get_by_test_id("phone-attacker")).to_be_hidden()


def test_the_attacker_handset_says_which_number_each_text_and_call_was_meant_for(
    world: World, page: Any
) -> None:
    """Every swapped SIM lands in the one attacker handset: each message and call says whose number it was."""
    for name, phone, type_ in (("rosa", "+15555550171", "sms"), ("vic", "+15555550172", "voice")):
        world.user(name, phone=phone)
        world.device(name, type_)
        swapped = requests.put(
            f"{world.url}/sim/v1/phones/{phone}/conditions", json={"sim_swapped_to": "attacker"}, timeout=10
        )
        assert swapped.status_code == 200, swapped.text
        login = {"username": name, "password": PASSWORD}
        assert requests.post(world.url + "/api/v1/auth/login", json=login, timeout=10).status_code == 200
    page.goto(world.url + "/sim/phone/rosa")
    text = page.get_by_test_id("attacker-inbox").get_by_test_id("sms-message")
    expect(text).to_have_count(1)
    expect(text.get_by_test_id("msg-to")).to_have_text("Sent to +15555550171")
    call = page.get_by_test_id("attacker-calls").get_by_test_id("call-entry")
    expect(call).to_have_count(1)
    expect(call.get_by_test_id("msg-to")).to_have_text("Sent to +15555550172")
    expect(page.get_by_test_id("phone-victim").get_by_test_id("msg-to")).to_have_count(0)


def test_the_phished_password_is_forgotten_when_the_victim_changes_and_a_wrong_one_runs_no_attack(
    world: World, page: Any
) -> None:
    """A password typed for one victim is not tried against the next (it would count a failure there); one
    that is not the victim's gets a neutral verdict, never "The defences held"."""
    world.user("vera")
    world.user("walt")
    sign_in(page, world)
    page.get_by_test_id("attack-user").select_option("vera")
    page.get_by_test_id("attack-kind").select_option("phishing_relay")
    page.get_by_test_id("attack-password").fill(PASSWORD)
    page.get_by_test_id("attack-user").select_option("walt")
    expect(page.get_by_test_id("attack-password")).to_have_value("")
    page.get_by_test_id("attack-password").fill("Not-Walts-Password-7")
    page.get_by_test_id("attack-run").click()
    verdict = page.locator("[data-testid=attack-result] .verdict")
    expect(verdict).to_have_text("The attack could not run.")
    expect(verdict).to_have_attribute("data-verdict", "not_run")
    expect(page.get_by_test_id("attack-result")).to_contain_text("That is not walt's password")
    expect(page.get_by_test_id("attack-result")).to_contain_text("0 attempts.")  # no dangling "0 attempts:"


def test_set_with_no_instant_chosen_says_so_in_the_trainer_s_words(world: World, page: Any) -> None:
    """Set pressed before a date was picked answered with the API's words, "set_at is required: the instant
    to set the clock to": a name the page shows nowhere (its label reads "Set the clock to"). The several
    refusals of one form, in the status line, ran on with nothing between them."""
    sign_in(page, world)
    page.get_by_test_id("clock-set").click()
    said = "Choose the date and time to set the clock to (UTC)."
    expect(page.get_by_test_id("clock-set-error")).to_have_text(said)
    expect(page.get_by_test_id("clock-status")).to_have_text(said)
    expect(page.get_by_test_id("clock-set-at")).to_be_focused()
    page.get_by_test_id("add-user-submit").click()
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text(
        '"Username" is required; "Password" is required; "Card PIN" is required: the card\'s 4-digit PIN'
    )

"""The login page's refusals, the account page's automatic logoff (driven by the server's clock, never by
waiting), and step-up ("verify your identity") for a withdrawal and a new phone number."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from sls_server.store.embedded import EmbeddedRedis

from .pages_kit import (
    PASSWORD,
    World,
    ask_for_a_new_number,
    confirm_identity,
    log_in_with_card,
    log_in_with_password,
    verify_with_card,
)


def test_wrong_passwords_then_the_lockout_message_with_the_wait(world: World, page: Any) -> None:
    world.user("jack")
    world.device("jack", "dscplus", pin="1234")
    for _ in range(5):
        log_in_with_password(page, world.url, "jack", "not-the-password-1")
        expect(page.get_by_test_id("login-error")).to_contain_text("incorrect")
    log_in_with_password(page, world.url, "jack", PASSWORD)  # the right password, while locked
    expect(page.get_by_test_id("login-error")).to_contain_text("temporarily locked")
    expect(page.get_by_test_id("login-error")).to_contain_text(re.compile(r"Try again in \d+ (min|s)"))
    world.advance(3600)
    log_in_with_password(page, world.url, "jack", PASSWORD)
    expect(page.get_by_test_id("step-challenge")).to_be_visible()


def test_disabled_and_ip_restricted_accounts_are_told_so(world: World, page: Any) -> None:
    world.user("kate")
    world.device("kate", "dscplus", pin="1234")
    world.post("/admin/v1/users/kate/disable", {})
    log_in_with_password(page, world.url, "kate")
    expect(page.get_by_test_id("login-error")).to_contain_text("disabled")
    world.post("/admin/v1/users/kate/enable", {})
    world.user("liam")
    world.device("liam", "dscplus", pin="1234")
    answer = world.put("/admin/v1/users/liam/ip-allowlist", {"ip_allowlist": ["203.0.113.0/24"]})
    assert answer["ip_allowlist"]
    log_in_with_password(page, world.url, "liam")
    expect(page.get_by_test_id("login-error")).to_contain_text("IP Restrictions")


def test_automatic_logoff_warns_then_logs_off_when_the_clock_moves(world: World, page: Any) -> None:
    log_in_with_card(page, world, "mona")
    expect(page.get_by_test_id("session-countdown")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    expect(page.get_by_test_id("logoff-warning")).to_be_hidden()
    world.advance(14 * 60)
    expect(page.get_by_test_id("logoff-warning")).to_be_visible()
    page.get_by_test_id("stay-logged-in").click()  # activity: the countdown starts again
    expect(page.get_by_test_id("logoff-warning")).to_be_hidden()
    expect(page.get_by_test_id("session-countdown")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    world.advance(15 * 60 + 1)
    expect(page.get_by_test_id("logged-out-message")).to_contain_text("15 min of inactivity")
    page.goto(world.url + "/account")  # told again, not once: the browser still holds the ended session
    expect(page.get_by_test_id("logged-out-message")).to_contain_text("15 min of inactivity")
    page.get_by_role("link", name="Log in again").click()
    expect(page.get_by_test_id("login-username")).to_be_visible()


def test_withdrawal_asks_to_verify_identity_first(world: World, page: Any) -> None:
    card_id = log_in_with_card(page, world, "nina", pin="8642")
    page.get_by_test_id("withdraw-amount").fill("2500")
    page.get_by_test_id("withdraw-submit").click()
    confirm_identity(page, "nina", "not-the-password")  # as at the broker: the password first
    expect(page.get_by_test_id("step-error")).to_contain_text("username or password you entered is incorrect")
    expect(page.get_by_test_id("step-challenge")).to_have_count(0)
    confirm_identity(page, "nina")
    challenge = page.get_by_test_id("step-challenge").inner_text()
    page.get_by_test_id("step-response").fill("00000000")
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("step-error")).to_contain_text("not valid")
    page.get_by_test_id("step-response").fill(world.card_response(card_id, "8642", challenge))
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("account-done")).to_contain_text("withdrawal request was accepted")


def test_changing_the_phone_number_needs_a_step_up_and_the_code_sent_to_it(world: World, page: Any) -> None:
    card_id = log_in_with_card(page, world, "omar", pin="1593")
    ask_for_a_new_number(page, world, "omar", card_id, "1593", "+15555550199")
    expect(page.get_by_test_id("account-done")).to_contain_text("We sent a code to +1•••••••0199")
    expect(page.get_by_test_id("phone-pending")).to_have_text("+1•••••••0199")
    texted = [m for m in world.messages("+15555550199") if m["purpose"] == "phone_change"]
    assert len(texted) == 1 and world.phone_of("omar") == "+15555550160"  # not changed yet
    phone = page.context.new_page()  # the person holds the new SIM too: its text shows on their phone
    phone.goto(world.url + "/sim/phone/omar")
    on_the_phone = phone.get_by_test_id("sms-message").filter(has_text="Sent to +15555550199")
    expect(on_the_phone).to_have_count(1)
    code = on_the_phone.get_by_test_id("sms-code").inner_text()
    assert code == texted[0]["code"]

    page.get_by_test_id("phone-code").fill(f"{(int(code) + 1) % 10**6:06d}")
    page.get_by_test_id("phone-confirm").click()
    expect(page.get_by_test_id("account-message")).to_contain_text("not valid. 4 attempts left")
    expect(page.get_by_test_id("phone-code")).to_have_attribute("aria-invalid", "true")
    page.reload()  # the refusal was told once; a reload sends no code again
    expect(page.get_by_test_id("account-message")).to_have_count(0)

    page.get_by_test_id("phone-code").fill(code)
    page.get_by_test_id("phone-confirm").click()
    expect(page.get_by_test_id("account-done")).to_contain_text("phone number was changed")
    expect(page.get_by_test_id("phone-new")).to_be_visible()  # the number's own form again
    assert world.phone_of("omar") == "+15555550199"
    assert any("was changed" in m["text"] for m in world.messages("+15555550199"))
    assert any("was changed" in m["text"] for m in world.messages("+15555550160"))


def test_a_redis_outage_is_not_a_logout_on_the_account_page(
    sls_serve: Callable[..., Any], admin_headers: dict[str, str], tmp_path: Path, page: Any
) -> None:
    """The countdown's poll answered 503: the page says it cannot check, stays, and goes on once Redis is
    back (it used to read the 503 as "ended" and send the user to the logged-out page)."""
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()
    try:
        server = sls_serve(workers=1, redis=own.url, SLS_REDIS_TIMEOUT="0.5")
        log_in_with_card(page, World(server.url, admin_headers), "uma")
        own.stop()
        expect(page.get_by_test_id("session-unavailable")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/account$"))
        own.start()
        expect(page.get_by_test_id("session-unavailable")).to_be_hidden()
        expect(page.get_by_test_id("account-username")).to_have_text("uma")
    finally:
        own.stop()


def test_the_verified_line_goes_when_the_step_up_is_no_longer_fresh(world: World, page: Any) -> None:
    """A withdrawal spends its step-up (one step-up, one withdrawal): the line never shows it, and the next
    withdrawal asks again. A password change's lasts SLS_STEPUP_VALIDITY, and the line goes with it."""
    card_id = log_in_with_card(page, world, "vera", pin="2580")
    page.get_by_test_id("withdraw-amount").fill("100")
    page.get_by_test_id("withdraw-submit").click()
    verify_with_card(page, world, "vera", card_id, "2580")
    expect(page.get_by_test_id("account-done")).to_contain_text("withdrawal request was accepted")
    expect(page.get_by_test_id("account-verified")).to_be_hidden()
    page.get_by_test_id("withdraw-amount").fill("100")
    page.get_by_test_id("withdraw-submit").click()
    expect(page.get_by_test_id("verify-title")).to_have_text("Verify your identity")
    page.goto(f"{world.url}/account")
    page.get_by_test_id("password-start").click()
    verify_with_card(page, world, "vera", card_id, "2580")
    verified = page.get_by_test_id("account-verified")
    # In the user's words, not the API's purpose ("Identity verified for: change_security" was jargon).
    expect(verified).to_contain_text("your password, IP Restrictions and other sessions")
    expect(verified).not_to_contain_text("change_security")
    world.advance(2 * 60)  # the countdown's poll redraws the line: in the same words
    expect(page.get_by_test_id("session-countdown")).to_contain_text(re.compile(r"1[23]:"))
    expect(verified).to_contain_text("your password, IP Restrictions and other sessions")
    expect(verified).not_to_contain_text("change_security")
    world.advance(3 * 60 + 1)  # past SLS_STEPUP_VALIDITY (5 min), well within the idle timeout
    expect(page.get_by_test_id("account-verified")).to_be_hidden()
    expect(page.get_by_test_id("account-username")).to_have_text("vera")


def test_near_the_maximum_length_the_warning_offers_no_stay_logged_in(
    sls_serve: Callable[..., Any], admin_headers: dict[str, str], page: Any
) -> None:
    """Activity cannot outlast the session's maximum length: the warning used to promise a logoff "after
    15 min of inactivity" and offer Stay logged in, which extended nothing."""
    server = sls_serve(workers=1, SLS_ABSOLUTE_TIMEOUT="1200")  # 20 min; idle stays 15
    world = World(server.url, admin_headers)
    log_in_with_card(page, world, "nora")
    world.advance(10 * 60)
    page.reload()  # activity: the idle end is now capped at the maximum length, 10 min away
    world.advance(9 * 60)
    warning = page.get_by_test_id("logoff-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("maximum length of 20 min")
    expect(page.get_by_test_id("logoff-warning-limit")).to_be_visible()  # the text above counts hidden spans
    expect(page.get_by_test_id("logoff-warning-idle")).to_be_hidden()
    expect(page.get_by_test_id("stay-logged-in")).to_be_hidden()
    expect(warning).to_be_focused()


#: The page's clock as a slow CPU reads it: every reading at least a millisecond after the one before.
SLOW_CLOCK = """(() => {
  const read = Date.now.bind(Date);
  let last = 0;
  Date.now = () => (last = Math.max(read(), last + 1));
})();"""


def test_two_ends_equal_on_the_server_are_equal_on_a_slow_page(
    sls_serve: Callable[..., Any], admin_headers: dict[str, str], page: Any
) -> None:
    """The page set the idle end and the maximum length's from two readings of its clock: a millisecond
    between them (a loaded machine) made the capped idle end look a millisecond before the maximum length,
    and the warning offered Stay logged in and focused it, then hid it under the focus when the next answer
    was read in one millisecond (the test above, once, under a load of 8: "expected to be focused")."""
    server = sls_serve(workers=1, SLS_ABSOLUTE_TIMEOUT="1200")  # 20 min; idle stays 15
    world = World(server.url, admin_headers)
    page.context.add_init_script(SLOW_CLOCK)
    log_in_with_card(page, world, "nora")
    world.advance(10 * 60)
    page.reload()  # the idle end is capped at the maximum length, 10 min away
    world.advance(9 * 60)
    warning = page.get_by_test_id("logoff-warning")
    expect(warning).to_be_visible()
    expect(page.get_by_test_id("logoff-warning-limit")).to_be_visible()
    expect(page.get_by_test_id("stay-logged-in")).to_be_hidden()
    expect(warning).to_be_focused()


def test_a_warning_that_comes_to_the_maximum_length_keeps_the_focus(
    sls_serve: Callable[..., Any], admin_headers: dict[str, str], context: Any
) -> None:
    """Activity in another tab can move the idle end to the maximum length while the inactivity warning is
    shown: its Stay logged in, which had the focus, hid under it and the focus fell to the page's body, out
    of the dialog a keyboard or screen reader user was answering."""
    server = sls_serve(workers=1, SLS_ABSOLUTE_TIMEOUT="1200")  # 20 min; idle 15, warned 2 min before
    world = World(server.url, admin_headers)
    page = context.new_page()
    log_in_with_card(page, world, "nora")
    world.advance(270)
    page.reload()  # activity: the idle end at 19:30, half a minute before the maximum length
    world.advance(820)  # 18:10: 80 s of inactivity left
    stay = page.get_by_test_id("stay-logged-in")
    expect(page.get_by_test_id("logoff-warning-idle")).to_be_visible()
    expect(stay).to_be_focused()
    context.new_page().goto(f"{world.url}/account")  # activity: the idle end moves to the maximum length
    warning = page.get_by_test_id("logoff-warning")
    expect(page.get_by_test_id("logoff-warning-limit")).to_be_visible()  # the next answer the page reads
    expect(stay).to_be_hidden()
    expect(warning).to_be_focused()


def test_a_wrong_number_picked_for_a_step_up_is_said_as_such(world: World, context: Any) -> None:
    """Verify your identity by IB Key push, and a wrong number picked in the app: the page said "The
    notification expired", though it was number matching that ended the verification."""
    world.user("ivan", phone="+15555550146")
    world.ibkey("ivan", "+15555550146", pin="24ab")
    page = context.new_page()
    phone = context.new_page()
    phone.goto(f"{world.url}/sim/phone/ivan")
    phone.get_by_test_id("phone-tab-ibkey").click()

    def pick(right: bool) -> None:
        match = page.get_by_test_id("push-match").inner_text()
        expect(phone.get_by_test_id("ibkey-notification")).to_have_count(1)
        phone.get_by_test_id("ibkey-pin").fill("24ab")
        shown = f"[data-match='{match}']" if right else f"[data-match]:not([data-match='{match}'])"
        phone.locator(shown).first.click()

    log_in_with_password(page, world.url, "ivan")
    pick(right=True)
    expect(page.get_by_test_id("account-username")).to_have_text("ivan")
    page.get_by_test_id("withdraw-amount").fill("2500")
    page.get_by_test_id("withdraw-submit").click()
    confirm_identity(page, "ivan")
    pick(right=False)
    expect(page.get_by_test_id("push-status")).to_have_text(
        "The number selected on your phone was not this one, so this verification has ended."
    )

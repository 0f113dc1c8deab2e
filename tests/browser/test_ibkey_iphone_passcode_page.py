"""The phone page's IBKR Mobile on an iPhone without Face ID set up: the seed's "If Touch ID has not been
activated, IB Key will prompt you to enter your smartphone's passcode". The page shows a passcode keypad; a
wrong passcode is refused on the phone (the login still waits), the right one approves; the iPhone's
Settings set Face ID up or remove it."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World
from .phone_poll_kit import count_states, hold_next_poll, states_drawn

PASSCODE = "482916"


def _iphone(world: World, name: str, phone: str, **unlock: Any) -> str:
    world.user(name, phone=phone)
    return world.iphone_ibkey(name, phone, **unlock)


def _type(page: Any, digits: str) -> None:
    for digit in digits:
        page.get_by_test_id(f"ibkey-passcode-key-{digit}").click()


def test_a_push_is_approved_with_the_passcode_keyed_on_the_iphones_keypad(world: World, page: Any) -> None:
    _iphone(world, "quinn", "+15555550174", passcode=PASSCODE)
    started = requests.post(
        f"{world.url}/api/v1/auth/login", json={"username": "quinn", "password": PASSWORD}, timeout=10
    ).json()
    match = started["factor"]["match"]
    poll = {"X-Login-Token": started["login_token"]}

    def state() -> str:
        url = f"{world.url}/api/v1/auth/login/{started['txn_id']}"
        return str(requests.get(url, headers=poll, timeout=10).json()["state"])

    page.goto(f"{world.url}/sim/phone/quinn")
    page.get_by_test_id("phone-tab-ibkey").click()
    expect(page.get_by_test_id("ibkey-passcode-keypad")).to_be_visible()
    expect(page.get_by_text("Touch ID / Face ID is not set up on this iPhone")).to_be_visible()
    expect(page.get_by_text("Face ID unlocks this app")).to_be_hidden()
    expect(page.get_by_test_id("ibkey-pin")).to_be_hidden()

    page.get_by_test_id(f"ibkey-match-{match}").click()  # nothing keyed yet
    expect(page.get_by_test_id("ibkey-message")).to_have_text("Enter your iPhone passcode first.")
    _type(page, "000000")
    page.get_by_test_id(f"ibkey-match-{match}").click()
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("Wrong iPhone passcode")
    assert state() == "pending"  # refused on the phone: the login never heard of it

    for _ in range(6):
        page.get_by_test_id("ibkey-passcode-delete").click()
    expect(page.get_by_test_id("ibkey-passcode")).to_have_value("")
    _type(page, PASSCODE)
    page.get_by_test_id(f"ibkey-match-{match}").click()
    expect(page.get_by_test_id("ibkey-message")).to_have_text("Passcode accepted. Approved.")
    assert state() == "authenticated"


def test_face_id_removed_in_the_iphones_settings_brings_the_keypad(world: World, page: Any) -> None:
    _iphone(world, "rhea", "+15555550175", biometric=True)
    page.goto(f"{world.url}/sim/phone/rhea")
    page.get_by_test_id("phone-tab-ibkey").click()
    expect(page.get_by_text("Face ID unlocks this app")).to_be_visible()
    expect(page.get_by_test_id("ibkey-passcode-keypad")).to_be_hidden()
    page.get_by_test_id("ibkey-biometrics-toggle").click()
    expect(page.get_by_test_id("ibkey-biometrics-enabled")).to_be_checked()
    page.get_by_test_id("ibkey-biometrics-enabled").uncheck()
    page.get_by_test_id("ibkey-biometrics-passcode").fill(PASSCODE)
    # A poll lands between the edit and Save (as on a loaded machine): it drew the stored "Face ID set up"
    # over the unsaved untick, the focus being in the passcode field, and Save sent Face ID on.
    count_states(page)
    states_drawn(page, 1)
    expect(page.get_by_test_id("ibkey-biometrics-enabled")).not_to_be_checked()
    page.get_by_test_id("ibkey-biometrics-save").click()
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("asks for the iPhone passcode")
    expect(page.get_by_test_id("ibkey-passcode-keypad")).to_be_visible()
    expect(page.get_by_text("Face ID unlocks this app")).to_be_hidden()


def test_a_poll_asked_before_a_switch_was_saved_does_not_undo_it(world: World, page: Any) -> None:
    """A poll answered with the state from before the notifications switch was saved, landing after the save's
    answer (a slow link), is dropped: it drew the switch back on, the focus having left it."""
    _iphone(world, "sage", "+15555550176", biometric=True)
    page.goto(f"{world.url}/sim/phone/sage")
    page.get_by_test_id("phone-tab-ibkey").click()
    toggle = page.get_by_test_id("ibkey-notifications-toggle")
    expect(toggle).to_be_checked()
    state_url = f"{world.url}/sim/phone/sage/state"
    before = page.request.get(state_url)  # the state from before the switch is saved: the held poll's answer
    assert before.ok and before.json()["ibkey"]["app"]["notifications"] is True
    held = hold_next_poll(page, state_url)
    count_states(page)
    toggle.uncheck()
    expect(page.get_by_test_id("ibkey-message")).to_have_text("Notifications off: use Generate Response.")
    states_drawn(page, 1)  # the save's own refresh
    page.get_by_test_id("ibkey-notifications-heading").focus()  # the focus leaves the switch
    count_states(page)
    held.fulfill(status=200, content_type="application/json", body=before.body())
    # the stale answer without the fix, the next poll with it; read once, not retried: the poll after the
    # stale one would draw the switch right again
    assert states_drawn(page, 1) == 1 and not toggle.is_checked()

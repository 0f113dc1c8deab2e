"""The simulated phone's toggle "IBKR Mobile approves every notification by itself" (the phone condition
``approves_pushes``): switched on on the phone page, the next login's push is approved with nobody touching
the phone, and the login page moves on by itself; switched off, the push waits again."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import World, log_in_with_password

NUMBER = "+15555550146"


def test_the_toggle_lets_a_login_through_unattended_and_off_it_waits(world: World, context: Any) -> None:
    world.user("ines", phone=NUMBER)
    app = world.ibkey("ines", NUMBER, pin="24ab")
    phone = context.new_page()
    phone.goto(f"{world.url}/sim/phone/ines")
    toggle = phone.get_by_test_id("cond-approves-pushes")
    expect(toggle).not_to_be_checked()
    toggle.check()
    expect(phone.get_by_test_id("cond-summary")).to_contain_text(
        "IBKR Mobile approves every notification by itself"
    )
    shown = requests.get(f"{world.url}/sim/v1/phones/{NUMBER}/conditions", headers=world.sim, timeout=10)
    assert shown.json()["approves_pushes"] is True

    login = context.new_page()
    log_in_with_password(login, world.url, "ines")
    expect(login.get_by_test_id("account-username")).to_have_text("ines")  # nobody approved on the phone
    assert world.notifications(app) == []

    phone.reload()
    expect(phone.get_by_test_id("cond-approves-pushes")).to_be_checked()  # the server kept it
    phone.get_by_test_id("cond-approves-pushes").uncheck()
    expect(phone.get_by_test_id("cond-summary")).to_have_text("Normal network.")
    again = context.new_page()
    log_in_with_password(again, world.url, "ines")
    expect(again.get_by_test_id("push-status")).to_contain_text("Waiting")
    assert len(world.notifications(app)) == 1

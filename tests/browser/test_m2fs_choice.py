"""M2FS on the login page in Chromium: a user whose last login was by SMS, holding a card too, is asked
which device first, with SMS (her default) offered checked, and her phone gets a code only once she goes on
with SMS. It used to be texted as the chooser opened, so choosing the card left a text on her phone and spent
the SMS send limit (``tests/api/test_m2fs_text_on_choice.py`` holds the limit and the gateway's page)."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World, choose_device, log_in_with_password

PHONE = "+15555550151"


def sms_by_default(world: World) -> None:
    """Nell holds her phone and a card, and logged in last by SMS (over the API): SMS is her default."""
    world.user("nell", phone=PHONE)
    world.device("nell", "sms")
    world.device("nell", "dscplus", pin="2468")
    started = world.post("/api/v1/auth/login", {"username": "nell", "password": PASSWORD}, admin=False)
    bound = {"X-Login-Token": started["login_token"]}
    base = f"{world.url}/api/v1/auth/login/{started['txn_id']}"
    assert requests.post(f"{base}/factor", json={"type": "sms"}, headers=bound, timeout=10).status_code == 200
    code = codes(world)[0]
    done = requests.post(f"{base}/verify", json={"response": code}, headers=bound, timeout=10)
    assert done.status_code == 200, done.text


def codes(world: World) -> list[str]:
    return [m["code"] for m in world.messages(PHONE) if m["code"]]


def test_the_chooser_texts_nothing_until_sms_is_confirmed(world: World, page: Any) -> None:
    sms_by_default(world)
    log_in_with_password(page, world.url, "nell")
    expect(page.get_by_role("heading", name="Select Second Factor Device")).to_be_visible()
    expect(page.get_by_test_id("factor-option-sms")).to_be_checked()  # her default, offered first
    assert len(codes(world)) == 1  # the chooser is shown and nothing was texted

    choose_device(page, "dscplus")  # the card: never a text
    assert len(codes(world)) == 1

    log_in_with_password(page, world.url, "nell")  # again, and this time she goes on with SMS
    expect(page.get_by_test_id("factor-option-sms")).to_be_checked()
    page.get_by_test_id("factor-select-submit").click()
    expect(page.get_by_test_id("sms-sent-to")).to_contain_text("+1•••••••0151")
    expect(page.get_by_test_id("step-notice")).to_have_count(0)  # the first code: not called "new"
    assert len(codes(world)) == 2
    page.get_by_test_id("step-response").fill(codes(world)[0])
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("account-username")).to_have_text("nell")

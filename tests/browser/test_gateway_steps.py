"""Gateway mode's second-factor steps as the real login page shows them to a person and to the scripts that
drive it: each step's title names its device (the code and device-list steps were both "Second factor"), and
each step stands in the block and form the real page uses for that device, which gateway-driving scripts
look for (``.xyzblock-silver`` and ``form.xyzform-silver`` for a texted code, ``.xyzblock-bronze`` for the
card, ``.xyzblock-notification`` with ``.xyz-resendnotification`` and ``.xyz-showchallenge``, *Log in with
Challenge/Response*, for IB Key's push, the challenge in ``.xyz-goldchallenge`` and the response typed into
``form.xyzform-gold``), while IBeam's defaults (``#twofactbase``, ``#xyz-field-bronze-response``) still
work. Against a real ``sls gateway`` process."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from . import gateway_kit
from .pages_kit import PASSWORD, World, loaded

# the gateway and its world (bound, not imported: a test's `world` parameter is no redefinition)
gateway, sls_gateway, world = gateway_kit.gateway, gateway_kit.sls_gateway, gateway_kit.world

AUTH_ROUTE = "/sso/Login?forwardTo=22&RL=1&ip2loc=on"
SUCCESS = "Client login succeeds"
SUFFIX = " · SLS Emulator (gateway mode)"


def submit_password(page: Any, url: str, username: str) -> None:
    page.goto(url + AUTH_ROUTE)
    page.locator(".login input[name=username]").fill(username)
    page.locator(".login input[name=password]").fill(PASSWORD)
    page.locator("button.btn.btn-lg.btn-primary.xyz-button-login").click()


def test_each_step_is_titled_by_its_device(world: World, page: Any) -> None:
    world.user("cora", phone="+15555550171")
    world.device("cora", "dscplus", pin="2468")
    world.user("stan", phone="+15555550172")
    world.device("stan", "sms")
    world.user("tara", phone="+15555550173")
    world.device("tara", "dscplus", pin="1357")
    world.device("tara", "totp")
    world.user("ivan", phone="+15555550174")
    world.ibkey("ivan", "+15555550174", pin="24ab")
    titles: dict[str, str] = {}
    submit_password(page, world.url, "cora")
    expect(page.locator("#twofactbase")).to_be_visible()
    titles["card"] = page.title()
    submit_password(page, world.url, "stan")
    expect(page.locator("#twofactbase")).to_be_visible()
    titles["sms"] = page.title()
    submit_password(page, world.url, "tara")
    loaded(page.locator("select"))  # gateway.js submits the pick
    titles["device list"] = page.title()
    page.locator("select").select_option(label="Mobile Authenticator App")
    expect(page.locator("#twofactbase")).to_be_visible()
    titles["app"] = page.title()
    submit_password(page, world.url, "ivan")
    expect(page.locator("#xyz-ibkey-match")).to_be_visible()
    titles["push"] = page.title()
    page.locator(".xyz-showchallenge").click()
    expect(page.locator("#twofactbase")).to_be_visible()
    titles["IB Key challenge"] = page.title()
    assert titles == {
        "card": "Client Portal Login: Security Code Card" + SUFFIX,
        "sms": "Client Portal Login: SMS" + SUFFIX,
        "device list": "Client Portal Login: Select Second Factor Device" + SUFFIX,
        "app": "Client Portal Login: Mobile Authenticator App" + SUFFIX,
        "push": "Client Portal Login: IB Key notification" + SUFFIX,
        "IB Key challenge": "Client Portal Login: IB Key Challenge/Response" + SUFFIX,
    }, titles


def test_a_texted_code_in_the_silver_block_and_the_card_in_the_bronze(world: World, page: Any) -> None:
    """A script written for the real page's SMS step types into ``.xyz-silver-response`` and submits
    ``form.xyzform-silver``; IBeam's default field is the same one (``#xyz-field-bronze-response``). Its
    new code's button says the newer page's ``Resend SMS`` (scripts find it by ``.xyz-resend-sms-button``)."""
    world.user("sid", phone="+15555550175")
    world.device("sid", "sms")
    submit_password(page, world.url, "sid")
    block = page.locator("#twofactbase.xyzblock.xyzblock-silver")
    expect(block).to_be_visible()
    expect(block.get_by_label("Security Code")).to_have_id("xyz-field-bronze-response")
    expect(block.locator("button.xyz-resend-sms-button")).to_have_text("Resend SMS")  # the newer page's words
    code = requests.get(
        f"{world.url}/sim/v1/outbox/latest-code", params={"user": "sid", "wait": 10}, timeout=20
    ).text
    page.locator("form.xyzform-silver .xyz-silver-response").fill(code)
    page.locator("form.xyzform-silver button[type=submit]").click()
    expect(page.locator("body")).to_contain_text(SUCCESS)

    world.user("cody")
    card = world.device("cody", "dscplus", pin="2468")
    submit_password(page, world.url, "cody")
    block = page.locator("#twofactbase.xyzblock.xyzblock-bronze")
    expect(block).to_be_visible()
    challenge = block.locator(".xyz-challenge").inner_text()
    field = block.locator("form.xyzform-bronze #xyz-field-bronze-response.xyz-bronze-response")
    expect(block.get_by_label("Response")).to_have_id("xyz-field-bronze-response")
    field.fill(world.card_response(card["device_id"], "2468", challenge))
    field.press("Enter")
    expect(page.locator("body")).to_contain_text(SUCCESS)


def test_ib_key_push_then_log_in_with_challenge_response(world: World, page: Any) -> None:
    """The push waits in ``.xyzblock-notification``; *Log in with Challenge/Response* (``.xyz-showchallenge``)
    turns it into IB Key's challenge, shown in ``.xyz-goldchallenge``, answered in ``form.xyzform-gold``."""
    world.user("ines", phone="+15555550176")
    app = world.ibkey("ines", "+15555550176", pin="24ab")
    submit_password(page, world.url, "ines")
    push = page.locator(".xyzblock.xyzblock-notification")
    expect(push).to_be_visible()
    expect(push.locator("a.xyz-resendnotification")).to_have_text("Resend notification")
    page.locator(".xyz-showchallenge > small").click()  # how scripts find it on the real page
    block = page.locator("#twofactbase.xyzblock-gold")
    expect(block).to_be_visible()
    expect(page.locator(".xyzblock-notification")).to_have_count(0)
    challenge = block.locator(".xyz-goldchallenge").inner_text()
    assert re.fullmatch(r"[0-9]{6}", challenge), challenge
    expect(block.get_by_label("Response String")).to_have_id("xyz-field-bronze-response")
    body = {"challenge": challenge, "pin": "24ab"}
    response = world.post(f"/sim/v1/ibkey/{app}/respond", body, admin=False)["response"]
    page.locator("form.xyzform-gold .xyz-gold-response").fill(str(response))
    page.locator("form.xyzform-gold .xyz-gold-response").press("Enter")
    expect(page.locator("body")).to_contain_text(SUCCESS)

""" "Migrate IB Key" from the phone page, as the broker's procedure does it on the new phone: log in, migrate,
then activate with the Activation Token texted to the number IB Key was activated with. Before, a migration
could only be started over ``/sim/v1`` or the CLI; the page only showed one already started."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World


def _ibkeys(world: World, name: str) -> dict[str, str]:
    url = f"{world.url}/admin/v1/users/{name}/devices"
    listed = requests.get(url, headers=world.admin, timeout=10).json()["devices"]
    return {d["device_id"]: d["status"] for d in listed if d["type"] == "ibkey"}


def test_migrate_ib_key_to_an_iphone_from_the_phone_page(world: World, page: Any) -> None:
    world.user("remy", phone="+15555550181")
    old = world.ibkey("remy", "+15555550181")  # active on an Android phone
    page.goto(f"{world.url}/sim/phone/remy")
    page.get_by_test_id("phone-tab-ibkey").click()
    page.get_by_test_id("ibkey-migrate-toggle").click()
    page.get_by_test_id("ibkey-migrate-platform").select_option("ios")
    page.get_by_test_id("ibkey-migrate-password").fill("not-the-password-1")
    page.get_by_test_id("ibkey-migrate-submit").click()
    expect(page.get_by_test_id("ibkey-message")).to_have_class("app-message app-error")
    assert list(_ibkeys(world, "remy").values()) == ["active"], "a wrong password starts nothing"

    page.get_by_test_id("ibkey-migrate-password").fill(PASSWORD)
    page.get_by_test_id("ibkey-migrate-submit").click()
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("Activation Token was texted to")
    form = page.get_by_test_id("ibkey-activate-form")
    expect(form).to_contain_text("Migrate IB Key to this phone")
    token = world.activation_code("+15555550181")
    form.get_by_test_id("ibkey-activate-password").fill(PASSWORD)
    form.get_by_test_id("ibkey-activate-code").fill(token)
    form.get_by_test_id("ibkey-activate-submit").click()  # an iPhone: Face ID, no PIN to choose
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("the old phone no longer works")
    statuses = _ibkeys(world, "remy")
    assert statuses[old] != "active" and list(statuses.values()).count("active") == 1
    expect(page.get_by_test_id("ibkey-generate-toggle")).to_have_text("Generate Code")


def test_an_android_migration_asks_for_the_sms_code_an_iphone_for_the_activation_code(
    world: World, page: Any
) -> None:
    """The broker's migration steps name the field the texted Activation Token goes in by the phone: on
    Android "Enter the Activation Token in the SMS Code field", on an iPhone "in the Activation Code field".
    The page called it "Activation Code (from the SMS)" on both."""
    world.user("sami", phone="+15555550188")
    world.ibkey("sami", "+15555550188")
    body = {"username": "sami", "password": PASSWORD, "platform": "android"}
    world.post("/sim/v1/ibkey/migrate", body, admin=False)
    page.goto(f"{world.url}/sim/phone/sami")
    page.get_by_test_id("phone-tab-ibkey").click()
    form = page.get_by_test_id("ibkey-activate-form")
    expect(form).to_contain_text("Migrate IB Key to this phone")
    expect(form.get_by_label("SMS Code", exact=True)).to_have_attribute("data-testid", "ibkey-activate-code")
    token = world.activation_code("+15555550188")
    form.get_by_test_id("ibkey-activate-password").fill(PASSWORD)
    form.get_by_label("SMS Code", exact=True).fill(token)
    form.get_by_test_id("ibkey-activate-pin").fill("34cd")
    form.get_by_test_id("ibkey-activate-pin-repeat").fill("34cd")
    form.get_by_test_id("ibkey-activate-submit").click()
    expect(page.get_by_test_id("ibkey-message")).to_contain_text("the old phone no longer works")

    body = {"username": "sami", "password": PASSWORD, "platform": "ios"}
    world.post("/sim/v1/ibkey/migrate", body, admin=False)
    form = page.get_by_test_id("ibkey-activate-form")
    expect(form.get_by_label("Activation Code", exact=True)).to_have_attribute(
        "data-testid", "ibkey-activate-code"
    )

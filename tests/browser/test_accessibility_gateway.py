"""Gateway mode's login pages, checked as the portal's are (tests/browser/test_accessibility_pages.py):
frame, contrast, names, target sizes and focus; the error tied to the fields; and the device list, which
submits itself when a device is picked, not on the first arrow key of someone moving through it."""

from __future__ import annotations

from pprint import pformat
from typing import Any

import pytest
from playwright.sync_api import expect

from . import gateway_kit
from .a11y_kit import expect_tied_to, page_problems, weak_focus
from .pages_kit import PASSWORD, World, loaded

# the gateway and its world (bound, not imported: a test's `world` parameter is no redefinition)
gateway, sls_gateway, world = gateway_kit.gateway, gateway_kit.sls_gateway, gateway_kit.world

LOGIN = "/sso/Login?forwardTo=22&RL=1&ip2loc=on"


def submit_password(page: Any, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(url + LOGIN)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Login").click()


def test_the_gateway_pages_frame_contrast_names_targets_and_focus(world: World, page: Any) -> None:
    world.user("mia", phone="+15555550163")
    world.device("mia", "dscplus", pin="1357")
    world.device("mia", "sms")
    found: dict[str, list[str]] = {}

    def visit(label: str, landmark: Any) -> None:
        """Walk the page that shows ``landmark``: after a form sent, the walk began on the page before it
        once, its next document replacing it under the walk (``loaded``)."""
        loaded(landmark)
        page.wait_for_load_state("networkidle")
        found[label] = page_problems(page) + weak_focus(page)

    page.goto(world.url + "/")  # the emulator's own login, whose notice links the gateway's
    visit("portal login in gateway mode", page.get_by_test_id("login-username"))
    page.goto(world.url + LOGIN)
    visit("login", page.get_by_label("Username"))
    submit_password(page, world.url, "mia", "not-the-password-1")
    visit("login error", page.get_by_test_id("gateway-error"))
    for field in ("Username", "Password"):
        expect_tied_to(page.get_by_label(field), page.get_by_test_id("gateway-error"))
    submit_password(page, world.url, "mia")
    visit("device list", page.get_by_test_id("gateway-device-select"))  # loaded: gateway.js submits the pick
    page.get_by_test_id("gateway-device-select").select_option(label="SMS")  # a tool's pick: submits itself
    expect(page.get_by_test_id("gateway-twofactbase")).to_be_visible()
    visit("code", page.get_by_test_id("gateway-twofactbase"))
    world.user("ines", phone="+15555550164")
    world.ibkey("ines", "+15555550164")
    submit_password(page, world.url, "ines")
    expect(page.get_by_test_id("gateway-push")).to_be_visible()
    visit("IB Key notification", page.get_by_test_id("gateway-push"))
    page.get_by_role("button", name="Log in with Challenge/Response").click()
    expect(page.get_by_label("Response String")).to_be_visible()
    visit("IB Key challenge", page.get_by_label("Response String"))
    failing = {label: problems for label, problems in found.items() if problems}
    assert not failing, pformat(failing, width=120)


@pytest.mark.slow_scripts  # the race CI once lost, every time: gateway.js comes 1.5 s after the list
def test_arrowing_through_the_device_list_does_not_submit_it(world: World, page: Any) -> None:
    world.user("mia", phone="+15555550163")
    world.device("mia", "dscplus", pin="1357")
    world.device("mia", "sms")
    world.device("mia", "totp")
    submit_password(page, world.url, "mia")
    select = loaded(page.get_by_role("combobox", name="Second factor device"))  # gateway.js tells arrows
    select.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # each a change event on a closed <select>
    expect(page.get_by_test_id("gateway-twofactbase")).to_have_count(0)  # still choosing
    expect(select).to_have_value(select.locator("option").nth(3).get_attribute("value") or "")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("gateway-twofactbase")).to_be_visible()

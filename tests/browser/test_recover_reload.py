"""*Forgot your password?* reloaded at each stage, its scripts late (``slow_scripts``: a loaded machine, a
slow network): a reload or Back neither loses where the reset stands nor does a step again (no second text,
no new challenge), and at the new password a reload before ``recover-hold.js`` kept the tab's hold still
offers the form, which then sets the password."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .pages_kit import World, loaded, save_new_password

NEW = "Violet-Harbour-Lantern-42"
PHONE = "+15555550157"


def _texts(world: World) -> list[dict[str, Any]]:
    return [m for m in world.messages(PHONE) if m["purpose"] == "password_recovery"]


@pytest.mark.slow_scripts
def test_a_reload_at_each_stage_keeps_the_reset_where_it_stands(world: World, page: Any) -> None:
    world.user("lena", phone=PHONE)
    card_id = str(world.device("lena", "dscplus", pin="2468")["device_id"])
    page.goto(world.url + "/recover")
    page.get_by_test_id("recover-username").fill("lena")
    page.get_by_test_id("recover-start").click()
    loaded(page.get_by_test_id("recover-code"))
    page.reload()
    expect(page.get_by_test_id("recover-code")).to_be_visible()
    assert len(_texts(world)) == 1, "a reload sends no second text"

    page.get_by_test_id("recover-code").fill(_texts(world)[0]["code"])
    page.get_by_test_id("recover-code-submit").click()
    challenge = loaded(page.get_by_test_id("step-challenge")).inner_text()
    page.reload()
    expect(page.get_by_test_id("step-challenge")).to_have_text(challenge)  # the same step, no new one

    page.get_by_test_id("step-response").fill(world.card_response(card_id, "2468", challenge))
    page.get_by_test_id("step-submit").click()
    expect(
        page.get_by_test_id("recover-new")
    ).to_be_visible()  # in the page; its hold script still on its way
    page.reload(wait_until="commit")
    # the reloaded form in its page, its hold script still on its way; a reload before the page it reloads
    # is in the tab can find the tab between its documents ("Not attached to an active page")
    expect(page.get_by_test_id("recover-new")).to_be_attached()
    page.reload()
    expect(page.get_by_test_id("recover-new")).to_be_visible()
    expect(page.get_by_test_id("recover-left")).to_be_hidden()
    page.go_back()
    expect(loaded(page.get_by_test_id("recover-new"))).to_be_visible()

    save_new_password(page, NEW)
    new = {"username": "lena", "password": NEW}
    assert requests.post(f"{world.url}/api/v1/auth/login", json=new, timeout=10).status_code == 200
    page.go_back()  # the reset is done: its page starts over, and offers no new password again
    expect(page.get_by_test_id("recover-username")).to_be_visible()
    expect(page.get_by_test_id("recover-new")).to_have_count(0)


@pytest.mark.slow_scripts
def test_the_tabs_address_in_a_new_tab_is_not_offered_the_form_once_the_tab_kept_its_hold(
    world: World, context: Any
) -> None:
    """The hold is offered again only until the tab's script has kept it: then the address opened anew (the
    history, the next person) says the reset was left in another tab, as before."""
    world.user("lena", phone=PHONE)
    card_id = str(world.device("lena", "dscplus", pin="2468")["device_id"])
    tab = context.new_page()
    tab.goto(world.url + "/recover")
    tab.get_by_test_id("recover-username").fill("lena")
    tab.get_by_test_id("recover-start").click()
    loaded(tab.get_by_test_id("recover-code")).fill(_texts(world)[0]["code"])
    tab.get_by_test_id("recover-code-submit").click()
    challenge = loaded(tab.get_by_test_id("step-challenge")).inner_text()
    tab.get_by_test_id("step-response").fill(world.card_response(card_id, "2468", challenge))
    tab.get_by_test_id("step-submit").click()
    loaded(tab.get_by_test_id("recover-new"))
    expect(tab.locator("[data-recover-hold][data-kept]")).to_have_count(1)  # the server has heard it kept
    address = tab.url
    tab.close()
    nxt = context.new_page()
    nxt.goto(address)
    expect(nxt.get_by_test_id("recover-left")).to_be_visible()
    expect(nxt.get_by_test_id("recover-new")).to_be_hidden()

"""Gateway mode's login page on a shared browser, in Chromium: a refused login whose tab never loaded the
page its 303 leads to (closed as it redirected, the connection lost) is not shown to the next person who opens
``/sso/Login`` in that browser within its two minutes (the username typed, why it was refused, the paper/live
mode); the tab it answers (its ``?told=KEY``) is told, once. Against a real ``sls gateway`` process."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from . import gateway_kit
from .pages_kit import World

gateway, sls_gateway, world = gateway_kit.gateway, gateway_kit.sls_gateway, gateway_kit.world

AUTH_ROUTE = "/sso/Login?forwardTo=22&RL=1&ip2loc=on"
ERROR = ".xyz-errormessage"


def test_a_refusal_whose_tab_closed_is_not_shown_to_the_next_person(
    world: World, context: Any, page: Any
) -> None:
    world.user("carol.smith")
    world.device("carol.smith", "dscplus", pin="2468")
    page.goto(world.url + AUTH_ROUTE)
    token = page.locator(".login input[name=csrf_token]").input_value()
    # the first person's form, sent with this browser's cookies, its redirect never followed (the tab closed)
    form = {"username": "carol.smith", "password": "wrong-Password-77", "paper": "on", "csrf_token": token}
    posted = context.request.post(world.url + "/sso/Login", form=form, max_redirects=0)
    assert posted.status == 303
    page.close()

    nxt = context.new_page()  # the next person, in the same browser
    nxt.goto(world.url + AUTH_ROUTE)
    expect(nxt.locator(".login input[name=username]")).to_have_value("")
    expect(nxt.locator(ERROR)).to_be_hidden()
    expect(nxt.locator("input#toggle1")).not_to_be_checked()

    here = posted.headers["location"]
    assert re.fullmatch(r"/sso/Login\?told=[A-Za-z0-9_-]{12}", here), here
    own = context.new_page()  # the tab the refusal answers
    own.goto(world.url + here)
    expect(own.locator(ERROR)).to_have_text("Invalid username password combination")
    expect(own.locator(".login input[name=username]")).to_have_value("carol.smith")
    expect(own.locator("input#toggle1")).to_be_checked()
    own.reload()
    expect(own.locator(ERROR)).to_be_hidden()  # said once


def test_a_refusal_in_place_leaves_the_next_page_clean(world: World, context: Any, page: Any) -> None:
    """The page's script reads the refusal in place (IBeam's and Selenium's flow): what was typed stays in the
    fields and the address is the form's own; a page opened after it says nothing."""
    world.user("walt")
    world.device("walt", "dscplus", pin="1111")
    page.goto(world.url + AUTH_ROUTE)
    page.locator(".login input[name=username]").fill("walt")
    page.locator(".login input[name=password]").fill("wrong-Password-77")
    page.locator("button.btn.btn-lg.xyz-button-login").click()
    expect(page.locator(ERROR)).to_have_text("Invalid username password combination")
    expect(page.locator(".login input[name=username]")).to_have_value("walt")
    assert page.url == world.url + AUTH_ROUTE

    nxt = context.new_page()
    nxt.goto(world.url + AUTH_ROUTE)
    expect(nxt.locator(".login input[name=username]")).to_have_value("")
    expect(nxt.locator(ERROR)).to_be_hidden()

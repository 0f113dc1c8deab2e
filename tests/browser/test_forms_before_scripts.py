"""A form a page's script sends (``data-form``: the console's, the simulated phone's) sent before that script
has loaded, or in a browser without scripts: the browser itself sends it, to the page's own address. With no
``method`` it was a GET, every field in the address (a new user's password, a victim's phished one) and so
in the browser's history and the server's access log. They say ``method="post"``: the fields stay in the
body of a request the server refuses, and nothing is done."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import PASSWORD, World

SECRET = "kept-out-of-addresses-7"


def test_the_console_s_add_user_form_sent_before_its_script_puts_no_field_in_an_address(
    world: World, page: Any
) -> None:
    sign_in_trainer(page, world)  # signed in with the scripts: the sign-in itself is an ordinary form
    page.route("**/*.js", lambda route: route.abort())  # the page again, its scripts never come
    addresses: list[str] = []
    page.on("request", lambda request: addresses.append(request.url))
    page.reload()
    expect(page.get_by_test_id("feed-state")).not_to_have_text("live")  # no script ran
    page.get_by_test_id("add-user-username").fill("zed")
    page.get_by_test_id("add-user-password").fill(SECRET)
    page.get_by_test_id("attack-password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_test_id("add-user-submit").click()
    assert [a for a in addresses if SECRET in a or PASSWORD in a or "zed" in a] == []
    assert SECRET not in page.url
    expect(page.get_by_test_id("request-refused")).to_contain_text("which had not run")  # a page, not JSON
    page.get_by_test_id("go-back").click()
    expect(page.get_by_test_id("add-user-username")).to_be_visible()  # the console again
    made = requests.get(f"{world.url}/admin/v1/users/zed", headers=world.admin, timeout=10)
    assert made.status_code == 404  # the browser's own send did nothing

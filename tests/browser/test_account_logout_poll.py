"""*Log out* on the account page while its countdown's poll is out: the logout ends the session, the poll's
answer ("ended") comes back before the logout's own page, and account.js sent the browser to "Your session
has ended" (``reason=ended``) in its place, cancelling the logout's redirect. Seen in a run whose scripts
came late (``slow_scripts.py``), where the polls had shifted onto the moment of a click; a person's click can
land there too. A form the page sends is where it goes next."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import World, log_in_with_card
from .press_kit import until_held


def test_a_poll_answered_during_the_logout_does_not_say_the_session_ended(
    world: World, context: Any, page: Any
) -> None:
    log_in_with_card(page, world, "lou")
    held: list[tuple[Any, Any]] = []
    ended: list[str] = []  # the polls answered for the ended session

    def hold(route: Any) -> None:
        """The logout done on the server (the session ended), its redirect not yet given to the browser."""
        held.append((route, route.fetch(max_redirects=0)))

    def poll(route: Any) -> None:
        """Each countdown poll answered as the server answers it; one for the ended session noted."""
        answer = route.fetch()
        if answer.json()["state"] != "active":
            ended.append(answer.json()["state"])
        route.fulfill(response=answer)

    page.route("**/logout", hold)
    page.route("**/account/session", poll)
    page.get_by_test_id("logout-button").click(no_wait_after=True)
    other = context.new_page()
    until_held(held, other)
    assert held[0][1].status == 303
    until_held(ended, other)  # a poll (every 2 s) answered for the ended session
    other.evaluate("new Promise((done) => setTimeout(done, 200))")  # the page handles the answer meanwhile
    route, answer = held[0]
    route.fulfill(status=303, headers={"Location": answer.headers["location"]})
    expect(page).to_have_url(re.compile(r"/logged-out\?reason=logout&"))


def test_a_send_stopped_on_its_way_still_leaves_a_session_that_ends_later(world: World, page: Any) -> None:
    """A form's send stopped (Esc, Stop) leaves the page where it is: a session that ends afterwards (the
    automatic logoff, Client Services) must still take the browser to "Your session has ended". The send's
    pass on an "ended" answer lasted until the page was left, so it never did. A submit event with no send
    behind it stands for the stopped one."""
    page.clock.install()  # the page's clock, moved past the send's while; the server's is its own
    log_in_with_card(page, world, "lou")
    expect(page.get_by_test_id("logout-button")).to_be_visible()
    page.evaluate(
        "document.querySelector('[data-testid=logout-button]').form"
        ".dispatchEvent(new Event('submit', { bubbles: true }))"
    )
    listed = requests.get(f"{world.url}/admin/v1/users/lou/sessions", headers=world.admin, timeout=10)
    sessions = listed.json()["sessions"]
    assert len(sessions) == 1, sessions
    ended = requests.delete(
        f"{world.url}/admin/v1/sessions/{sessions[0]['id']}", headers=world.admin, timeout=10
    )
    assert ended.status_code == 200, ended.text  # Client Services ends it
    page.clock.fast_forward(11_000)  # past the send's while: the next poll's "ended" is heeded
    expect(page).to_have_url(re.compile(r"/logged-out\?reason="))

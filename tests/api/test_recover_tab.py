""" "Forgot your password?" (``/recover``) belongs to the tab that started it, not to the browser.

Its progress waits in a sealed cookie for an hour. Sealed to the browser alone, a person who passed the
reset's second factor and closed the tab (or walked away) before choosing the new password left the next
person on that browser, who opened ``/recover`` while the verified stage lasted, the new-password form for
that account: an account takeover on a shared computer. So the recovery is sealed to a key only its own
tab's addresses carry (``/recover?told=KEY``, as the login pages key what they tell), and its refusals are
told to that tab too. That address is in the browser's history as well, so past the second factor the page
shows the tab a hold until the tab's script says it keeps it (``/recover/hold``), which the password form must
send back (the script puts it back on a reload).
Each test is one cookie jar: the person whose recovery it was, then the next person.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from page_forms import csrf, recover_hold, script_token
from recovery_kit import ADMIN, NEW, Rose

from sls_server.http.pages.recover import HOLD_VIEWS

TAB = re.compile(r"/recover\?told=[A-Za-z0-9_-]{12}")


@pytest.fixture
def rose(client: FlaskClient) -> Rose:
    return Rose(client)


def _stage(html: str) -> str:
    found = re.search(r'data-testid="recover" data-stage="([a-z]+)"', html)
    assert found, "the recovery page"
    return found.group(1)


def _posted(client: FlaskClient, path: str, form: dict[str, str]) -> str:
    """A form of the recovery's, sent: the 303's address, this tab's own."""
    answer = client.post(path, data=form)
    here = str(answer.headers.get("Location", ""))
    assert answer.status_code == 303 and TAB.fullmatch(here), (answer.status_code, here)
    return here


def _kept(client: FlaskClient, here: str, hold: str) -> Any:
    """The tab's script saying it keeps ``hold`` (``recover-hold.js``): the answer."""
    token = script_token(client, "/recover")  # the browser's; not a view of the tab's page, which counts
    return client.post(
        here.replace("/recover?", "/recover/hold?"), json={"hold": hold}, headers={"X-CSRF-Token": token}
    )


def _verified(rose: Rose, *, keep: bool = True) -> tuple[str, dict[str, str]]:
    """rose's recovery on the page through the texted code and her card, the new-password form shown and
    never sent, its hold kept by the tab's script (unless not ``keep``): the tab's address and the form as
    her tab would send it (the hold it was shown)."""
    token = csrf(rose.client.get("/recover").get_data(as_text=True))
    here = _posted(rose.client, "/recover", {"username": "rose", "csrf_token": token})
    here = _posted(rose.client, here.replace("/recover?", "/recover/code?"), _code(rose, token))
    step = rose.client.get(here).get_data(as_text=True)
    challenge = re.search(r'data-testid="step-challenge"[^>]*>\s*([0-9]+)', step)
    assert challenge, "the card's step opened"
    response = {"response": rose.card_response(challenge.group(1)), "csrf_token": token}
    here = _posted(rose.client, here.replace("/recover?", "/recover/verify?"), response)
    hold = recover_hold(rose.client.get(here).get_data(as_text=True))
    assert hold, "shown to the tab's first view"
    if keep:
        assert _kept(rose.client, here, hold).get_json() == {"state": "kept"}
    return here, {"new_password": NEW, "confirm_password": NEW, "csrf_token": token, "hold": hold}


def _code(rose: Rose, token: str) -> dict[str, str]:
    return {"code": rose.recovery_code(), "csrf_token": token}


def _logs_in(client: FlaskClient, password: str) -> bool:
    answer = client.post("/api/v1/auth/login", json={"username": "rose", "password": password})
    return answer.status_code == 200


def test_the_next_person_at_recover_starts_over_and_cannot_set_the_password(rose: Rose) -> None:
    """Person A passes the code and the card, then leaves; person B, in the same browser, opens ``/recover``
    and sends a new password every way the page's forms would: nothing is set."""
    client = rose.client
    here, own_form = _verified(rose)

    page = client.get("/recover").get_data(as_text=True)  # person B
    assert _stage(page) == "start" and 'name="new_password"' not in page
    form: dict[str, Any] = {**own_form, "hold": ""}
    for path in ("/recover/password", "/recover/password?told=AAAAAAAAAAAA", "/recover/password?told=x"):
        refused = client.post(path, data=form)
        assert refused.status_code == 303 and "told=AAAA" not in refused.headers["Location"], path
        assert not _logs_in(client, NEW), path
    assert rose.events("user.password_changed") == []

    own = client.get(here).get_data(as_text=True)  # person A's own tab: a reload, or Back to it
    assert _stage(own) == "verified" and recover_hold(own) == "", "not shown once the tab kept it"
    assert _stage(client.get(here).get_data(as_text=True)) == "verified", "again on another reload"
    done = client.post(here.replace("/recover?", "/recover/password?"), data=own_form)
    assert done.status_code == 303 and done.headers["Location"].startswith("/?told=")
    assert _logs_in(client, NEW)


def test_the_code_step_is_the_tabs_own_too(rose: Rose) -> None:
    """Between the username and the code: the next person is not asked for rose's code, and their code
    form (if they posted one) moves nothing."""
    client = rose.client
    token = csrf(client.get("/recover").get_data(as_text=True))
    here = _posted(client, "/recover", {"username": "rose", "csrf_token": token})

    assert _stage(client.get("/recover").get_data(as_text=True)) == "start"  # person B
    assert client.post("/recover/code", data=_code(rose, token)).status_code == 303
    assert _stage(client.get(here).get_data(as_text=True)) == "code", "the code was not spent by B"


def test_a_refusal_is_told_to_its_own_tab_only(rose: Rose) -> None:
    """rose's account disabled between the username and the code: her tab is told why and starts over;
    the next person who opens ``/recover`` within the two minutes the sentence waits is told nothing."""
    client = rose.client
    token = csrf(client.get("/recover").get_data(as_text=True))
    here = _posted(client, "/recover", {"username": "rose", "csrf_token": token})
    assert client.post("/admin/v1/users/rose/disable", headers=ADMIN).status_code == 200
    told = _posted(client, here.replace("/recover?", "/recover/code?"), _code(rose, token))

    nxt = client.get("/recover")  # person B
    assert nxt.status_code == 200 and 'data-testid="recover-error"' not in nxt.get_data(as_text=True)
    own = client.get(told)
    assert own.status_code >= 400 and 'data-testid="recover-error"' in own.get_data(as_text=True)
    assert _stage(own.get_data(as_text=True)) == "start"
    assert 'data-testid="recover-error"' not in client.get(told).get_data(as_text=True), "said once"


def test_a_refused_username_is_told_to_its_own_tab_only(client: FlaskClient) -> None:
    """The username form's own refusal (nothing typed) has no recovery yet: a new key, as the login page's."""
    token = csrf(client.get("/recover").get_data(as_text=True))
    told = _posted(client, "/recover", {"username": " ", "csrf_token": token})

    assert 'data-testid="recover-error"' not in client.get("/recover").get_data(as_text=True)
    own = client.get(told)
    assert own.status_code == 400 and "Enter your username." in own.get_data(as_text=True)


def test_the_tabs_address_reopened_from_the_history_cannot_set_the_password(rose: Rose) -> None:
    """Person A's tab was shown the new-password form, then closed; person B opens its very address from the
    history (or the address bar's suggestions) and sends the form: without the hold it is refused and the
    recovery ends, so it cannot be sent again."""
    client = rose.client
    here, own_form = _verified(rose)

    page = client.get(here).get_data(as_text=True)  # person B, from the history
    assert recover_hold(page) == "", "the hold is not shown again"
    password = here.replace("/recover?", "/recover/password?")
    refused = client.post(password, data={**own_form, "hold": "é" * 12})  # any hold but the tab's
    assert refused.status_code == 303 and not _logs_in(client, NEW)
    told = client.get(refused.headers["Location"])
    assert told.status_code == 409 and "left in another tab" in told.get_data(as_text=True)
    assert _stage(client.get(here).get_data(as_text=True)) == "start", "the recovery ended"
    late = client.post(password, data=own_form)
    assert late.status_code == 303 and not _logs_in(client, NEW), "not even with the hold, once ended"


def test_the_tabs_own_refused_form_is_shown_the_hold_again(rose: Rose) -> None:
    """Two new passwords that differ: the tab's next view shows the hold again (a browser without scripts
    sends it on), until the tab keeps it; then the form goes through."""
    client = rose.client
    here, own_form = _verified(rose)
    password = here.replace("/recover?", "/recover/password?")

    told = _posted(client, password, {**own_form, "confirm_password": NEW + "x"})
    page = client.get(told).get_data(as_text=True)
    assert "do not match" in page and recover_hold(page) == own_form["hold"]
    assert _kept(client, here, own_form["hold"]).get_json() == {"state": "kept"}
    assert recover_hold(client.get(told).get_data(as_text=True)) == "", "not once kept"
    assert client.post(password, data=own_form).headers["Location"].startswith("/?told=")
    assert _logs_in(client, NEW)


def _offered(html: str) -> bool:
    """Whether the page, as a browser without scripts shows it, offers the new-password form (not hidden)
    rather than "left in another tab" (hidden)."""
    form = re.search(r"<form [^>]*data-recover-hold=[^>]*>", html)
    left = re.search(r'<div [^>]*data-testid="recover-left"[^>]*>', html)
    assert form and left, "the verified stage"
    assert (" hidden" in form.group(0)) != (" hidden" in left.group(0)), "one of the two, never both"
    return " hidden" not in form.group(0)


def test_a_view_without_the_hold_offers_no_form_to_a_browser_without_scripts(rose: Rose) -> None:
    """Once the tab kept the hold (the address reopened from the history), a form
    sent as shown would be refused and end the recovery: the page offers none, and says why; the tab's
    script shows the form again from the hold it kept (``recover-hold.js``)."""
    client = rose.client
    here, own_form = _verified(rose)
    password = here.replace("/recover?", "/recover/password?")

    assert not _offered(client.get(here).get_data(as_text=True))
    told = _posted(client, password, {**own_form, "confirm_password": NEW + "x"})
    assert _offered(client.get(told).get_data(as_text=True)), "the view that carries the hold"


def test_a_reload_before_the_tabs_script_kept_the_hold_is_shown_it_again(rose: Rose) -> None:
    """The hold shown once only, a reload or Back before ``recover-hold.js`` ran (a slow network, a loaded
    machine) lost the reset: each view until the tab keeps it shows it again, at most ``HOLD_VIEWS`` (a
    browser without scripts never keeps it); the form then goes through."""
    client = rose.client
    here, own_form = _verified(rose, keep=False)
    for _ in range(HOLD_VIEWS - 1):
        assert recover_hold(client.get(here).get_data(as_text=True)) == own_form["hold"]
    assert recover_hold(client.get(here).get_data(as_text=True)) == "", "not past its views"
    assert client.post(here.replace("/recover?", "/recover/password?"), data=own_form).status_code == 303
    assert _logs_in(client, NEW)


def test_the_hold_kept_is_the_tabs_own_only(rose: Rose) -> None:
    """Another hold, or none at the new-password stage, changes nothing (400 naming ``hold`` for none); the
    tab's own stops the page showing it."""
    client = rose.client
    here, own_form = _verified(rose, keep=False)
    refused = _kept(client, here, "")
    assert refused.status_code == 400 and refused.get_json()["field"] == "hold"
    assert _kept(client, here, "A" * 12).get_json() == {"state": "ignored"}
    assert _kept(client, "/recover?told=AAAAAAAAAAAA", own_form["hold"]).get_json() == {"state": "ignored"}
    assert recover_hold(client.get(here).get_data(as_text=True)) == own_form["hold"], "still offered"
    assert _kept(client, here, own_form["hold"]).get_json() == {"state": "kept"}
    assert recover_hold(client.get(here).get_data(as_text=True)) == ""

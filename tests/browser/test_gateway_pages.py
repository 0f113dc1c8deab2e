"""Gateway mode's login page driven in Chromium with the selectors tools use (IBeam's, a Selenium script's):
an SMS code fetched through the outbox hook, a card challenge read off the page, an IB Key push approved
in the simulated app (and resent), a device chosen from the <select> by its visible text, a wrong password
and a paper/live mismatch with the gateway's exact texts; then the REST session kept across a brokerage
drop, a competing session and an SSO expiry. Against a real ``sls gateway`` process."""

from __future__ import annotations

import re
import time
from typing import Any

import requests
from conftest import ADMIN_TOKEN
from playwright.sync_api import expect

from . import gateway_kit
from .pages_kit import PASSWORD, World, loaded

# the gateway and its world (bound, not imported: a test's `world` parameter is no redefinition)
gateway, sls_gateway, world = gateway_kit.gateway, gateway_kit.sls_gateway, gateway_kit.world

AUTH_ROUTE = "/sso/Login?forwardTo=22&RL=1&ip2loc=on"
SUBMIT = "button.btn.btn-lg.xyz-button-login"
ERROR = ".xyz-errormessage"
SUCCESS = "Client login succeeds"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def submit_password(page: Any, url: str, username: str, password: str = PASSWORD) -> None:
    """What IBeam does: fill the fields by name, click the submit button by its classes."""
    page.goto(url + AUTH_ROUTE)
    page.locator(".login input[name=username]").fill(username)
    page.locator(".login input[name=password]").fill(password)
    page.locator(SUBMIT).click()


def tickle(url: str) -> requests.Response:
    return requests.post(f"{url}/v1/api/tickle", timeout=10)


def test_sms_code_through_the_outbox_hook(world: World, page: Any) -> None:
    world.user("sam", phone="+15555550161")
    world.device("sam", "sms")
    assert tickle(world.url).status_code == 401
    submit_password(page, world.url, "sam")
    expect(page.locator("#twofactbase")).to_be_visible()
    code = requests.get(
        f"{world.url}/sim/v1/outbox/latest-code", params={"user": "sam", "wait": 10}, timeout=20
    )
    assert re.fullmatch(r"[0-9]{6}", code.text)  # what IBeam's EXTERNAL_REQUEST handler types in
    field = page.locator("#twofactbase #xyz-field-bronze-response")
    field.fill(code.text)
    field.press("Enter")  # IBeam submits the code with RETURN
    expect(page.locator("body")).to_contain_text(SUCCESS)
    status = tickle(world.url).json()["iserver"]["authStatus"]
    assert status["authenticated"] is True and status["competing"] is False


def test_card_challenge_shown_in_the_page(world: World, page: Any) -> None:
    world.user("carl")
    card = world.device("carl", "dscplus", pin="2468")
    submit_password(page, world.url, "carl")
    expect(page.locator("#twofactbase")).to_be_visible()
    challenge = page.locator("#twofactbase .xyz-challenge").inner_text()
    response = world.card_response(card["device_id"], "2468", challenge)
    page.locator("#xyz-field-bronze-response").fill(response)
    page.locator("#xyz-field-bronze-response").press("Enter")
    expect(page.locator("body")).to_contain_text(SUCCESS)
    assert requests.get(f"{world.url}/v1/api/sso/validate", timeout=10).json()["USER_NAME"] == "carl"


def test_push_approved_in_the_app_moves_on_by_itself(world: World, page: Any) -> None:
    world.user("ann", phone="+15555550162")
    device_id = world.ibkey("ann", "+15555550162", pin="24ab")
    submit_password(page, world.url, "ann")
    push = page.locator("[data-testid=gateway-push]")
    loaded(push)  # gateway.js defines the function
    expect(page.locator(".login-step-notification")).to_have_count(0)  # off by default
    expect(page.locator("#twofactbase")).to_have_count(0)
    assert page.evaluate("typeof resendNotification") == "function"
    first = page.locator("#xyz-ibkey-match").inner_text()
    page.locator("a#resend-notification").click()  # a new push: a new number to pick
    expect(page.locator("[data-testid=gateway-push-status]")).to_contain_text("new notification")
    second = page.locator("#xyz-ibkey-match").inner_text()
    world.approve_push(device_id, second, pin="24ab", only=True)  # a resent push replaces the one before it
    expect(page.locator("body")).to_contain_text(SUCCESS)  # no click on the login page
    assert first and second
    assert tickle(world.url).status_code == 200


def test_a_push_that_ended_leads_back_to_the_login_form(world: World, page: Any) -> None:
    """A denied or expired push ends the login: the page says so and offers the form again, as a person at
    the gateway's page needs (it was a dead end: "This login has ended." and nothing to click)."""
    world.user("ned", phone="+15555550164")
    device_id = world.ibkey("ned", "+15555550164", pin="24ab")
    submit_password(page, world.url, "ned")
    loaded(page.locator("[data-testid=gateway-push]"))
    shown = page.locator("#xyz-ibkey-match").inner_text()
    [note] = world.notifications(device_id)
    wrong = next(candidate for candidate in note["candidates"] if candidate != shown)
    world.approve_push(device_id, wrong, pin="24ab", status=401)  # a wrong number picked ends the login
    expect(page.locator("[data-testid=gateway-push-status]")).to_have_text("This login has ended.")
    again = page.locator("[data-testid=gateway-push-again] a")
    expect(again).to_be_visible()
    expect(page.locator("a#resend-notification")).to_be_hidden()  # nothing left to resend or answer
    expect(page.locator("[data-testid=gateway-show-challenge]")).to_be_hidden()
    again.click()
    expect(page.locator(".login input[name=username]")).to_be_visible()
    expect(page.locator(ERROR)).to_be_hidden()  # the form opened plainly: a clean page


def test_factor_chosen_from_the_select_by_its_text(world: World, page: Any) -> None:
    world.user("mia", phone="+15555550163")
    world.device("mia", "dscplus", pin="1357")
    totp = world.device("mia", "totp")
    world.device("mia", "sms")
    submit_password(page, world.url, "mia")
    select = loaded(page.locator("select"))  # gateway.js listens for the pick
    expect(page.locator("#twofactbase")).to_have_count(0)
    options = select.locator("option").all_inner_texts()
    assert {"Security Code Card", "Mobile Authenticator App", "SMS"} <= set(options)
    select.select_option(label="Mobile Authenticator App")  # the change submits it: no button pressed
    expect(page.locator("#twofactbase")).to_be_visible()
    code = requests.get(f"{world.url}/sim/v1/totp/{totp['device_id']}/code", timeout=10).json()["code"]
    page.locator("#xyz-field-bronze-response").fill(code)
    page.locator("#xyz-field-bronze-response").press("Enter")
    expect(page.locator("body")).to_contain_text(SUCCESS)


def test_wrong_password_says_exactly_the_gateways_text(world: World, page: Any) -> None:
    world.user("walt")
    world.device("walt", "dscplus", pin="1111")
    submit_password(page, world.url, "walt")  # the right one first: the error box stays hidden
    expect(page.locator("#twofactbase")).to_be_visible()
    expect(page.locator(ERROR)).to_be_hidden()
    submit_password(page, world.url, "walt", "wrong-Password-77")
    expect(page.locator(ERROR)).to_be_visible()
    assert page.locator(ERROR).inner_text() == "Invalid username password combination"


def test_paper_user_in_live_mode_then_the_toggle(world: World, page: Any) -> None:
    world.post("/admin/v1/users", {"username": "penny", "password": PASSWORD, "paper": True})
    card = world.device("penny", "dscplus", pin="4321")
    submit_password(page, world.url, "penny")
    expect(page.locator(ERROR)).to_have_text(
        "You have selected the Live Account Mode, but the specified user is a Paper Trading user. "
        "Please select the correct Login mode."
    )
    # IBeam (login_handler.py, step_paper_toggle) clicks the toggle and submits again, typing nothing: the
    # gateway's page shows its errors in place, so what was typed is still there
    expect(page.locator("input[name=password]")).to_have_value(PASSWORD)
    page.locator("label[for=toggle1]").click()  # IBeam's paper toggle
    expect(page.locator("input#toggle1")).to_be_checked()
    # the old error goes as the form is sent, before any answer: IBeam looks for errors right after its click
    click = f"document.querySelector('{SUBMIT}').click()"
    assert page.evaluate(f"() => {{ {click}; return document.querySelector('{ERROR}').hidden; }}")
    challenge = page.locator(".xyz-challenge").inner_text()
    page.locator("#xyz-field-bronze-response").fill(world.card_response(card["device_id"], "4321", challenge))
    page.locator("#xyz-field-bronze-response").press("Enter")
    expect(page.locator("body")).to_contain_text(SUCCESS)
    assert requests.get(f"{world.url}/v1/api/sso/validate", timeout=10).json()["LOGIN_TYPE"] == 2


def test_a_wrong_code_says_failed_once_and_a_reload_resends_nothing(world: World, page: Any) -> None:
    """IBeam reads ``failed`` after pressing Enter on the code; the form it is back at answered a GET, so a
    reload asks for the form again: no code re-sent, no "Confirm Form Resubmission"."""
    world.user("gail")
    world.device("gail", "dscplus", pin="2468")
    submit_password(page, world.url, "gail")
    page.locator("#xyz-field-bronze-response").fill("00000000")
    page.locator("#xyz-field-bronze-response").press("Enter")
    expect(page.locator(ERROR)).to_have_text("failed")
    assert page.url.startswith(world.url + "/sso/Login?told=")  # no code in the address: this tab's own key
    methods: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: methods.append(request.method))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.reload()
    expect(page.locator(".login input[name=username]")).to_be_visible()
    expect(page.locator(ERROR)).to_be_hidden()  # said once
    assert "POST" not in methods and dialogs == []


def log_in_by_card(world: World, page: Any, username: str, device_id: str, pin: str) -> None:
    submit_password(page, world.url, username)
    challenge = page.locator(".xyz-challenge").inner_text()
    page.locator("#xyz-field-bronze-response").fill(world.card_response(device_id, pin, challenge))
    page.locator("#xyz-field-bronze-response").press("Enter")
    expect(page.locator("body")).to_contain_text(SUCCESS)


def test_rest_session_across_a_drop_a_competing_session_and_an_sso_expiry(world: World, page: Any) -> None:
    world.user("rex")
    card = world.device("rex", "dscplus", pin="9753")
    log_in_by_card(world, page, "rex", card["device_id"], "9753")
    url = world.url

    world.post("/admin/v1/gateway/drop", {})
    status = tickle(url).json()["iserver"]["authStatus"]
    assert (status["authenticated"], status["connected"]) == (False, True)
    assert requests.get(f"{url}/v1/portal/sso/validate", timeout=10).json()["RESULT"] is True
    assert requests.post(f"{url}/v1/portal/iserver/reauthenticate?force=true", timeout=10).json() == {
        "message": "triggered"
    }
    assert tickle(url).json()["iserver"]["authStatus"]["authenticated"] is True

    world.post("/admin/v1/gateway/compete", {})
    assert tickle(url).json()["iserver"]["authStatus"]["competing"] is True
    requests.post(f"{url}/v1/api/iserver/reauthenticate", timeout=10)
    assert tickle(url).json()["iserver"]["authStatus"]["competing"] is False

    world.post("/admin/v1/gateway/expire", {})
    assert tickle(url).status_code == 401
    assert requests.get(f"{url}/v1/api/sso/validate", timeout=10).status_code == 401
    assert requests.post(f"{url}/v1/api/iserver/reauthenticate", timeout=10).status_code == 401
    log_in_by_card(world, page, "rex", card["device_id"], "9753")  # only the page helps after an expiry
    assert tickle(url).json()["iserver"]["authStatus"]["authenticated"] is True


def test_the_live_profile_and_the_notification_step(
    browser: Any,
    sls_gateway: Any,
    admin_headers: dict[str, str],
    page: Any,
) -> None:
    server = sls_gateway(SLS_GATEWAY_PROFILE="live", SLS_GATEWAY_NOTIFICATION_STEP="true")
    world = World(server.url, admin_headers)
    world.user("liv", phone="+15555550164")
    world.ibkey("liv", "+15555550164")
    page.goto(server.url + AUTH_ROUTE)
    page.locator("#xyz-field-username").fill("liv")
    page.locator("#xyz-field-password").fill(PASSWORD)
    page.locator(SUBMIT).click()
    expect(page.locator(".login-step-notification")).to_be_visible()


def test_the_trainer_drops_and_disconnects_the_brokerage_session_from_the_console(
    world: World, page: Any, context: Any
) -> None:
    """The card says the gateway's state in words as it loads (it said nothing until a button was used, then
    raw booleans), after each change, and how the last session ended once there is none."""
    world.user("tina")
    card = world.device("tina", "dscplus", pin="8642")
    console = context.new_page()
    console.goto(world.url + "/trainer")
    console.get_by_test_id("trainer-token").fill(ADMIN_TOKEN)
    console.get_by_test_id("trainer-sign-in").click()
    state = console.get_by_test_id("gateway-state")
    expect(state).to_have_text("Gateway state: No gateway session. Clients must log in through /sso/Login.")
    log_in_by_card(world, page, "tina", card["device_id"], "8642")
    console.reload()
    expect(state).to_have_text("Gateway state: Logged in as tina · brokerage session up.")
    console.get_by_test_id("gateway-drop").click()
    dropped = "Logged in as tina · brokerage session dropped: a client must reauthenticate."
    expect(console.get_by_test_id("gateway-result")).to_have_text(dropped)
    expect(state).to_have_text("Gateway state: " + dropped)
    assert tickle(world.url).json()["iserver"]["authStatus"]["authenticated"] is False
    console.get_by_test_id("gateway-disconnect").click()  # beside the drop: the connection to the broker lost
    disconnected = (
        "Logged in as tina · disconnected from the brokerage's servers: a client must reauthenticate."
    )
    expect(console.get_by_test_id("gateway-result")).to_have_text(disconnected)
    status = tickle(world.url).json()["iserver"]["authStatus"]
    assert (status["authenticated"], status["connected"]) == (False, False)
    console.reload()  # as the page loads, not only after a button
    expect(state).to_have_text("Gateway state: " + disconnected)
    console.get_by_test_id("gateway-compete").click()
    expect(console.get_by_test_id("gateway-result")).to_contain_text("another session competes")
    console.get_by_test_id("gateway-expire").click()
    # the click's request is answered after click() returns: wait for its answer before reading its time
    expect(console.get_by_test_id("gateway-result")).to_contain_text(
        "the last one ended: SSO session expired"
    )
    at = requests.get(world.url + "/admin/v1/gateway", headers=ADMIN, timeout=10).json()["ended"]["at"]
    hhmm = time.strftime("%H:%M", time.gmtime(at))
    ended = f"No gateway session — the last one ended: SSO session expired at {hhmm} UTC."
    expect(console.get_by_test_id("gateway-result")).to_contain_text(ended)
    console.reload()
    expect(state).to_contain_text(ended)
    assert tickle(world.url).status_code == 401

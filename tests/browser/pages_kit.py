"""Helpers of the browser tests: the simulated world through the admin API, and the login form."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

PASSWORD = "plum-sketch-harbour-9"
#: A card's key as the console shows it once: hex, at least 160 bits.
CARD_KEY = re.compile(r"^[0-9a-f]{40,}$")


class World:
    """The simulated world a test needs, set up through the admin API as any integration would."""

    def __init__(self, url: str, admin_headers: dict[str, str], sim_token: str | None = None) -> None:
        self.url = url
        self.admin = admin_headers
        self.sim = {"Authorization": f"Bearer {sim_token}"} if sim_token else {}  # a server's SLS_SIM_TOKEN

    def post(self, path: str, body: dict[str, Any], *, admin: bool = True) -> dict[str, Any]:
        answer = requests.post(
            self.url + path, json=body, headers=self.admin if admin else self.sim, timeout=10
        )
        assert answer.status_code in (200, 201), answer.text
        return answer.json()  # type: ignore[no-any-return]

    def put(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = requests.put(self.url + path, json=body, headers=self.admin, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]

    def user(self, name: str, phone: str | None = None) -> str:
        self.post("/admin/v1/users", {"username": name, "password": PASSWORD, "phone": phone, "sms": False})
        return name

    def phone_of(self, name: str) -> str | None:
        answer = requests.get(f"{self.url}/admin/v1/users/{name}", headers=self.admin, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["phone"]  # type: ignore[no-any-return]

    def device(self, name: str, type_: str, **params: Any) -> dict[str, Any]:
        return self.post(f"/admin/v1/users/{name}/devices", {"type": type_, **params})

    def messages(self, number: str) -> list[dict[str, Any]]:
        answer = requests.get(f"{self.url}/sim/v1/phones/{number}/messages", headers=self.sim, timeout=10)
        return answer.json()["messages"]  # type: ignore[no-any-return]

    def activation_code(self, phone: str) -> str:
        """The IB Key activation code texted to ``phone`` (the first such text it holds): what the user keys
        in to activate the app, or an Add User's or a migration's new one."""
        return str(next(m["code"] for m in self.messages(phone) if m["purpose"] == "ibkey_activation"))

    def ibkey(self, name: str, phone: str, pin: str = "12ab") -> str:
        """An IB Key enrolled and activated on the user's phone (Android, PIN); the phone's id."""
        device = self.device(name, "ibkey", platform="android")
        body = {
            "username": name,
            "password": PASSWORD,
            "activation_code": self.activation_code(phone),
            "pin": pin,
        }
        self.post(f"/sim/v1/ibkey/{device['device_id']}/activate", body, admin=False)
        return str(device["device_id"])

    def iphone_ibkey(self, name: str, phone: str, **unlock: Any) -> str:
        """An IB Key enrolled and activated on the user's iPhone, unlocked by ``unlock`` (``biometric=True``:
        Face ID; ``passcode=...``) as the app asks on iOS, no PIN; the app's id."""
        device = self.device(name, "ibkey", platform="ios")
        body = {
            "username": name,
            "password": PASSWORD,
            "activation_code": self.activation_code(phone),
            **unlock,
        }
        self.post(f"/sim/v1/ibkey/{device['device_id']}/activate", body, admin=False)
        return str(device["device_id"])

    def notifications(self, app: str) -> list[dict[str, Any]]:
        """The IB Key app's notifications, newest first, as the phone's app lists them over /sim/v1."""
        answer = requests.get(f"{self.url}/sim/v1/ibkey/{app}/notifications", headers=self.sim, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()["notifications"]  # type: ignore[no-any-return]

    def approve_push(
        self,
        app: str,
        match: str,
        *,
        txn: str | None = None,
        purpose: str | None = None,
        pin: str = "12ab",
        only: bool = False,
        status: int = 200,
    ) -> dict[str, Any]:
        """Pick ``match`` on one of the app's notifications and approve it, as the user does on the phone;
        the notification answered. ``match`` must be one of its candidates (a wrong pick is a wrong one of
        them). Which notification: the one of login ``txn`` and/or of ``purpose`` (``password_recovery``,
        say), exactly one such on the app; else the newest. ``only``: the app holds that one notification
        alone (a resent push replaces the one before it). ``status``: the approval's answer (401: a wrong
        number picked ends the login)."""
        notes = self.notifications(app)
        if only:
            assert len(notes) == 1, notes
        assert notes, f"no notification on {app}"
        if txn is None and purpose is None:
            note = notes[0]
        else:
            [note] = [
                n
                for n in notes
                if (txn is None or n["txn_id"] == txn) and (purpose is None or n["purpose"] == purpose)
            ]
        assert match in note["candidates"], (match, note["candidates"])
        answer = requests.post(
            f"{self.url}/sim/v1/ibkey/{app}/notifications/{note['id']}/approve",
            json={"match": match, "pin": pin},
            headers=self.sim,
            timeout=10,
        )
        assert answer.status_code == status, answer.text
        return note

    def deny_push(self, app: str, note: dict[str, Any], pin: str = "12ab") -> None:
        """Deny ``note`` (one of :meth:`notifications`) in the app with its PIN, as the user does on the
        phone; asserted 200. One way for every test whose victim says no: each had written the request."""
        answer = requests.post(
            f"{self.url}/sim/v1/ibkey/{app}/notifications/{note['id']}/deny",
            json={"pin": pin},
            headers=self.sim,
            timeout=10,
        )
        assert answer.status_code == 200, answer.text

    def keep_as_demo_world(self) -> None:
        """The world as it is kept as the demo world (``PUT /admin/v1/state/demo``), what ``sls demo`` does
        once its world is seeded: the console's "Back to the demo world" brings it back."""
        answer = requests.put(f"{self.url}/admin/v1/state/demo", headers=self.admin, timeout=10)
        assert answer.status_code == 200, answer.text

    def card_response(self, device_id: str, pin: str, challenge: str) -> str:
        body = {"pin": pin, "challenge": challenge}
        return str(self.post(f"/sim/v1/dscplus/{device_id}/respond", body, admin=False)["response"])

    def advance(self, seconds: int) -> None:
        self.post("/admin/v1/clock", {"advance_s": seconds})


def loaded(landmark: Any) -> Any:
    """``landmark`` (a locator) shown, then its page's load: the page's scripts have run; ``landmark`` back.

    A page's scripts load at the end of its body, so its controls are in the DOM, and Playwright acts on them,
    before the scripts that wire them run: a key press or a click then went nowhere under CI's load. After a
    navigation (a click, a form sent, a script's ``location.assign``) the new page's ``landmark`` comes first:
    the page's load state straight after a click may be the old document's, already loaded. ``page.goto``
    waits for the load itself. ``slow_scripts.py`` makes the race happen every time, to check a test."""
    expect(landmark).to_be_visible()
    landmark.page.wait_for_load_state("load")
    return landmark


def to_next_page(control: Any) -> None:
    """Click ``control``, which sends its page to another (a form sent, a link), and return once the next
    page has loaded. Straight after the click the page is still the one before it until the server answers:
    a look at it then (an accessibility walk, a load state) looked at the page before, or had the next one
    replace it under the look (CI's load once did: the walk's marks gone with the old document)."""
    with control.page.expect_navigation():
        control.click()


def log_in_with_password(page: Any, url: str, username: str, password: str = PASSWORD) -> None:
    """The login form filled and sent; returns on the page that answered it."""
    page.goto(url + "/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    to_next_page(page.get_by_test_id("login-submit"))


def save_new_password(page: Any, new: str) -> None:
    """ "Forgot your password?" finished: ``new`` typed twice and saved, then the login page that says the
    reset is done, loaded (its scripts run, for what the test does there next). The recovery tests each
    wrote the three steps and the notice's check."""
    page.get_by_test_id("recover-new").fill(new)
    page.get_by_test_id("recover-confirm").fill(new)
    page.get_by_test_id("recover-save").click()
    expect(loaded(page.get_by_test_id("login-notice"))).to_have_text(
        "Your password was reset. Log in with the new one."
    )


def choose_device(page: Any, factor: str) -> None:
    """On the login's "Select Second Factor Device": ``factor`` (``dscplus``, ``totp`` ...) picked and sent;
    returns once its step is shown (``data-factor``), so what the test checks next is on that step."""
    page.get_by_test_id(f"factor-option-{factor}").check()
    page.get_by_test_id("factor-select-submit").click()
    expect(page.get_by_test_id("login-step")).to_have_attribute("data-factor", factor)


def on_the_card_step_beside_an_app(page: Any, world: World, name: str, phone: str) -> None:
    """``name``, with a card (PIN 2468) and an authenticator app, logged in with the password and the card
    picked: on the card's step, the app offered only in its closed "Use another device" list, which the
    test opens its own way (a click, a link's fragment)."""
    world.user(name, phone=phone)
    world.device(name, "dscplus", pin="2468")
    world.device(name, "totp")
    log_in_with_password(page, world.url, name)
    choose_device(page, "dscplus")
    expect(page.get_by_test_id("switch-totp")).to_be_hidden()


def log_in_with_card(page: Any, world: World, name: str, pin: str = "4321") -> str:
    """Log in through the pages; the card's answer comes from /sim/v1 (the card page has its own tests)."""
    world.user(name, phone="+15555550160")
    card_id = str(world.device(name, "dscplus", pin=pin)["device_id"])
    log_in_with_password(page, world.url, name)
    challenge = page.get_by_test_id("step-challenge").inner_text()
    page.get_by_test_id("step-response").fill(world.card_response(card_id, pin, challenge))
    to_next_page(page.get_by_test_id("step-submit"))
    expect(loaded(page.get_by_test_id("account-username"))).to_have_text(name)  # its countdown running
    return card_id


def confirm_identity(page: Any, name: str, password: str = PASSWORD) -> None:
    """ "Verify your identity", step 1 (the broker's): the username and password, then Continue."""
    expect(page.get_by_test_id("verify-title")).to_have_text("Verify your identity")
    page.get_by_test_id("verify-username").fill(name)
    page.get_by_test_id("verify-password").fill(password)
    to_next_page(page.get_by_test_id("verify-continue"))


def verify_with_card(page: Any, world: World, name: str, card_id: str, pin: str) -> None:
    """The account page's verify step whole: the username and password, then the card's response."""
    confirm_identity(page, name)
    challenge = page.get_by_test_id("step-challenge").inner_text()
    page.get_by_test_id("step-response").fill(world.card_response(card_id, pin, challenge))
    to_next_page(page.get_by_test_id("step-submit"))


def log_in_over_the_api(world: World, name: str, card_id: str, pin: str) -> str:
    """Another client's login with the card (a script, another computer): its session token."""
    http = requests.Session()
    started = http.post(
        f"{world.url}/api/v1/auth/login", json={"username": name, "password": PASSWORD}, timeout=10
    )
    assert started.status_code == 200, started.text
    body = started.json()
    response = world.card_response(card_id, pin, body["factor"]["challenge"])
    done = http.post(
        f"{world.url}/api/v1/auth/login/{body['txn_id']}/verify",
        json={"response": response},
        headers={"X-Login-Token": body["login_token"]},
        timeout=10,
    )
    assert done.status_code == 200, done.text
    return str(done.json()["session"]["token"])


def admin_get(world: World, path: str) -> Any:
    """``GET /admin/v1<path>``'s answer, asserted 200: what the server holds, after the console's work."""
    answer = requests.get(world.url + "/admin/v1" + path, headers=world.admin, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def session_status(world: World, token: str) -> int:
    """``GET /api/v1/session``'s status for ``token``: 200 while its session lives, 401 once it ended."""
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{world.url}/api/v1/session", headers=headers, timeout=10).status_code


def ask_for_a_new_number(page: Any, world: World, name: str, card_id: str, pin: str, number: str) -> None:
    """On the account page: a new phone number asked for, and the step-up it needs answered with the card;
    the page then waits for the code texted to the number."""
    page.get_by_test_id("phone-new").fill(number)
    page.get_by_test_id("phone-submit").click()
    verify_with_card(page, world, name, card_id, pin)


def add_user_in_the_app(page: Any, world: World, owner: str, added: str) -> None:
    """On ``owner``'s phone, IBKR Mobile's Add User sent for ``added``, in the broker's steps: the username
    and password (the tests' one), then Continue. What the app answers (the activation form, a refusal) is
    the test's to check; the steps were written out again in each Add User test."""
    page.goto(f"{world.url}/sim/phone/{owner}")
    page.get_by_test_id("phone-tab-ibkey").click()
    page.get_by_test_id("ibkey-add-toggle").click()
    page.get_by_test_id("ibkey-add-username").fill(added)
    page.get_by_test_id("ibkey-add-password").fill(PASSWORD)
    page.get_by_test_id("ibkey-add-submit").click()

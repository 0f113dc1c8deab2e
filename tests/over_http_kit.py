"""What a test does to a running server over real HTTP, as any client would: make a user with a device through
the admin API, sign in to the trainer console with a token, find the address other machines reach it at."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN


def network_address() -> str:
    """This machine's address on its network, where another machine reaches a server listening on every
    interface (``sls_server.reach``); the calling test is skipped on a machine with none (only a name)."""
    from sls_server.reach import outward_address

    address = outward_address()
    if not re.fullmatch(r"\d+\.\d+\.\d+\.\d+", address) or address.startswith("127."):
        pytest.skip(f"no network address to reach this machine at (only {address!r})")
    return address


def signs_in_to_the_console(url: str, token: str) -> bool:
    """The trainer console's sign-in form at ``url``, as a browser posts it, with ``token``: whether it
    signed in (``sls demo`` and ``sls scenario demo`` tests, where the trainer reads a withheld token)."""
    browser, signed = _console_sign_in(url, token)
    return signed.status_code == 303 and 'data-testid="world-save"' in browser.get(f"{url}/trainer").text


def trainer_console(url: str, token: str = ADMIN_TOKEN) -> requests.Session:
    """A browser's session signed in to the trainer console at ``url`` (its live feed, its forms)."""
    browser, signed = _console_sign_in(url, token)
    assert signed.status_code == 303, signed.text
    return browser


def _console_sign_in(url: str, token: str) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    form = browser.get(f"{url}/trainer", timeout=10).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert found, "the sign-in form has no CSRF token"
    signed = browser.post(
        f"{url}/trainer/sign-in",
        data={"token": token, "csrf_token": found.group(1)},
        headers={"Origin": url},
        allow_redirects=False,
        timeout=10,
    )
    return browser, signed


def card_user_over_http(base: str, name: str, password: str, pin: str = "1234") -> dict[str, Any]:
    """A user with a DSC+ card, made through a running server's admin API; the card's enrolment answer
    (``device_id``, ``secret_hex``, ...)."""
    return _user_over_http(base, {"username": name, "password": password}, {"type": "dscplus", "pin": pin})


def ibkey_user_over_http(base: str, name: str, password: str, phone: str, platform: str = "android") -> str:
    """A user with ``phone`` and an IB Key enrolled on it, made through a running server's admin API: the
    phone's device id. The app waits for activation, its code texted to ``phone``."""
    user = {"username": name, "password": password, "phone": phone, "sms": False}
    return str(_user_over_http(base, user, {"type": "ibkey", "platform": platform})["device_id"])


def activation_code_over_http(base: str, phone: str) -> str:
    """The IB Key activation code texted to ``phone`` (``ibkey_user_over_http``'s), read off the simulated
    phone's inbox over HTTP, as the user reads it off the phone."""
    inbox = requests.get(f"{base}/sim/v1/phones/{phone}/messages", timeout=30).json()
    return str(next(m["code"] for m in inbox["messages"] if m["purpose"] == "ibkey_activation"))


def device_busy(answer: requests.Response) -> bool:
    """Whether ``answer`` is a 429 ``device_busy`` asking to come back in a second or more: what a request
    racing others at one card or one phone's app may be told instead of its answer."""
    body: dict[str, Any] = answer.json()
    return answer.status_code == 429 and body["error"] == "device_busy" and body["retry_after"] >= 1


def _user_over_http(base: str, user: dict[str, Any], device: dict[str, Any]) -> dict[str, Any]:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    made = requests.post(f"{base}/admin/v1/users", json=user, headers=admin, timeout=60)
    assert made.status_code == 201, made.text
    enrolled = requests.post(
        f"{base}/admin/v1/users/{user['username']}/devices", json=device, headers=admin, timeout=60
    )
    assert enrolled.status_code == 201, enrolled.text
    return dict(enrolled.json())

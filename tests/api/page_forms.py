"""What the page tests do as a browser would, without one: read a form's CSRF token (or the one a page's
script sends), start a login on the login page, ask for a withdrawal (its step-up), sign in to the trainer
console and drive it (``Console``), and read back through the admin API what it changed. Shared by
``test_pages.py``, ``test_trainer_attacks.py``, ``test_trainer_admin.py``, ``test_trainer_accounts.py``,
``test_pages_outage.py``, ``test_sim_migrate_page.py`` and ``test_sim_page_twins.py``."""

from __future__ import annotations

import re
from typing import Any

from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "a form without its CSRF token"
    return found.group(1)


def forms_without_csrf(html: str) -> tuple[list[str], int]:
    """The forms of ``html`` the browser posts itself (an ``action``) that carry no CSRF token, and how many
    it posts itself in all. A form with no ``action`` is its page script's, which sends the page's token
    (``script_token``); posted without its script (sent before it loaded), it goes to the page's own
    address, which refuses it (405) and does nothing."""
    posting = [
        form
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S)
        if " action=" in form.partition(">")[0]
    ]
    return [form[:120] for form in posting if 'name="csrf_token"' not in form], len(posting)


def recover_hold(html: str) -> str:
    """The hold a "Forgot your password?" page shows its tab once, past the second factor ("" when none)."""
    found = re.search(r'name="hold" value="([^"]*)"', html)
    assert found, "the new-password form"
    return found.group(1)


def script_token(client: FlaskClient, path: str) -> str:
    """The CSRF token a page's script sends (``X-CSRF-Token``): its ``<meta name="csrf-token">``."""
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, f"{path} carries no CSRF token for its script"
    return found.group(1)


def sign_in_to_console(client: FlaskClient) -> str:
    """Signed in to ``/trainer`` with the admin token, as the sign-in form does; the CSRF token the console's
    script sends (``X-CSRF-Token``) with its actions."""
    token = csrf(client.get("/trainer").get_data(as_text=True))
    signed = client.post("/trainer/sign-in", data={"token": ADMIN_TOKEN, "csrf_token": token})
    assert signed.status_code == 303 and signed.headers["Location"] == "/trainer"
    return csrf(client.get("/trainer").get_data(as_text=True))


def start_page_login(client: FlaskClient, user: EnrolledUser) -> tuple[str, str]:
    """A login started on the login page: the step's path and the browser's CSRF token."""
    token = csrf(client.get("/").get_data(as_text=True))
    form = {"username": user.username, "password": user.password, "csrf_token": token}
    started = client.post("/login", data=form)
    assert started.status_code == 303
    return started.headers["Location"], token


def open_withdrawal_step_up(client: FlaskClient, user: EnrolledUser) -> str:
    """Logged in (the API's session cookie, shared with the pages), a withdrawal asked for on the account
    page: its step-up waits at ``/account/verify``; the session's CSRF token."""
    user.log_in()
    token = csrf(client.get("/account").get_data(as_text=True))
    form = {"amount": "2500", "currency": "EUR", "csrf_token": token}
    asked = client.post("/account/withdrawal", data=form)
    assert asked.status_code == 303 and asked.headers["Location"].startswith("/account/verify?task=")
    confirm_identity(client, user.username, user.password, token, asked.headers["Location"])
    return token


def confirm_identity(client: FlaskClient, username: str, password: str, token: str, here: str = "") -> None:
    """ "Verify your identity", step 1 (the broker's): the username and password; the challenge follows.
    ``here``: the task's verify page (its ``?task=``); the last one asked for when not given."""
    here = here or last_task(client)
    form = {"username": username, "password": password, "csrf_token": token}
    confirmed = client.post(here, data=form)
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == here, confirmed.text


def last_task(client: FlaskClient) -> str:
    """The verify page of the task asked for last (each task has its own address and cookie)."""
    names = [c.key for c in client._cookies.values() if c.key.startswith("sls_page_verify_")]
    assert names, "no task waits for a step-up"
    return f"/account/verify?task={names[-1].removeprefix('sls_page_verify_')}"


class Console:
    """The console as its script drives it: signed in, the page's CSRF token on every POST."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = sign_in_to_console(client)

    def post(self, path: str, body: Any = None, status: int = 200) -> dict[str, Any]:
        answer = self.client.post(path, json=body or {}, headers={"X-CSRF-Token": self.token})
        assert answer.status_code == status, answer.get_json()
        return answer.get_json()  # type: ignore[no-any-return]

    def load(self, document: bytes, *, replace: bool) -> TestResponse:
        """A saved world loaded as the console's Load sends it: the file's bytes as they are (JSON or not),
        with the page's CSRF token; the answer, whatever its status, for the test to judge."""
        return self.client.post(
            "/trainer/state/import?replace=true" if replace else "/trainer/state/import",
            data=document,
            content_type="application/json",
            headers={"X-CSRF-Token": self.token},
        )


def admin(client: FlaskClient, headers: dict[str, str], path: str, status: int = 200) -> Any:
    answer = client.get("/admin/v1" + path, headers=headers)
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def world(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    """Everything a saved world holds, as the admin API exports it (its timestamp aside)."""
    document = admin(client, headers, "/state/export")
    document.pop("exported_at")
    return document  # type: ignore[no-any-return]


def unsealed(address: str) -> str:
    """``address`` (a redirect's, a poll's ``next``) without the seal that makes its page say what it says
    (``pages.said``), which it must carry, and the time it was said: what it says, to compare."""
    path, _, query = address.partition("?")
    fields = [field for field in query.split("&") if not field.startswith(("seal=", "at="))]
    assert len(fields) < len(query.split("&")), f"{address} carries no seal"
    return f"{path}?{'&'.join(fields)}" if fields else path

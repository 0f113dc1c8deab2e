"""What the page tests do as a browser would, without one: read a form's CSRF token, sign in to the trainer
console. Shared by ``test_pages.py``, ``test_trainer_attacks.py`` and ``test_pages_outage.py``."""

from __future__ import annotations

import re

from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "a form without its CSRF token"
    return found.group(1)


def sign_in_to_console(client: FlaskClient) -> str:
    """Signed in to ``/trainer`` with the admin token, as the sign-in form does; the CSRF token the console's
    script sends (``X-CSRF-Token``) with its actions."""
    token = csrf(client.get("/trainer").get_data(as_text=True))
    signed = client.post("/trainer/sign-in", data={"token": ADMIN_TOKEN, "csrf_token": token})
    assert signed.status_code == 303 and signed.headers["Location"] == "/trainer"
    return csrf(client.get("/trainer").get_data(as_text=True))

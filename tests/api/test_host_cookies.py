"""The cookies of the whole host (the session, the browser's id the pages' form tokens are bound to) go by
``__Host-`` names over TLS, and over TLS only those names are read: a bare cookie planted by a sibling
subdomain or by a man in the middle on plain HTTP (someone's own session, to log the victim in as them:
"session swapping") is never taken for ours (ASVS 5.0 3.3.1)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient

HTTPS = "https://sls.example"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """A deployment served under its own name, which it names in SLS_ALLOWED_HOSTS (``http/hosts.py``)."""
    return {**app_config, "ALLOWED_HOSTS": "sls.example"}


@pytest.fixture
def mallory(client: FlaskClient, admin_headers: dict[str, str]) -> EnrolledUser:
    return EnrolledUser(client, admin_headers, "mallory", "1234")


def test_over_tls_a_planted_bare_session_cookie_is_not_read(mallory: EnrolledUser) -> None:
    token = mallory.log_in()  # the attacker's own session
    victim = mallory.client.application.test_client()
    victim.set_cookie("sls_session", token, domain="sls.example")
    assert victim.get("/api/v1/session", base_url=HTTPS).status_code == 401
    assert victim.get("/account", base_url=HTTPS).status_code != 200
    victim.set_cookie("__Host-sls_session", token, domain="sls.example", secure=True)
    assert victim.get("/api/v1/session", base_url=HTTPS).status_code == 200, "the name TLS sets is read"
    plain = mallory.client.application.test_client()
    plain.set_cookie("sls_session", token)
    assert plain.get("/api/v1/session").status_code == 200, "over plain HTTP the bare name is the one"


def test_over_tls_the_form_tokens_bind_to_the_host_only_browser_cookie(client: FlaskClient) -> None:
    page = client.get("/", base_url=HTTPS)
    assert "__Host-sls_browser=" in page.headers["Set-Cookie"] and "Secure" in page.headers["Set-Cookie"]
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert found
    form = {"username": "nobody", "password": "not-the-password-1", "csrf_token": found.group(1)}
    assert client.post("/login", data=form, base_url=HTTPS).status_code == 303, "its own token passes"
    planter = client.application.test_client()  # knows the id it planted, and the token bound to it
    planted = planter.get("/")  # over plain HTTP: the bare sls_browser, and a token bound to it
    browser = planter.get_cookie("sls_browser")
    assert browser is not None
    token = re.search(r'name="csrf_token" value="([^"]+)"', planted.get_data(as_text=True))
    assert token
    victim = client.application.test_client()
    victim.set_cookie("sls_browser", browser.value, domain="sls.example")
    forged = {**form, "csrf_token": token.group(1)}
    assert victim.post("/login", data=forged, base_url=HTTPS).status_code == 403

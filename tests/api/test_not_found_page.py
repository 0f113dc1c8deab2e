"""An address nothing serves: a person's browser gets a page naming the emulator's pages; a program, and any
address under the APIs, the contract's JSON ``not_found`` as before. A browser got the raw JSON."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_browser_at_an_address_nothing_serves_gets_a_page_of_the_pages_there_are(
    client: FlaskClient,
) -> None:
    answer = client.get("/nonexistent", headers=BROWSER)
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"
    text = answer.get_data(as_text=True)
    assert "Page not found" in text and "Nothing is served at this address" in text
    for href in ('href="/"', 'href="/trainer"', 'href="/sim"', 'href="/docs"'):
        assert href in text, href
    assert answer.headers["Content-Security-Policy"]  # a page like the others: its headers too


def test_what_is_typed_into_the_address_is_not_repeated_on_the_page(client: FlaskClient) -> None:
    """A link's path would otherwise be a sentence on the broker's page (content spoofing: "/Your account is
    locked, call +1 ..."), and markup in it had to be escaped; the page repeats none of it."""
    for path in ("/<script>alert(1)</script>", "/Your-account-is-locked-call-1-555-0100-now"):
        text = client.get(path, headers=BROWSER).get_data(as_text=True)
        assert "script&gt;" not in text and "<script>alert" not in text and "alert(1)" not in text, path
        assert "Your-account-is-locked" not in text and "555-0100" not in text, path


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/nonexistent", {}),  # a program: no Accept, or */*
        ("/nonexistent", {"Accept": "application/json"}),
        ("/api/v1/nonexistent", BROWSER),  # under an API: the contract's error, whoever asks
        ("/admin/v1/nonexistent", BROWSER),
        ("/sim/v1/nonexistent", BROWSER),
    ],
)
def test_programs_and_the_apis_keep_the_json_error(
    client: FlaskClient, admin_headers: dict[str, str], path: str, headers: dict[str, str]
) -> None:
    answer = client.get(path, headers={**headers, **admin_headers})
    assert answer.status_code == 404 and answer.get_json()["error"] == "not_found", answer.get_data(
        as_text=True
    )


def test_a_post_to_an_address_nothing_serves_stays_json(client: FlaskClient) -> None:
    answer = client.post("/nonexistent", headers=BROWSER)
    assert answer.status_code == 404 and answer.get_json()["error"] == "not_found"


def test_without_simulators_the_page_does_not_offer_them(app_config: dict, admin_headers: dict) -> None:
    from sls_server import create_app

    client = create_app({**app_config, "SIM_ENABLED": False}).test_client()
    text = client.get("/nonexistent", headers=BROWSER).get_data(as_text=True)
    listed = text.split('data-testid="not-found-pages"')[1].split("</ul>")[0]
    assert 'href="/trainer"' in listed and 'href="/sim"' not in listed

"""A page's form its script sends (``method="post"``, no action: the console's Add user, the phone's
conditions) sent by the browser itself, before the script ran or with scripts off: it comes to the page's own
address, which takes no POST. The person was left at a line of the contract's JSON; now a page says what
happened and leads back. Every other 405 (a script's JSON, any API) keeps the contract's JSON."""

from __future__ import annotations

from flask.testing import FlaskClient

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_page_s_form_posted_by_the_browser_is_a_page_that_leads_back(client: FlaskClient) -> None:
    answer = client.post("/trainer", data={"username": "zed", "password": "x"}, headers=BROWSER)
    assert answer.status_code == 405 and answer.mimetype == "text/html", (answer.status_code, answer.mimetype)
    assert "POST" not in answer.headers["Allow"] and "GET" in answer.headers["Allow"]  # RFC 9110: still said
    text = answer.get_data(as_text=True)
    assert "sent by its page&#39;s script, which had not run" in text, text
    assert 'href="/trainer" data-testid="go-back"' in text
    assert "method_not_allowed" in text
    assert answer.headers["Content-Security-Policy"]  # a page like the others


def test_a_script_s_or_a_program_s_wrong_method_keeps_the_contract_s_json(client: FlaskClient) -> None:
    for answer in (
        client.post("/trainer", json={"username": "zed"}),  # a page's script (SLS.call)
        client.post("/trainer", data={"a": "b"}),  # a program posting a form, HTML not asked for
        client.delete("/trainer", headers=BROWSER),  # no form: no browser sends this by itself
        client.post("/api/v1/sessions", data={"a": "b"}, headers=BROWSER),  # an API, whoever asks
    ):
        assert answer.status_code == 405 and answer.is_json, (answer.status_code, answer.mimetype)
        assert answer.get_json()["error"] == "method_not_allowed"

"""A body read as gunicorn hands it over (``wsgi.input_terminated``): to its declared ``Content-Length``, or,
sent in chunks, to the body limit, and never a part of it taken for the whole (``http/bodies.py``).

Werkzeug read such a body up to the limit only: one that ended before its Content-Length was read as what
came ("not valid JSON", a form without its last fields), and a chunked one over the limit was cut at the
limit, silently, and what came before the cut acted on."""

from __future__ import annotations

import io
import json

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf
from werkzeug.test import TestResponse

LIMIT = 64 * 1024
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def as_gunicorn_sends(
    client: FlaskClient, path: str, body: bytes, *, declared: int | None, content_type: str, **headers: str
) -> TestResponse:
    """A POST as a gunicorn worker hands it to the app: the input terminated by the server, with the length
    the client declared (``None``: sent in chunks, no Content-Length)."""
    environ: dict[str, object] = {
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "CONTENT_TYPE": content_type,
    }
    if declared is not None:
        environ["CONTENT_LENGTH"] = str(declared)
    return client.post(path, headers=headers, environ_overrides=environ)


def test_a_body_that_ends_before_its_content_length_is_body_incomplete(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    body = b'{"username": "erin", "password": "Correct-Horse-Battery-9"}'
    answer = as_gunicorn_sends(
        client, "/admin/v1/users", body[:20], declared=len(body), content_type=JSON, **admin_headers
    )
    assert answer.status_code == 400, answer.get_json()
    assert (answer.get_json()["error"], answer.get_json()["field"]) == ("body_incomplete", "body")
    assert client.get("/admin/v1/users/erin", headers=admin_headers).status_code == 404


def test_a_chunked_json_body_over_the_limit_is_refused_as_too_large(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Cut at 64 KiB it was "the body is not valid JSON"."""
    body = json.dumps({"username": "finn", "password": "x" * LIMIT}).encode()
    answer = as_gunicorn_sends(
        client, "/admin/v1/users", body, declared=None, content_type=JSON, **admin_headers
    )
    assert answer.status_code == 400
    assert answer.get_json() == {
        "error": "invalid_request",
        "field": "body",
        "message": "the body is larger than 64 KiB",
    }
    assert client.get("/admin/v1/users/finn", headers=admin_headers).status_code == 404


def test_a_chunked_body_up_to_the_limit_is_read_whole(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    body = json.dumps({"username": "gail", "password": "Correct-Horse-Battery-9"}).encode()
    body += b" " * (LIMIT - len(body))  # exactly the limit: whitespace after the object is still JSON
    answer = as_gunicorn_sends(
        client, "/admin/v1/users", body, declared=None, content_type=JSON, **admin_headers
    )
    assert answer.status_code == 201, answer.get_json()


def test_a_chunked_login_form_over_the_limit_starts_no_login(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The form's fields before the cut at 64 KiB were read, and the login started."""
    user = EnrolledUser(client, admin_headers, "hana", "1234")
    token = csrf(client.get("/").get_data(as_text=True))
    form = f"csrf_token={token}&username=hana&password={user.password}&note=".encode() + b"x" * LIMIT
    answer = as_gunicorn_sends(client, "/login", form, declared=None, content_type=FORM)
    assert answer.status_code == 400 and answer.mimetype == "text/html", answer.status_code
    assert "larger than 64 KiB" in answer.get_data(as_text=True)
    events = client.get("/admin/v1/events?user=hana", headers=admin_headers).get_json()["events"]
    assert not any(event["type"].startswith("login") for event in events), events


def test_a_chunked_state_document_keeps_its_own_larger_limit(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The import's limit (64 MiB) is raised before its body is read, chunked or not."""
    EnrolledUser(client, admin_headers, "ivan", "1234")
    document = client.get("/admin/v1/state/export", headers=admin_headers).get_data()
    padded = document + b" " * (2 * LIMIT)
    answer = as_gunicorn_sends(
        client,
        "/admin/v1/state/import?replace=true",
        padded,
        declared=None,
        content_type=JSON,
        **admin_headers,
    )
    assert answer.status_code == 200, answer.get_json()

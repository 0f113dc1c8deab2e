"""The JSON access line names the client's address, as the text one does.

In text mode gunicorn's access line starts with the peer's address (``cli.gunicorn_logs.ACCESS_LOG_FORMAT``);
the JSON line the app writes in its place (``http.observe``) had no address at all. An operator shipping
JSON logs could not tell where an admin request came from (``user.created``, ``user.deleted`` carry no
address), nor which client a run of 404s or 429s was: the one thing the text line said that the JSON line
did not. Behind ``SLS_TRUSTED_PROXIES`` it is the client the proxy names, as the audit events give it,
not the proxy."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from conftest import EnrolledUser, config_on

from sls_server.app import create_app
from sls_server.telemetry.jsonlog import JsonFormatter


def _access_line(caplog: pytest.LogCaptureFixture) -> dict[str, object]:
    records = [r for r in caplog.records if r.name == "sls_server.access"]
    assert len(records) == 1, records
    line: dict[str, object] = json.loads(JsonFormatter().format(records[0]))
    return line


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [("198.51.100.7", None, "198.51.100.7"), ("10.0.0.2", "203.0.113.9", "203.0.113.9")],
    ids=["direct", "behind-a-trusted-proxy"],
)
def test_the_json_access_line_names_the_client_address(
    redis_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    peer: str,
    forwarded: str | None,
    expected: str,
) -> None:
    settings = {"LOG_FORMAT": "json", "TRUSTED_PROXIES": "10.0.0.0/8"}
    client = create_app(config_on(redis_url, tmp_path / "data", **settings)).test_client()
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    with caplog.at_level(logging.INFO, logger="sls_server.access"):
        answer = client.get("/nowhere", headers=headers, environ_base={"REMOTE_ADDR": peer})
    assert answer.status_code == 404
    line = _access_line(caplog)
    assert line["ip"] == expected, line
    assert line["route"] == "(unmatched)" and line["status"] == 404, line


def test_the_json_access_line_names_the_user_of_the_session_that_made_the_request(
    redis_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture, admin_headers: dict[str, str]
) -> None:
    """An answer to a session (``/api/v1/session``, the account page, a step-up) writes no audit event, so its
    line was the only trace of the request, and it did not say whose session it was: a run of 500s or slow
    answers could not be tied to the user who met them. The session's user is named; a request whose token
    opens no session names nobody (the name it claims is no one's to write)."""
    client = create_app(config_on(redis_url, tmp_path / "data", LOG_FORMAT="json")).test_client()
    token = EnrolledUser(client, admin_headers, "alice", "1234").log_in()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="sls_server.access"):
        assert client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert _access_line(caplog)["user"] == "alice"
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="sls_server.access"):
        refused = client.get("/api/v1/session", headers={"Authorization": "Bearer alice~not-a-live-session"})
    assert refused.status_code == 401
    assert "user" not in _access_line(caplog)

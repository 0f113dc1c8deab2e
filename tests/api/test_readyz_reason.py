"""``/readyz``'s 503 on one Redis says why, as a Cluster's does: it answered only the generic "cannot serve
this request right now", and an operator behind a load balancer had the 503 and nothing else. It says so
without where Redis is: ``/readyz`` answers anyone who reaches the port (a classroom's LAN), and it named
the host and port of a Redis that may take commands without a password; the address is in the log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient

from sls_server.app import create_app
from sls_server.store.embedded import free_port


def test_a_redis_that_does_not_answer_is_a_503_that_says_why_and_logs_where(
    app_config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    closed = free_port()  # nothing listens there
    url = f"redis://:not-said@127.0.0.1:{closed}/0"
    client: FlaskClient = create_app({**app_config, "REDIS_URL": url, "REDIS_TIMEOUT": 0.5}).test_client()

    with caplog.at_level(logging.WARNING, logger="sls_server"):
        ready = client.get("/readyz")

    assert ready.status_code == 503  # the readiness semantics as they were
    body = ready.get_json()
    assert body["error"] == "store_unavailable" and body["status"] == "unavailable"
    assert body["message"].startswith("Redis did not take the readiness probe's write"), body
    assert body["message"].endswith(": ConnectionError (Connection refused)."), body
    said = ready.get_data(as_text=True)
    assert str(closed) not in said and "127.0.0.1" not in said, said
    assert "not-said" not in said and ADMIN_TOKEN not in said
    logged = [r.getMessage() for r in caplog.records if "Store.check_writable" in r.getMessage()]
    assert any(f"127.0.0.1:{closed}" in line and "refused" in line for line in logged), logged
    assert not any("not-said" in line for line in logged), logged


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("redis://redis.internal.invalid:6379/0", "ConnectionError ("),  # the resolver's words vary
        ("unix:///tmp/sls-no-such-folder/redis.sock", "ConnectionError (No such file or directory)"),
    ],
)
def test_an_unresolvable_host_or_a_missing_socket_is_said_in_words_without_the_address(
    app_config: dict[str, Any], url: str, words: str
) -> None:
    client: FlaskClient = create_app({**app_config, "REDIS_URL": url, "REDIS_TIMEOUT": 0.5}).test_client()

    ready = client.get("/readyz")

    assert ready.status_code == 503
    message = ready.get_json()["message"]
    assert f": {words}" in message and message.endswith(").") and "connecting to" not in message, message
    assert "internal" not in message and "sls-no-such-folder" not in message and "6379" not in message

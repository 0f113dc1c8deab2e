"""``/readyz``'s 503 on one Redis says why, as a Cluster's does (the master's address and what went wrong):
it answered only the generic "cannot serve this request right now", and an operator behind a load balancer
had the 503 and nothing else."""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient

from sls_server.app import create_app
from sls_server.store.embedded import free_port


def test_a_redis_that_does_not_answer_is_a_503_that_says_where_and_why(app_config: dict[str, Any]) -> None:
    closed = free_port()  # nothing listens there
    url = f"redis://:not-said@127.0.0.1:{closed}/0"
    client: FlaskClient = create_app({**app_config, "REDIS_URL": url, "REDIS_TIMEOUT": 0.5}).test_client()

    ready = client.get("/readyz")

    assert ready.status_code == 503  # the readiness semantics as they were
    body = ready.get_json()
    assert body["error"] == "store_unavailable" and body["status"] == "unavailable"
    assert body["message"].startswith("Redis did not take the readiness probe's write"), body
    assert f"127.0.0.1:{closed}" in body["message"] and "refused" in body["message"], body
    assert body["message"].endswith("Connection refused.)"), body
    assert "not-said" not in ready.get_data(as_text=True) and ADMIN_TOKEN not in ready.get_data(as_text=True)

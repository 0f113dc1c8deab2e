"""``SLS_METRICS_TOKEN``: /metrics behind a bearer token of its own.

Under ``SLS_IP_REFUSAL=silent`` the counters still tell an allowlist's refusals apart from wrong passwords,
so whoever reads /metrics before and after a try learns what the silent answer hides. Set, the token is the
only way in (401 ``metrics_token_required`` with ``WWW-Authenticate: Bearer``; the admin token does not open
it), checked in memory; unset, /metrics is open as before. The token is never echoed nor logged.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, TOPOLOGY
from flask.testing import FlaskClient
from round_trip_kit import collector_held, own_reads, reads

from sls_server import create_app
from sls_server.config import load_settings
from sls_server.errors import InvalidConfig
from sls_server.exposure import metrics_exposure
from sls_server.store import connect

METRICS_TOKEN = "prometheus-scrape-token-0123456789"

WRONG = [
    None,
    "",
    "Bearer",
    f"Bearer {METRICS_TOKEN}x",
    f"Bearer {METRICS_TOKEN[:-1]}",
    f"Basic {METRICS_TOKEN}",
    f"Bearer {ADMIN_TOKEN}",
]


@pytest.fixture
def guarded(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "METRICS_TOKEN": METRICS_TOKEN}).test_client()


def test_unset_metrics_stay_open(client: FlaskClient) -> None:
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    assert "WWW-Authenticate" not in answer.headers
    assert "no-store" not in answer.headers.get("Cache-Control", "")  # a public document, as before


@pytest.mark.parametrize("authorization", WRONG)
def test_set_without_the_right_token_it_is_401_and_nothing_leaks(
    guarded: FlaskClient, authorization: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = guarded.get("/metrics", headers=headers)
    assert answer.status_code == 401
    assert answer.get_json()["error"] == "metrics_token_required"
    assert "SLS_METRICS_TOKEN" in answer.get_json()["message"]
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert answer.headers["Cache-Control"] == "no-store"
    assert "sls_" not in answer.get_data(as_text=True)
    assert METRICS_TOKEN not in answer.get_data(as_text=True)
    assert METRICS_TOKEN[:-1] not in caplog.text


def test_with_the_token_the_scrape_answers(guarded: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for scheme in ("Bearer", "bearer"):  # the scheme is case-insensitive (RFC 9110)
        answer = guarded.get("/metrics", headers={"Authorization": f"{scheme} {METRICS_TOKEN}"})
        assert answer.status_code == 200 and answer.mimetype == "text/plain"
        assert "sls_http_requests_total" in answer.get_data(as_text=True)
        assert answer.headers["Cache-Control"] == "no-store"  # for the scraper: no cache between hands it on
    assert METRICS_TOKEN not in caplog.text


def test_the_other_open_routes_stay_open(guarded: FlaskClient) -> None:
    assert guarded.get("/healthz").status_code == 200
    assert guarded.get("/readyz").status_code == 200
    assert guarded.get("/openapi.json").status_code == 200


@pytest.mark.skipif(TOPOLOGY != "single", reason="counts one redis-server's reads")
def test_the_check_costs_no_redis_round_trip(guarded: FlaskClient, redis_url: str) -> None:
    guarded.get("/healthz")  # the app's connections are open
    observer = connect(redis_url)
    with collector_held(observer):
        before = reads(observer)
        assert guarded.get("/metrics").status_code == 401
        assert reads(observer) - before == own_reads(observer)


def test_the_setting_must_be_a_real_token() -> None:
    with pytest.raises(InvalidConfig) as caught:
        load_settings({}, environ={"SLS_METRICS_TOKEN": "short"})
    assert caught.value.key == "SLS_METRICS_TOKEN"
    assert "SLS_METRICS_TOKEN" in caught.value.message and "short" not in caught.value.message
    assert load_settings({}, environ={"SLS_METRICS_TOKEN": METRICS_TOKEN}).metrics_token == METRICS_TOKEN
    assert load_settings({}, environ={"SLS_METRICS_TOKEN": ""}).metrics_token is None


def test_the_document_describes_the_optional_token(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    described = spec["paths"]["/metrics"]["get"]
    assert described["security"] == [{}, {"metricsToken": []}]
    assert spec["components"]["securitySchemes"]["metricsToken"]["scheme"] == "bearer"
    refused = described["responses"]["401"]
    assert "metrics_token_required" in refused["description"]
    assert "WWW-Authenticate" in refused["headers"]
    assert "WWW-Authenticate" not in described["responses"]["200"]["headers"]


def test_silent_refusals_beside_an_open_metrics_are_a_start_up_warning() -> None:
    def warning(**environ: str) -> str | None:
        return metrics_exposure(load_settings({}, environ=environ), "127.0.0.1")

    said = warning(SLS_IP_REFUSAL="silent")
    assert said is not None and "/metrics reveals silent refusals" in said and "SLS_METRICS_TOKEN" in said
    assert warning(SLS_IP_REFUSAL="silent", SLS_METRICS_TOKEN=METRICS_TOKEN) is None
    assert warning(SLS_IP_REFUSAL="explicit") is None and warning() is None


@pytest.mark.parametrize(
    ("host", "warned"), [("0.0.0.0", True), ("", True), ("127.0.0.1", False), ("::1", False)]
)
def test_an_open_metrics_beyond_loopback_is_a_start_up_warning(host: str, warned: bool) -> None:
    """Its counts of texts and events go up only for a real user's name (a lock's notice, a password
    reset's code), where the answers are alike for any name."""
    said = metrics_exposure(load_settings({}, environ={}), host)
    assert (said is not None) is warned, said
    if said is not None:
        assert "made-up" in said and "SLS_METRICS_TOKEN" in said
    assert metrics_exposure(load_settings({}, environ={"SLS_METRICS_TOKEN": METRICS_TOKEN}), host) is None

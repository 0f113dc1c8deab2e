"""Wrong ``SLS_METRICS_TOKEN`` guesses are counted per client address (``auth.metrics_access``).

/metrics compared its token in memory, as often as a client cared to ask, and recorded nothing: 200 wrong
bearer tokens from one address in a row were each answered 401 and the 201st, the right one, 200, while the
admin and sim tokens already shut their doors after ``SLS_IP_THROTTLE_LIMIT`` wrong ones. Now wrong metrics
tokens count in a window of their own (a Prometheus left with an old token never shuts the admin API to its
machine, nor a mistyped admin token the scrape); while it is full every token from the address is 429, the
right one too; a scraper elsewhere is not affected; and a scrape while Redis cannot serve still answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient
from json_error_kit import told_to_wait

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis

LIMIT, WINDOW = 3, 300
METRICS_TOKEN = "prometheus-scrape-token-0123456789"
GUESSER, SCRAPER = "198.51.100.66", "192.0.2.10"


@pytest.fixture
def guarded(app_config: dict[str, Any]) -> FlaskClient:
    settings = {"IP_THROTTLE_LIMIT": LIMIT, "IP_THROTTLE_WINDOW": WINDOW, "METRICS_TOKEN": METRICS_TOKEN}
    return create_app({**app_config, **settings}).test_client()


def scrape(client: FlaskClient, token: str | None, ip: str = GUESSER) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": ip})


def admin(client: FlaskClient, path: str, ip: str = SCRAPER, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    method = client.post if "json" in kwargs else client.get
    return method(path, headers=headers, environ_base={"REMOTE_ADDR": ip}, **kwargs)


def test_wrong_metrics_tokens_shut_metrics_to_the_address_the_right_token_too(guarded: FlaskClient) -> None:
    for n in range(LIMIT):
        wrong = scrape(guarded, f"metrics-guess-number-{n}")
        assert wrong.status_code == 401 and wrong.get_json()["error"] == "metrics_token_required"

    told_to_wait(scrape(guarded, "one-metrics-guess-too-many"), WINDOW)
    right = scrape(guarded, METRICS_TOKEN)  # a right guess now would still read as a wrong one
    told_to_wait(right, WINDOW)
    assert "sls_" not in right.get_data(as_text=True)

    assert scrape(guarded, METRICS_TOKEN, ip=SCRAPER).status_code == 200  # the monitoring's own address
    assert admin(guarded, "/admin/v1/clock", json={"advance_s": WINDOW}).status_code == 200
    assert scrape(guarded, METRICS_TOKEN).status_code == 200  # the guesses have left the window


def test_no_token_at_all_is_no_guess(guarded: FlaskClient) -> None:
    for _ in range(LIMIT * 3):
        assert scrape(guarded, None).status_code == 401
    assert scrape(guarded, METRICS_TOKEN).status_code == 200


def test_metrics_guesses_and_admin_guesses_are_counted_apart(guarded: FlaskClient) -> None:
    """A Prometheus left with an old token must not shut the admin API to its machine, nor wrong admin
    tokens typed there blind the monitoring."""
    for n in range(LIMIT):
        assert scrape(guarded, f"an-old-metrics-token-{n}", ip=SCRAPER).status_code == 401
    assert admin(guarded, "/admin/v1/users").status_code == 200

    for n in range(LIMIT):
        wrong = guarded.get(
            "/admin/v1/users",
            headers={"Authorization": f"Bearer admin-guess-{n}-of-many"},
            environ_base={"REMOTE_ADDR": GUESSER},
        )
        assert wrong.status_code == 401
    assert scrape(guarded, METRICS_TOKEN).status_code == 200


def test_wrong_tokens_are_recorded_once_per_address_never_the_token(guarded: FlaskClient) -> None:
    for n in range(LIMIT):
        scrape(guarded, f"secret-looking-metrics-guess-{n}")
    events = admin(guarded, "/admin/v1/events?type=metrics.token_refused")
    recorded = events.get_json()["events"]
    assert [(e["ip"], e["result"]) for e in recorded] == [(GUESSER, "wrong_token")], recorded
    assert "secret-looking-metrics-guess" not in events.get_data(as_text=True)


def test_the_document_names_the_429(guarded: FlaskClient) -> None:
    described = guarded.get("/openapi.json").get_json()["paths"]["/metrics"]["get"]
    assert "rate_limited" in described["responses"]["429"]["description"]


def test_with_redis_down_the_right_token_still_scrapes_and_a_wrong_one_is_refused(
    app_config: dict[str, Any], tmp_path: Path
) -> None:
    own = EmbeddedRedis(tmp_path / "own-redis").start()
    try:
        config = {**app_config, "REDIS_URL": own.url, "REDIS_TIMEOUT": 0.5, "METRICS_TOKEN": METRICS_TOKEN}
        client = create_app(config).test_client()
        assert scrape(client, METRICS_TOKEN).status_code == 200
        own.stop()

        answer = scrape(client, METRICS_TOKEN)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert 'sls_redis_errors_total{kind="unavailable"}' in answer.get_data(as_text=True)
        assert scrape(client, "a-guess-while-redis-is-down").status_code == 401
    finally:
        own.stop()

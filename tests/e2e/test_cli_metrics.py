"""``sls metrics`` against a real ``sls serve``: the counters a login moved, read back through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from cli_world import Demo, seeded
from conftest import DEMO_ENV

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(sls_serve: Any, tmp_path: Path) -> Demo:
    return seeded(sls_serve(workers=1, **DEMO_ENV), tmp_path / "cli-data")


def attempts(demo: Demo) -> dict[tuple[str, str], float]:
    return {
        (s["labels"]["result"], s["labels"]["factor"]): s["value"]
        for s in demo.json("metrics", "--name", "login_attempts")
        if s["name"] == "sls_login_attempts_total"
    }


def test_a_login_shows_in_the_metrics(demo: Demo) -> None:
    nothing = demo.ok("metrics", "--name", "login_attempts")
    assert nothing.stdout == "" and "nothing counted yet with 'login_attempts'" in nothing.stderr
    before = attempts(demo)
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"
    after = attempts(demo)
    succeeded = [key for key in after if after[key] > before.get(key, 0.0)]
    assert succeeded and all(result == "success" for result, _ in succeeded), after

    shown = demo.ok("metrics").stdout
    assert "sls_login_attempts_total" in shown and "sls_http_requests_total" in shown
    assert "_bucket" not in shown  # buckets only with --json


def test_name_filters_and_json_keeps_every_sample(demo: Demo) -> None:
    every = demo.json("metrics")
    assert any(s["name"].endswith("_bucket") for s in every)
    assert {s["metric"] for s in every} >= {"sls_http_requests", "sls_http_request_duration_seconds"}
    only = demo.json("metrics", "--name", "lockouts")
    assert only == [s for s in every if "lockouts" in s["metric"]]


def test_name_takes_the_sample_names_the_table_shows_and_any_of_several(demo: Demo) -> None:
    """--name matched the metric's name only (sls_login_attempts), so the sample name the table shows,
    sls_login_attempts_total, found nothing; and several --name had all to match one name, so the help's
    own example, --name login --name lockouts, never showed anything."""
    demo.json("login", "card-carl", "--auto")
    shown = demo.json("metrics", "--name", "sls_login_attempts_total")
    assert shown and {s["name"] for s in shown} == {"sls_login_attempts_total"}
    both = demo.json("metrics", "--name", "login_attempts", "--name", "sessions")
    assert {s["metric"] for s in both} == {"sls_login_attempts", "sls_active_sessions"}


def test_no_server_is_said_plainly(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sls_server.cli.main import cli

    env = {"SLS_DATA_DIR": str(tmp_path), "SLS_URL": "http://127.0.0.1:9", "SLS_ADMIN_TOKEN": ""}
    result = CliRunner().invoke(cli, ["metrics"], env=env, prog_name="sls")
    assert result.exit_code == 1 and "no server at http://127.0.0.1:9" in result.stderr


METRICS_TOKEN = "prometheus-scrape-token-0123456789"
WARNING = "reveals silent refusals"


def _metrics(server_url: str, tmp_path: Path, *args: str, token: str = "") -> Any:
    from click.testing import CliRunner

    from sls_server.cli.main import cli

    env = {
        "SLS_DATA_DIR": str(tmp_path),
        "SLS_URL": server_url,
        "SLS_ADMIN_TOKEN": "",
        "SLS_METRICS_TOKEN": token,
    }
    result = CliRunner().invoke(cli, ["metrics", *args], env=env, prog_name="sls")
    assert "Traceback" not in result.output and METRICS_TOKEN not in result.output, result.output
    return result


def test_a_server_with_a_metrics_token_is_read_with_it(sls_serve: Any, tmp_path: Path) -> None:
    server = sls_serve(workers=1, SLS_METRICS_TOKEN=METRICS_TOKEN, SLS_IP_REFUSAL="silent")
    refused = _metrics(server.url, tmp_path)
    assert refused.exit_code == 1, refused.output
    assert "metrics_token_required" in refused.stderr and "--metrics-token" in refused.stderr
    given = _metrics(server.url, tmp_path, "--json", "--metrics-token", METRICS_TOKEN)
    assert given.exit_code == 0 and any(s["metric"] == "sls_http_requests" for s in json.loads(given.stdout))
    from_env = _metrics(server.url, tmp_path, "--name", "http_requests", token=METRICS_TOKEN)
    assert from_env.exit_code == 0 and "sls_http_requests_total" in from_env.stdout
    log = server.log()
    assert METRICS_TOKEN not in log and WARNING not in log  # silent, but /metrics is guarded


def test_silent_refusals_beside_an_open_metrics_are_warned_of_once(sls_serve: Any) -> None:
    server = sls_serve(workers=2, SLS_IP_REFUSAL="silent")
    warned = [line for line in server.log().splitlines() if WARNING in line]
    assert len(warned) == 1 and "[WARNING]" in warned[0] and "SLS_METRICS_TOKEN" in warned[0], warned
    assert WARNING not in sls_serve(workers=1).log()  # explicit refusals: nothing to warn of


def test_the_rare_counters_are_at_zero_from_the_first_scrape(sls_serve: Any) -> None:
    """An operator's alert on ``sls_lockouts_total`` or ``sls_redis_errors_total`` found no series on a fresh
    server until the first lock or the first failure: it could not tell zero from a scrape that missed."""
    server = sls_serve(workers=2)
    text = requests.get(f"{server.url}/metrics", timeout=10).text
    for series in (
        'sls_lockouts_total{kind="account"}',
        'sls_lockouts_total{kind="device"}',
        'sls_lockouts_total{kind="card_pin"}',
        'sls_messages_sent_total{channel="sms",outcome="delivered",reason="none"}',
        'sls_messages_sent_total{channel="sms",outcome="delivered",reason="sim_swapped"}',
        'sls_messages_sent_total{channel="sms",outcome="dropped",reason="carrier_blocked"}',
        'sls_messages_sent_total{channel="sms",outcome="dropped",reason="needs_restart"}',
        'sls_messages_sent_total{channel="sms",outcome="dropped",reason="roaming_lost"}',
        'sls_messages_sent_total{channel="voice",outcome="delivered",reason="none"}',
        'sls_messages_sent_total{channel="voice",outcome="delivered",reason="sim_swapped"}',
        'sls_messages_sent_total{channel="push",outcome="delivered",reason="none"}',
        'sls_redis_errors_total{kind="unavailable"}',
        'sls_redis_errors_total{kind="bug"}',
        'sls_long_held_requests{kind="outbox_wait"}',
        'sls_long_held_requests{kind="trainer_feed"}',
    ):
        assert f"\n{series} 0.0\n" in text, series

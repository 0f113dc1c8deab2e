"""``GET /admin/v1/settings``: the settings a running server took, for a client that did not start it (a
scenario run with ``--server``, the pytest plugin's ``--sls-server``), which could only guess them. Never a
secret: the tokens and the key are named as set, never shown; a Redis URL's password is masked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import ADMIN_TOKEN, config_on
from page_forms import Console

from sls_server import create_app
from sls_server.config import load_settings
from sls_server.settings_view import settings_view

SIM_TOKEN = "sim-token-not-to-be-shown-0123"
METRICS_TOKEN = "metrics-token-not-to-be-shown-0123"


def test_the_settings_a_server_took_are_read_with_the_admin_token(redis_url: str, tmp_path: Path) -> None:
    config = config_on(
        redis_url,
        tmp_path / "data",
        LOCKOUT_THRESHOLD=3,
        IDLE_TIMEOUT=600,
        SIM_TOKEN=SIM_TOKEN,
        METRICS_TOKEN=METRICS_TOKEN,
        TRUSTED_PROXIES="127.0.0.1/32",
    )
    client = create_app(config).test_client()

    refused = client.get("/admin/v1/settings")
    read = client.get("/admin/v1/settings", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})

    assert refused.status_code == 401
    assert read.status_code == 200, read.get_json()
    body: dict[str, Any] = read.get_json()
    settings = body["settings"]
    assert settings["SLS_LOCKOUT_THRESHOLD"] == 3 and settings["SLS_IDLE_TIMEOUT"] == 600
    assert settings["SLS_HASH_PROFILE"] == "test" and settings["SLS_GATEWAY"] is False
    assert settings["SLS_PUSH_LIMIT"] == 3  # a default, said too
    assert settings["SLS_TRUSTED_PROXIES"] == ["127.0.0.1/32"]
    assert sorted(body["secrets_set"]) == [
        "SLS_ADMIN_TOKEN",
        "SLS_METRICS_TOKEN",
        "SLS_SECRET_KEY",
        "SLS_SIM_TOKEN",
    ]
    for secret in ("SLS_ADMIN_TOKEN", "SLS_SECRET_KEY", "SLS_SIM_TOKEN", "SLS_METRICS_TOKEN"):
        assert secret not in settings
    text = read.get_data(as_text=True)
    for secret in (ADMIN_TOKEN, SIM_TOKEN, METRICS_TOKEN):
        assert secret not in text


def test_a_secret_left_unset_is_not_listed_and_a_redis_password_is_masked() -> None:
    settings = load_settings(
        {"REDIS_URL": "redis://:s3cret-pw@redis.example:6379/0", "ADMIN_TOKEN": ADMIN_TOKEN}, environ={}
    )

    view = settings_view(settings)

    assert view["settings"]["SLS_REDIS_URL"] == "redis://:***@redis.example:6379/0"
    assert view["secrets_set"] == ["SLS_ADMIN_TOKEN"]
    assert view["settings"]["SLS_GATEWAY_DAILY_RESET"] is None  # unset: null, not left out
    assert "s3cret-pw" not in str(view)


def test_the_console_shows_the_settings_a_trainer_looks_up(redis_url: str, tmp_path: Path) -> None:
    """Where a trainer asks "how many wrong passwords lock her out here?": the console's Server settings,
    the route's values, secrets only said to be set."""
    config = config_on(redis_url, tmp_path / "data", LOCKOUT_THRESHOLD=4, SIM_TOKEN=SIM_TOKEN)
    client = create_app(config).test_client()
    Console(client)

    page = client.get("/trainer").get_data(as_text=True)

    card = re.search(r'<section[^>]*data-testid="trainer-settings".*?</section>', page, re.S)
    assert card, "no Server settings card on the console"
    shown = card.group(0)
    assert re.search(r'data-testid="setting-SLS_LOCKOUT_THRESHOLD".*?>4<', shown, re.S), shown
    assert re.search(r'data-testid="setting-SLS_SIM_TOKEN".*?set, hidden', shown, re.S), shown
    assert SIM_TOKEN not in page and ADMIN_TOKEN not in page

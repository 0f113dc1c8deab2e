"""A world wipe (``POST /admin/v1/reset``, ``sls wipe``) keeps the check of the key the Redis's secrets are
sealed under: servers of the fleet still run with that key, so a server started after the wipe with another
one (or none: it would generate its own) must still be refused, not take the check over and answer 500 for
every card enrolled through the others (``runtime.claim_secret_key``)."""

from __future__ import annotations

from typing import Any

import pytest

from sls_server import create_app
from sls_server.config import load_settings
from sls_server.errors import InvalidConfig
from sls_server.runtime import claim_secret_key
from sls_server.secretbox import key_check
from sls_server.store import keys
from sls_server.store.connection import connect

FLEET_KEY = bytes.fromhex("5e" * 32)
OTHER_KEY = bytes.fromhex("6f" * 32)


def test_a_wipe_keeps_the_key_check_so_a_server_with_another_key_is_still_refused(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    fleet = load_settings({**app_config, "SECRET_KEY": FLEET_KEY.hex()}, environ={})
    other = load_settings({**app_config, "SECRET_KEY": OTHER_KEY.hex()}, environ={})
    claim_secret_key(fleet)  # the fleet's first server, at its start
    client = create_app({**app_config, "SECRET_KEY": FLEET_KEY.hex()}).test_client()
    made = client.post(
        "/admin/v1/users", json={"username": "ann", "password": "Pass-Word-1234"}, headers=admin_headers
    )
    assert made.status_code == 201, made.get_json()

    wiped = client.post("/admin/v1/reset", headers=admin_headers)

    assert wiped.status_code == 200, wiped.get_json()
    assert wiped.get_json()["keys_deleted"] > 0
    with pytest.raises(InvalidConfig) as refused:
        claim_secret_key(other)  # a server started after the wipe with another key
    assert refused.value.key == "SLS_SECRET_KEY"
    claim_secret_key(fleet)  # one with the fleet's key still starts
    redis = connect(app_config["REDIS_URL"])
    try:
        assert redis.get(keys.SECRET_KEY_CHECK) == key_check(FLEET_KEY)
    finally:
        redis.close()

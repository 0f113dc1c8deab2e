"""A worker whose server could not check ``SLS_SECRET_KEY`` at start-up (Redis did not answer) checks it
itself before it serves anything that needs the key.

``sls serve`` refuses a Redis whose secrets are sealed under another key, but one that did not answer at
start-up was judged by the master's ``cli.key_watch`` once a second after it came back: in between, requests
were served with a key no other instance shares (a card enrolled then was sealed under it, and 500 on every
other instance). The master now tells its workers (``create_app(key_checked=False)``): each request asks
Redis first until one finds the key is the fleet's, and a mismatch is a 503 with nothing written.
"""

from __future__ import annotations

from pathlib import Path

from conftest import config_on

from sls_server.app import create_app
from sls_server.config import load_settings
from sls_server.runtime import claim_secret_key
from sls_server.store import connect, keys

OTHER_KEY = "cd" * 32
OWN_KEY = "ab" * 32


def _claimed_by(redis_url: str, key_hex: str) -> None:
    """The fleet's key check, as a first server of that key records it at its start."""
    assert claim_secret_key(load_settings({"redis_url": redis_url, "secret_key": key_hex}, environ={}))


def test_a_worker_told_the_key_is_unchecked_refuses_every_request_on_a_redis_of_another_key(
    redis_url: str, tmp_path: Path, admin_headers: dict[str, str]
) -> None:
    _claimed_by(redis_url, OTHER_KEY)
    config = config_on(redis_url, tmp_path / "data", SECRET_KEY=OWN_KEY)
    client = create_app(config, key_checked=False).test_client()
    made = client.post(
        "/admin/v1/users", json={"username": "alice", "password": "Tulip-Harbour-2030"}, headers=admin_headers
    )
    assert made.status_code == 503 and made.get_json()["error"] == "store_unavailable", made.get_json()
    assert not connect(redis_url).exists(keys.user("alice")), "nothing written"
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200  # liveness needs no key


def test_a_worker_told_the_key_is_unchecked_serves_once_redis_holds_its_key(
    redis_url: str, tmp_path: Path, admin_headers: dict[str, str]
) -> None:
    _claimed_by(redis_url, OWN_KEY)
    config = config_on(redis_url, tmp_path / "data", SECRET_KEY=OWN_KEY)
    client = create_app(config, key_checked=False).test_client()
    made = client.post(
        "/admin/v1/users", json={"username": "alice", "password": "Tulip-Harbour-2030"}, headers=admin_headers
    )
    assert made.status_code == 201, made.get_json()

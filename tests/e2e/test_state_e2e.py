"""``sls state`` against real ``sls serve`` processes: a world exported from one server and imported into
another (or the same, wiped), and old sealed secrets counted and sealed again, the card still logging in."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
import requests
from over_http_kit import card_user_over_http

from sls_devices.dscplus import expected_response
from sls_server.secretbox import SecretBox, device_box
from sls_server.store import connect, keys

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-Battery-9"


def test_sls_state_export_and_import_between_two_servers(sls_serve, tmp_path: Path) -> None:
    key = {"SLS_SECRET_KEY": "5a" * 32}
    first = sls_serve(workers=1, **key)
    card_user_over_http(first.url, "carol", PASSWORD)
    saved = tmp_path / "world.json"
    exported = first.sls("state", "export", "-o", str(saved), "--json")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["users"] == 1
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    wiped = first.sls("wipe", "--yes")
    assert wiped.returncode == 0, wiped.stderr
    loaded = first.sls("state", "import", str(saved), "--replace", "--json")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["imported"]["devices"] == 1
    shown = first.sls("user", "show", "carol", "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["username"] == "carol"
    again = first.sls("state", "import", str(saved))
    assert again.returncode == 1 and "exists already" in again.stderr


def test_sls_state_secrets_and_reseal_move_an_old_cards_key_and_it_still_logs_in(
    sls_serve, redis_url: str
) -> None:
    """A card sealed by a server before ``v2`` (under the secret key itself): ``sls state secrets`` counts
    it, ``sls state reseal`` seals it again under the current key, and the card's next login works; a card
    sealed under another key is named and left as it was."""
    key = bytes.fromhex("5b" * 32)
    server = sls_serve(workers=1, SLS_SECRET_KEY=key.hex())
    card = card_user_over_http(server.url, "carol", PASSWORD, pin="2468")
    context = f"dscplus:{card['device_id']}"
    client = connect(redis_url)
    try:
        stored = client.hget(keys.device(card["device_id"]), "sealed")
        old = SecretBox(key).seal(device_box(key).open(stored, context), context)  # as stored before v2
        client.hset(keys.device(card["device_id"]), "sealed", old)

        counted = server.sls("state", "secrets")
        assert counted.returncode == 0, counted.stderr
        assert "v1 1" in counted.stdout and "sls state reseal" in counted.stderr
        moved = server.sls("state", "reseal", "--json")
        assert moved.returncode == 0, moved.stderr
        assert json.loads(moved.stdout) == {
            "sealing_version": "v2",
            "devices": {"v2": 1},
            "ibkey_apps": {},
            "older": 0,
            "resealed": 1,
            "unopened": [],
        }
        other = card_user_over_http(server.url, "dave", PASSWORD)  # a card another server's key sealed
        foreign = SecretBox(bytes.fromhex("5c" * 32)).seal(b"{}", f"dscplus:{other['device_id']}")
        client.hset(keys.device(other["device_id"]), "sealed", foreign)
        told = server.sls("state", "reseal")
        assert told.returncode == 0, told.stderr
        assert "sealed again" in told.stdout and other["device_id"] in told.stderr  # named, left as it was
        assert client.hget(keys.device(other["device_id"]), "sealed") == foreign
        now = client.hget(keys.device(card["device_id"]), "sealed")
        assert now.startswith("v2:") and device_box(key).open(now, context) == device_box(key).open(
            old, context
        )
    finally:
        client.close()
    started = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "carol", "password": PASSWORD}, timeout=60
    ).json()
    response = expected_response(
        bytes.fromhex(card["secret_hex"]), hashlib.sha1(b"2468").digest(), started["factor"]["challenge"]
    )
    done = requests.post(
        f"{server.url}/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": response},
        headers={"X-Login-Token": started["login_token"]},
        timeout=60,
    )
    assert done.status_code == 200 and done.json()["state"] == "authenticated", done.text

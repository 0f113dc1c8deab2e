"""``sls user delete`` meeting a user whose device another request is changing says so, and when to try again,
in one line (exit 1), and deletes nothing: the user is there for the next try, which deletes them."""

from __future__ import annotations

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from conftest import ADMIN_TOKEN
from flask import Flask
from flask.testing import FlaskClient
from served_kit import served_over_http

OTHER = "another-request"


def test_sls_user_delete_says_busy_and_when_to_try_again(
    app: Flask,
    client: FlaskClient,
    admin_headers: dict[str, str],
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sls_server.turns._pause", lambda _: None)  # the waits for the turn, not waited
    made = client.post(
        "/admin/v1/users",
        json={"username": "alice", "password": "Correct-Horse-5-Battery"},
        headers=admin_headers,
    )
    assert made.status_code == 201, made.get_json()
    card = client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "1234"}, headers=admin_headers
    )
    card_id = card.get_json()["device_id"]
    devices = app.extensions["sls"].store.devices
    assert devices.take_turn(card_id, OTHER, lease_ms=60_000)
    delete = ("user", "delete", "alice", "--yes", "--admin-token", ADMIN_TOKEN, "--url")
    with served_over_http(app) as url:
        told = sls(runner, *delete, url)
        assert told.exit_code == 1, told.output
        assert_one_line_error(
            told,
            "device_busy: Other requests are changing this user's devices or IB Key apps right now; nothing "
            "was deleted: try again in 1 s. (retry_after=1)",
        )
        assert client.get("/admin/v1/users/alice", headers=admin_headers).get_json()["disabled"] is False
        devices.end_turn(card_id, OTHER)
        done = sls(runner, *delete, url)
    assert done.exit_code == 0 and done.stdout.strip() == "deleted alice", done.output

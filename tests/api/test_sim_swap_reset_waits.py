"""The SIM swap against "Forgot your password?", stopped at IB Key on the victim's own phone: the attacker's
page keeps waiting on its push, as push bombing's and the relay's do. Her approval (the right number, which
only the attacker's page shows) used to be "ann approved the attacker's password reset" in the feed, a breach,
and then nothing: the staged attacker had gone, the password stood, and the console said "The defences held."
Now the attacker's page takes the approval, sets a password of their own, and her sessions end."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, trail
from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import World as IbkeyWorld
from test_trainer_attacks import attack

from sls_server.store import connect

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
RESET_IP = "198.51.100.99"


def _staged(client: FlaskClient, admin_headers: dict[str, str]) -> tuple[IbkeyWorld, str, dict[str, object]]:
    world = IbkeyWorld(client, admin_headers)
    app = world.activated_user("bob", "android")
    result = attack(client, "sim_swap_reset", "bob")
    assert result["verdict"] == "defences_held", result["summary"]
    return world, app, result


def test_the_report_says_the_attacker_waits_on_her_approval(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    _, _, result = _staged(client, admin_headers)
    waiting = result.get("waiting")
    assert isinstance(waiting, dict) and waiting["ip"] == RESET_IP, result
    assert "The attacker's page keeps waiting on it until" in str(result["summary"])
    assert "The password is unchanged for now." in str(result["summary"])  # not "unchanged", full stop


def test_her_approval_after_the_report_lets_the_attacker_reset_the_password(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    world, app, _ = _staged(client, admin_headers)
    [note] = world.notifications(app)
    match = connect(redis_url).hget(f"sls:{{u:bob}}:login:{note['txn_id']}", "match")
    assert match is not None
    assert world.approve(app, note, match, pin="12ab").status_code == 200
    old = client.post("/api/v1/auth/login", json={"username": "bob", "password": IBKEY_PASSWORD})
    assert old.status_code == 401  # the attacker's password replaced hers
    types = [(e["type"], e.get("ip")) for e in trail(client, ADMIN, user="bob", limit=1000)]
    assert ("password_recovery.verified", RESET_IP) in types, types
    assert "user.password_changed" in [t for t, _ in types], types


def test_her_denial_leaves_the_password(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    world, app, _ = _staged(client, admin_headers)
    [note] = world.notifications(app)
    assert world.deny(app, note, pin="12ab").status_code == 200
    kept = client.post("/api/v1/auth/login", json={"username": "bob", "password": IBKEY_PASSWORD})
    assert kept.status_code == 200

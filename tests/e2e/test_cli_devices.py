"""``sls device unlock`` and ``sls device reset`` against a real ``sls serve``: two locks, two commands, each
saying what actually changed and pointing to the other when that is what the device needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cli_world import Demo, seeded
from cluster.sentinel_topology import LocalSentinel
from cluster.topology import LocalCluster
from conftest import DEMO_ENV
from serve_processes import ServerProcess, fresh
from shared_servers import served_once

from sls_server.store import connect, keys
from sls_server.store.embedded import EmbeddedRedis

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server_once(
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """The demo's settings, and three wrong responses disable an authenticator (one login's worth of
    attempts): one server for the module's tests, each of which started its own."""
    folder = tmp_path_factory.mktemp("device-cli")
    yield from served_once(redis_session, folder, 1, SLS_DEVICE_FAILURE_LIMIT="3", **DEMO_ENV)


@pytest.fixture
def demo(server_once: ServerProcess, redis_url: str, tmp_path: Path) -> Demo:
    return seeded(fresh(server_once, redis_url), tmp_path / "cli-data")


def lock_the_card_by_pins(demo: Demo, device_id: str) -> None:
    for left in ("2", "1", "0"):
        wrong = demo.sls("device", "card-respond", device_id, "--pin", "9999", "--challenge", "123456")
        assert wrong.exit_code == 1 and f"pin_attempts_left={left}" in wrong.stderr
    assert demo.json("device", "card-status", device_id)["locked"] is True


def disable_by_wrong_responses(demo: Demo, username: str) -> None:
    demo.ok("login", username, "--auto", "--start-only")
    for _ in range(3):
        demo.sls("answer", "00000000")
    listed = demo.json("device", "list", username)["devices"]
    assert any(d["factor_locked"] for d in listed)


def test_a_card_locked_by_wrong_pins_needs_reset_and_unlock_says_so(demo: Demo) -> None:
    card = demo.device("card-carl", "dscplus")["device_id"]
    lock_the_card_by_pins(demo, card)
    assert "card locked by wrong PINs (sls device reset)" in demo.ok("device", "list", "card-carl").stdout
    # --auto keys the card, as the user would: a locked card gives no response (it computed one from
    # demo.json's key, and the login went through), and the prompt offers none either
    refused = demo.sls("login", "card-carl", "--auto")
    assert refused.exit_code == 1 and refused.stderr.startswith("error: card_locked"), refused.output
    assert "(`sls device reset DEVICE_ID` resets it, or Reset card in the console)" in refused.stderr
    prompted = demo.sls("login", "card-carl", "--password", demo.user("card-carl")["password"], input="\n")
    assert prompted.exit_code == 2 and "demo.json knows the answer" not in prompted.stderr, prompted.output

    unlocked = demo.ok("device", "unlock", card)
    assert f"{card} was not disabled by wrong responses: nothing changed." in unlocked.stdout
    assert f"sls device reset {card}" in unlocked.stdout
    assert demo.json("device", "card-status", card)["locked"] is True  # and indeed nothing changed

    reset = demo.ok("device", "reset", card)
    assert (
        "Unlocked: the card had locked itself after wrong PINs; its PIN tries are back (3)." in reset.stdout
    )
    status = demo.json("device", "card-status", card)
    assert status["locked"] is False and status["pin_attempts_left"] == 3
    again = demo.json("device", "reset", card, "--user", "card-carl")
    assert again["changed"] == [] and again["summary"] == [
        f"{card} was not locked by wrong PINs: nothing changed."
    ]
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"


def test_an_authenticator_disabled_by_wrong_responses_needs_unlock_and_reset_says_so(demo: Demo) -> None:
    card = demo.device("card-carl", "dscplus")["device_id"]
    disable_by_wrong_responses(demo, "card-carl")
    refused = demo.sls("login", "card-carl", "--auto")
    assert refused.exit_code == 1 and "device_locked" in refused.stderr

    reset = demo.json("device", "reset", card)
    assert reset["changed"] == [] and reset["after"]["factor_locked"] is True
    assert reset["summary"][-1] == (
        f"It is still disabled by wrong responses, which reset does not touch: sls device unlock {card}"
    )

    unlocked = demo.json("device", "unlock", card)
    assert unlocked["before"]["factor_locked"] is True and unlocked["after"]["factor_locked"] is False
    assert "factor_locked" in unlocked["changed"]
    assert unlocked["summary"][0].startswith(f"Re-enabled: {card} had been disabled after 3 wrong responses")
    assert unlocked["before"]["strikes"] and unlocked["after"]["strikes"] == []
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"
    assert demo.ok("device", "unlock", card).stdout.strip().endswith("nothing changed.")


def test_reset_refuses_what_is_no_card_and_unlock_works_for_any_type(demo: Demo) -> None:
    totp = demo.device("totp-tom", "totp")["device_id"]
    refused = demo.sls("device", "reset", totp)
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        f"error: {totp} is a totp device: only a DSC+ card locks itself on wrong PINs"
    )
    disable_by_wrong_responses(demo, "totp-tom")
    refused = demo.sls("device", "reset", totp)
    assert f"it is disabled by wrong responses: sls device unlock {totp}" in refused.stderr
    assert "Re-enabled" in demo.ok("device", "unlock", totp, "--user", "totp-tom").stdout
    unknown = demo.sls("device", "unlock", "dscplus-000000000000")
    assert unknown.exit_code == 1 and "not among any user's devices" in unknown.stderr


def test_the_simulated_card_and_the_app_from_the_cli(demo: Demo) -> None:
    card = demo.device("card-carl", "dscplus")
    started = requests.post(
        f"{demo.server.url}/api/v1/auth/login",
        json={"username": "card-carl", "password": demo.user("card-carl")["password"]},
        timeout=10,
    ).json()
    challenge = started["factor"]["challenge"]
    by_card = demo.ok("device", "card-respond", card["device_id"], "--pin", "1234", "--challenge", challenge)
    offline = demo.ok(
        "device", "respond", "--secret-hex", card["secret_hex"], "--pin", "1234", "--challenge", challenge
    )
    assert by_card.stdout == offline.stdout and len(by_card.stdout.strip()) == 8

    app = demo.device("android-ann", "ibkey")["device_id"]
    status = demo.json("device", "ibkey-status", app)
    assert status["platform"] == "android" and status["users"][0]["username"] == "android-ann"
    off = demo.json("device", "ibkey-settings", app, "--no-notifications")
    assert off["notifications"] is False
    login = demo.json("login", "android-ann", "--auto", "--start-only")
    assert login["factor"]["mode"] == "challenge"
    assert demo.json("answer", "--auto")["state"] == "authenticated"
    assert demo.ok("device", "ibkey-settings", app, "--notifications").stdout.strip().endswith(": on")

    added = demo.json(
        "device",
        "ibkey-add-user",
        app,
        "--username",
        "sms-sam",
        "--password",
        demo.user("sms-sam")["password"],
    )
    assert added["status"] == "pending_activation" and added["app_id"] == app
    code = next(
        m["code"]
        for m in demo.json("phone", "inbox", demo.user("sms-sam")["phone"])["messages"]
        if m["purpose"] == "ibkey_activation"
    )
    activated = demo.json(
        "device",
        "activate",
        app,
        "--username",
        "sms-sam",
        "--password",
        demo.user("sms-sam")["password"],
        "--code",
        code,
        "--pin",
        "12ab",
    )
    assert activated["status"] == "active"
    assert {u["username"] for u in demo.json("device", "ibkey-status", app)["users"]} == {
        "android-ann",
        "sms-sam",
    }


def test_unlock_says_whose_strikes_it_cleared_on_a_card_with_nothing_of_its_own(
    demo: Demo, redis_url: str
) -> None:
    """Strikes left on card-carl's slot above the card's count (a wrong response whose count on the card
    never landed) refuse his right answers as a disabled card's; the unlock clears them, and said "nothing
    changed" all the same."""
    card = demo.device("card-carl", "dscplus")["device_id"]
    strikes = connect(redis_url)
    try:
        strikes.hset(keys.user_device_strikes("card-carl"), card, 3)
    finally:
        strikes.close()
    refused = demo.sls("login", "card-carl", "--auto")
    assert refused.exit_code == 1 and "device_locked" in refused.stderr
    held = [d for d in demo.json("device", "list", "card-carl")["devices"] if d["device_id"] == card]
    assert [(d["factor_locked"], d["factor_failures"], d["strikes"]) for d in held] == [
        (False, 0, [{"username": "card-carl", "count": 3}])
    ]
    listed = demo.ok("device", "list", "card-carl").stdout
    assert "card-carl (3)" in listed and "sls device unlock" in listed
    unlocked = demo.json("device", "unlock", card)
    assert unlocked["strikes_cleared"] == ["card-carl"] and unlocked["changed"] == ["strikes"]
    assert unlocked["summary"][0].startswith(
        f"{card} was not disabled, but card-carl had wrong-response strikes"
    )
    assert unlocked["before"]["strikes"] and unlocked["after"]["strikes"] == []
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"
    assert demo.ok("device", "unlock", card).stdout.strip().endswith("nothing changed.")

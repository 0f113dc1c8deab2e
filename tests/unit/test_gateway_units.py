"""Gateway mode's pure parts: the daily reset's instant, the device list's names, the REST answers'
derived identifiers, its settings, and the self-signed certificate ``sls gateway --tls`` keeps."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509

from sls_server.cli.gateway_state_cmd import processes, show
from sls_server.cli.gateway_tls import Certificate, ensure_certificate
from sls_server.config import load_settings
from sls_server.errors import InvalidConfig
from sls_server.gateway.answers import mac_address, user_number
from sls_server.gateway.daily import next_reset
from sls_server.http.gateway.wording import device_options


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("after", "hhmm", "expected"),
    [
        ("2030-01-01T12:00:00", "12:10", "2030-01-01T12:10:00"),
        ("2030-01-01T12:10:00", "12:10", "2030-01-02T12:10:00"),  # strictly after: a whole day, not none
        ("2030-01-01T23:59:59", "00:00", "2030-01-02T00:00:00"),
        ("2030-01-01T06:00:00", "05:59", "2030-01-02T05:59:00"),
    ],
)
def test_the_next_daily_reset(after: str, hhmm: str, expected: str) -> None:
    assert next_reset(at(after), hhmm) == at(expected)


def test_no_reset_time_no_reset() -> None:
    assert next_reset(at("2030-01-01T12:00:00"), None) is None


def test_device_options_name_devices_as_the_broker_does() -> None:
    factors = [
        {"type": "ibkey", "device_id": "k1", "label": "ibkey android"},
        {"type": "dscplus", "device_id": "c1", "label": "dscplus 1234"},
        {"type": "dscplus", "device_id": "c2", "label": "dscplus 5678"},
        {"type": "totp", "device_id": "t1", "label": "totp"},
    ]
    names = [option["name"] for option in device_options(factors)]
    assert names == [
        "IB Key",
        "Security Code Card (dscplus 1234)",  # two cards: each still selectable by its text
        "Security Code Card (dscplus 5678)",
        "Mobile Authenticator App",
    ]
    assert device_options(factors)[0]["value"] == "ibkey:k1"


def test_derived_identifiers_are_stable_and_plausible() -> None:
    assert user_number("alice") == user_number("alice") != user_number("bob")
    assert 10_000_000 <= user_number("alice") < 100_000_000
    mac = mac_address("default")
    assert len(mac.split(":")) == 6 and int(mac.split(":")[0], 16) & 0x02  # locally administered


def test_gateway_settings_parse_and_refuse() -> None:
    settings = load_settings(
        {"GATEWAY": "true", "GATEWAY_PROFILE": "LIVE", "GATEWAY_DAILY_RESET": "7:05"}, environ={}
    )
    assert (settings.gateway, settings.gateway_profile, settings.gateway_daily_reset) == (
        True,
        "live",
        "07:05",
    )
    assert load_settings({}, environ={}).gateway is False
    for off in ("off", "OFF", " off "):  # as `sls gateway-state daily-reset off` writes it
        assert load_settings({"GATEWAY_DAILY_RESET": off}, environ={}).gateway_daily_reset is None
    for key, value in (
        ("GATEWAY_DAILY_RESET", "24:00"),
        ("GATEWAY_PROFILE", "modern"),
        ("GATEWAY_INSTANCE", "a b"),
    ):
        with pytest.raises(InvalidConfig) as refused:
            load_settings({key: value}, environ={})
        assert refused.value.key == f"SLS_{key}"


def san(cert_path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(name.value) for name in names}


def test_the_certificate_is_made_once_with_a_private_key(tmp_path: Path) -> None:
    made = ensure_certificate(tmp_path, ["127.0.0.1"])
    assert made.made_because == "none was kept"
    assert stat.S_IMODE(made.key.stat().st_mode) == 0o600
    assert stat.S_IMODE(made.key.parent.stat().st_mode) == 0o700
    assert san(made.cert) == {"localhost", "127.0.0.1", "::1"}
    before = made.cert.read_bytes()
    assert ensure_certificate(tmp_path, ["127.0.0.1"]) == Certificate(made.cert, made.key, None)
    assert made.cert.read_bytes() == before  # kept, not made anew at every start


def test_a_certificate_missing_a_host_the_gateway_answers_to_is_made_again(tmp_path: Path) -> None:
    """A certificate made for the default host was kept for `--host 127.0.0.2` and SLS_GATEWAY_HOSTS names,
    and clients checking it refused the address ("IP address mismatch")."""
    first = ensure_certificate(tmp_path, ["127.0.0.1"]).cert.read_bytes()
    again = ensure_certificate(tmp_path, ["GW.example", "127.0.0.2"])
    assert again.made_because == "the kept one does not name gw.example, 127.0.0.2"
    assert san(again.cert) == {"localhost", "127.0.0.1", "::1", "gw.example", "127.0.0.2"}
    assert again.cert.read_bytes() != first
    # a subset of what it names keeps it, and a wildcard address names nothing
    assert ensure_certificate(tmp_path, ["127.0.0.2", "0.0.0.0"]).made_because is None


def test_gateway_state_status_shows_the_next_daily_reset(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/gateway.md says `sls gateway-state status` shows the next daily reset; the table dropped it."""
    session = {
        "username": "sam",
        "paper": False,
        "established_at": 1_790_000_000,
        "authenticated": True,
        "connected": True,
        "competing": False,
        "sso_expires_at": 1_790_000_360,
        "daily_reset_at": 1_790_034_300,
    }
    state = {"session": session, "profile": "classic", "notification_step": False, "daily_reset": "23:45"}
    show(state, "gateway", as_json=False)
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "next daily reset" in ln)
    assert line.split("next daily reset", 1)[1].strip() == "2026-09-21 23:45:00 UTC (1790034300)"


def test_gateway_state_status_shows_each_lease_s_age_and_time_left() -> None:
    """A process killed without its stop counts as live until its lease runs out: the status shows how long
    ago each lease was renewed and how long it has left, so an operator sees a dead one running out."""
    live = {"host": "vm", "pid": 4001, "port": 5000, "since": 1_790_000_000}
    line = processes([{**live, "lease_age_ms": 2_400, "lease_left_ms": 7_600}])
    assert line.startswith("vm:5000 (pid 4001, since 2026-09-21 ")
    assert line.endswith(", lease renewed 2.4 s ago, 7.6 s left)"), line
    assert processes([live]).endswith("(1790000000))")  # a server that does not say: nothing made up

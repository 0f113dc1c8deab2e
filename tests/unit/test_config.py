"""Configuration: defaults, environment, the create_app mapping, and one clear error per bad value."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sls_server.config import load_settings
from sls_server.config_table import describe
from sls_server.errors import InvalidConfig
from sls_server.runtime import claim_secret_key, data_folder
from sls_server.store.embedded import EmbeddedRedis


def test_defaults() -> None:
    settings = load_settings({}, environ={})
    assert (settings.challenge_ttl, settings.idle_timeout, settings.absolute_timeout) == (300, 900, 86400)
    assert settings.hash_profile == "standard"
    assert settings.redis_url is None
    assert settings.ip_refusal == "explicit"  # today's 403 ip_restricted, which demos and clients rely on


def test_environment_then_mapping_win_in_order() -> None:
    env = {"SLS_CHALLENGE_TTL": "120", "SLS_ADMIN_TOKEN": "0123456789012345678", "SLS_HASH_PROFILE": "test"}
    settings = load_settings({"SLS_CHALLENGE_TTL": 60}, environ=env)
    assert settings.challenge_ttl == 60
    assert settings.admin_token == "0123456789012345678"  # digits stay a string, not JSON-decoded
    assert load_settings({"challenge_ttl": "90"}, environ=env).challenge_ttl == 90


def test_secret_key_hex_and_base64() -> None:
    key = bytes(range(32))
    assert load_settings({"SECRET_KEY": key.hex()}, environ={}).secret_key == key
    import base64

    assert load_settings({"SECRET_KEY": base64.b64encode(key).decode()}, environ={}).secret_key == key


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SLS_CHALLENGE_TTL", "601"),
        ("SLS_CHALLENGE_TTL", "ten"),
        ("SLS_CHALLENGE_TTL", "29"),
        ("SLS_HASH_PROFILE", "weak"),
        ("SLS_SECRET_KEY", "abcd"),
        ("SLS_ADMIN_TOKEN", "short"),
        ("SLS_REDIS_URL", "http://localhost"),
        ("SLS_IDLE_TIMEOUT", "-5"),
        ("SLS_SIM_ENABLED", "maybe"),
        ("SLS_VERIFY_ATTEMPTS", "0"),
        ("SLS_CARD_PIN_ATTEMPTS", "11"),
        ("SLS_REDIS_TIMEOUT", "x"),
        ("SLS_IP_REFUSAL", "loud"),
        ("SLS_THREADS", "0"),
        ("SLS_THREADS", "65"),
        ("SLS_TRUSTED_PROXIES", "fe80::1%eth0"),
        ("SLS_TRUSTED_PROXIES", "10.0.0.0/8,fe80::%eth0/64"),
    ],
)
def test_bad_environment_value_names_the_key(key: str, value: str) -> None:
    with pytest.raises(InvalidConfig) as caught:
        load_settings({}, environ={key: value})
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}: ")


def test_absolute_shorter_than_idle_is_refused() -> None:
    with pytest.raises(InvalidConfig, match="SLS_ABSOLUTE_TIMEOUT"):
        load_settings({"IDLE_TIMEOUT": 3600, "ABSOLUTE_TIMEOUT": 1800}, environ={})


def test_unknown_mapping_key_is_refused() -> None:
    with pytest.raises(InvalidConfig, match="SLS_CHALENGE_TTL"):
        load_settings({"CHALENGE_TTL": 60}, environ={})


def test_create_app_refuses_bad_config_before_touching_anything(tmp_path: Path) -> None:
    from sls_server import create_app

    with pytest.raises(InvalidConfig, match="SLS_CHALLENGE_TTL"):
        create_app({"CHALLENGE_TTL": 9999, "DATA_DIR": str(tmp_path / "d")})
    assert not (tmp_path / "d").exists()


def test_every_setting_is_described() -> None:
    rows = describe()
    names = [name for name, _, _ in rows]
    assert "SLS_REDIS_URL" in names and "SLS_CHALLENGE_TTL" in names
    assert all(doc for _, _, doc in rows), [name for name, _, doc in rows if not doc]


def test_generated_secrets_are_shared_through_the_data_dir(tmp_path: Path) -> None:
    from sls_server.runtime import resolve_secrets

    first = resolve_secrets(load_settings({"DATA_DIR": str(tmp_path)}, environ={}))
    second = resolve_secrets(load_settings({"DATA_DIR": str(tmp_path)}, environ={}))
    assert first.secret_key == second.secret_key and len(first.secret_key or b"") == 32
    assert first.admin_token == second.admin_token
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("key", ["SMS_CODE_TTL", "PUSH_TTL", "ACTIVATION_CODE_TTL"])
def test_out_of_band_codes_and_requests_cannot_be_configured_past_ten_minutes(key: str) -> None:
    """ASVS 5.0 6.5.5, NIST 800-63B-4 §3.1.3.2 (and §4.1.2.2 for binding codes): an SMS or voice code, a push
    and an activation code live at most 10 minutes, whatever an operator sets."""
    assert getattr(load_settings({key: 600}, environ={}), key.lower()) == 600
    with pytest.raises(InvalidConfig) as caught:
        load_settings({}, environ={f"SLS_{key}": "601"})
    assert caught.value.key == f"SLS_{key}"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("redis://user:hunter2-secret@[::1", "not a URL redis-py can read: Invalid IPv6 URL"),
        ("rediss://:hunter2-secret@127.0.0.1:6390/0?ssl_cert_reqs=bogus", "ssl_cert_reqs must be one of"),
    ],
)
def test_a_single_redis_url_redis_py_cannot_read_stops_start_up_in_a_line(url: str, said: str) -> None:
    """They went through to redis-py, which refused them at the first connection, and ``sls serve`` stopped
    with a traceback."""
    with pytest.raises(InvalidConfig) as refused:
        load_settings({}, environ={"SLS_REDIS_URL": url})
    assert "SLS_REDIS_URL" in str(refused.value) and said in str(refused.value), str(refused.value)
    assert "hunter2" not in str(refused.value)


@pytest.mark.parametrize(
    ("proxies", "peer"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("10.0.0.1/8", "10.9.9.9"),
        ("::ffff:10.0.0.0/104", "10.9.9.9"),
        ("2001:db8::1/32", "2001:db8::5"),
        ("10.0.0.0/255.0.0.0", "::ffff:10.9.9.9"),
    ],
)
def test_trusted_proxies_the_settings_take_are_what_every_request_reads(proxies: str, peer: str) -> None:
    """One reading of a network for both: what start-up accepts can never fail a request's client address."""
    from sls_server.accounts.clientip import resolve_client_ip

    settings = load_settings({}, environ={"SLS_TRUSTED_PROXIES": proxies})
    assert resolve_client_ip(peer, "203.0.113.5", settings.trusted_proxies) == "203.0.113.5"


@pytest.mark.parametrize("path", ["/abc", "/1x", "/-1", "/0/1"])
def test_a_database_index_that_is_not_a_number_stops_start_up_naming_it(path: str) -> None:
    """redis-py reads such a path as no path: ``redis://host:port/abc`` served database 0 without a word,
    beside whatever else was kept there."""
    url = f"redis://:hunter2-secret@127.0.0.1:6390{path}"
    with pytest.raises(InvalidConfig) as refused:
        load_settings({}, environ={"SLS_REDIS_URL": url})
    said = str(refused.value)
    assert refused.value.key == "SLS_REDIS_URL" and "the database index" in said, said
    assert "hunter2" not in said
    for fine in ("", "/", "/0", "/15/", "/abc?db=2"):  # ?db= wins over the path, which redis-py ignores then
        assert load_settings({}, environ={"SLS_REDIS_URL": f"redis://127.0.0.1:6390{fine}"}).redis_url


def test_a_database_index_redis_refuses_stops_start_up_saying_it_is_out_of_range(
    redis_server: EmbeddedRedis, tmp_path: Path
) -> None:
    """It stopped with "Redis refused the start-up check: Store.claim_key_check: Redis answered ERR"."""
    settings = load_settings(
        {"DATA_DIR": str(tmp_path), "SECRET_KEY": "4d" * 32},
        environ={"SLS_REDIS_URL": f"{redis_server.url}?db=99"},
    )
    with pytest.raises(InvalidConfig) as refused:
        claim_secret_key(settings)
    assert refused.value.key == "SLS_REDIS_URL"
    assert "the database index 99 is out of range" in str(refused.value), str(refused.value)


SECONDS = [
    "CHALLENGE_TTL", "IDLE_TIMEOUT", "ABSOLUTE_TIMEOUT", "LOCKOUT_WAIT_INCREMENT", "LOCKOUT_MAX_WAIT",
    "IP_THROTTLE_WINDOW", "CHALLENGE_ISSUE_WINDOW", "SMS_CODE_TTL", "SMS_SEND_WINDOW", "PUSH_WINDOW",
    "PUSH_TTL", "ACTIVATION_CODE_TTL", "STEPUP_VALIDITY", "CONSOLE_IDLE_TIMEOUT", "CONSOLE_ABSOLUTE_TIMEOUT",
    "EVENT_RETENTION", "EVENT_SUMMARY_WINDOW",
]  # fmt: skip


@pytest.mark.parametrize("key", SECONDS)
def test_a_duration_refused_says_its_unit(key: str) -> None:
    """``SLS_CHALLENGE_TTL=5m`` said "must be an integer, got '5m'", and 9999 "must be between 30 and
    600": the operator had to look up that the number is seconds."""
    with pytest.raises(InvalidConfig) as caught:
        load_settings({}, environ={f"SLS_{key}": "5m"})
    assert str(caught.value) == f"SLS_{key}: must be a whole number of seconds, got '5m'"
    with pytest.raises(InvalidConfig) as caught:
        load_settings({}, environ={f"SLS_{key}": "99999999"})
    assert " seconds, got 99999999" in str(caught.value), caught.value


def test_days_are_said_too() -> None:
    with pytest.raises(InvalidConfig) as caught:
        load_settings({}, environ={"SLS_TEMPORARY_PASSCODE_DAYS": "30"})
    assert str(caught.value) == "SLS_TEMPORARY_PASSCODE_DAYS: must be between 1 and 14 days, got 30"


def _creatable(folder: Path) -> bool:
    try:
        (folder / ".sls-probe").touch()
    except OSError:
        return False
    (folder / ".sls-probe").unlink()
    return True


@pytest.mark.skipif(
    os.getuid() != 0 or not Path("/sys/fs").is_dir() or _creatable(Path("/sys/fs")),
    reason="needs root and a folder root may not write in although its mode says it may (sysfs)",
)
def test_a_data_folder_root_cannot_write_in_names_sls_data_dir() -> None:
    """Root passes every mode check, so a folder it cannot write in (a read-only kernel file system, an NFS
    export that maps root to nobody) was told as ``SLS_SECRET_KEY: unset, and <dir>/secret.key could not be
    used``: the first file written, not the folder."""
    with pytest.raises(InvalidConfig) as caught:
        data_folder(Path("/sys/fs"))
    assert caught.value.key == "SLS_DATA_DIR", caught.value
    assert str(caught.value) == (
        "SLS_DATA_DIR: /sys/fs cannot be the data folder: a file cannot be written in it (Permission denied)"
    ), caught.value

"""The ``sls_emulator`` fixture's server believes ``X-Forwarded-For`` from this machine, as ``sls demo``'s
does: a test gives a request an IP allowlist's address the way it would against the demo (it used to be
refused ``ip_restricted`` until the ini set ``SLS_TRUSTED_PROXIES``). The ini's ``SLS_TRUSTED_PROXIES``, even
empty, is the server's."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from inner_pytest import PytestIn, inner_pytest  # noqa: F401 (the fixture pytest_in)

from sls_scenarios.emulator import SlsEmulator

pytestmark = pytest.mark.e2e


def _login(emulator: SlsEmulator, password: str, address: str) -> requests.Response:
    return requests.post(
        f"{emulator.url}/api/v1/auth/login",
        json={"username": "olga", "password": password},
        headers={"X-Forwarded-For": address},
        timeout=10,
    )


def test_a_forwarded_address_is_the_clients_as_against_the_demo(sls_emulator: SlsEmulator) -> None:
    password = sls_emulator.create_user("olga", phone="+15550100021", ip_allowlist=["203.0.113.0/24"])
    inside = _login(sls_emulator, password, "203.0.113.5")
    assert inside.status_code == 200, inside.text
    outside = _login(sls_emulator, password, "198.51.100.5")
    assert outside.status_code == 403 and outside.json()["error"] == "ip_restricted", outside.text
    (refused,) = sls_emulator.events(type="ip.rejected")
    assert refused["ip"] == "198.51.100.5"


UNTRUSTING = """
import requests


def test_it(sls_emulator):
    password = sls_emulator.create_user("olga", ip_allowlist=["203.0.113.0/24"])
    answer = requests.post(f"{sls_emulator.url}/api/v1/auth/login",
                           json={"username": "olga", "password": password},
                           headers={"X-Forwarded-For": "203.0.113.5"})
    assert answer.status_code == 403 and answer.json()["error"] == "ip_restricted", answer.text
"""


def test_an_empty_trusted_proxies_in_the_ini_believes_no_forwarded_address(
    tmp_path: Path, pytest_in: PytestIn
) -> None:
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\nsls_emulator_env =\n    SLS_TRUSTED_PROXIES=\n"
    )
    (tmp_path / "test_untrusting.py").write_text(UNTRUSTING)
    ran = pytest_in(tmp_path)
    assert ran.returncode == 0 and "1 passed" in ran.stdout, ran.stdout + ran.stderr

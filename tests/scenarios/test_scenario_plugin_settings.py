"""Settings of ``sls_emulator_env`` that would let the fixture wipe a world that is not its own: the fixture
wipes its server's world before every test, so that server keeps its data (its embedded Redis) to itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inner_pytest import PytestIn, inner_pytest  # noqa: F401 (the fixture pytest_in)

from sls_server import create_app

pytestmark = pytest.mark.e2e

USES_IT = "def test_it(sls_emulator):\n    sls_emulator.create_user('zed')\n"


def test_a_redis_url_in_sls_emulator_env_is_one_usage_error_and_that_redis_is_left_alone(
    tmp_path: Path, app_config: dict[str, Any], admin_headers: dict[str, str], pytest_in: PytestIn
) -> None:
    """``SLS_REDIS_URL`` was passed on to the fixture's server, which then wiped that Redis's world (a
    team's shared one) before every test. Refused, in every form a Redis URL takes."""
    team = create_app(app_config).test_client()
    made = team.post(
        "/admin/v1/users", json={"username": "ann", "password": "Pass-Word-1234"}, headers=admin_headers
    )
    assert made.status_code == 201, made.get_json()
    urls = (app_config["REDIS_URL"], "redis+sentinel://127.0.0.1:9/mymaster", "redis+cluster://127.0.0.1:9")
    (tmp_path / "test_uses_it.py").write_text(USES_IT)
    for url in urls:
        (tmp_path / "pytest.ini").write_text(
            f"[pytest]\naddopts = -p no:cacheprovider\nsls_emulator_env =\n    SLS_REDIS_URL={url}\n"
        )

        ran = pytest_in(tmp_path)

        assert team.get("/admin/v1/users/ann", headers=admin_headers).status_code == 200, "wiped"
        assert ran.returncode == 4, ran.stdout + ran.stderr  # pytest's usage error: nothing ran
        assert "sls_emulator_env: SLS_REDIS_URL cannot be set" in ran.stderr, ran.stderr
        assert "Traceback" not in ran.stdout + ran.stderr

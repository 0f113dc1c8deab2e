"""Scenario files against ``--sls-server`` under pytest-xdist.

Found walking the QA path: ``pytest -n 2 --sls-server URL`` on seven scenario files failed most of them
(``setup.users: 409 user_exists``, logins refused mid-scenario): each worker is a session of its own, and
each wiped, set up and put back that one server's world under the other's scenarios. Each worker's
in-process run (no ``--sls-server``) has a world of its own and is unaffected.
"""

from __future__ import annotations

from pathlib import Path

from conftest import ADMIN_TOKEN
from inner_pytest import pytest_child
from serve_processes import ServerProcess
from test_scenario_pytest_plugin import TEXTED


def test_a_server_shared_by_xdist_workers_is_one_usage_error_before_anything_runs(
    plain_server: ServerProcess, tmp_path: Path
) -> None:
    server = plain_server
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    for n in range(4):
        (tmp_path / f"t{n}.scenario.yaml").write_text(TEXTED.replace("name: texted", f"name: texted-{n}"))
    shared = pytest_child(tmp_path, "-n", "2", "--sls-server", server.url, SLS_ADMIN_TOKEN=ADMIN_TOKEN)
    said = shared.stdout + shared.stderr
    assert shared.returncode == 4, said  # pytest's usage error: nothing ran, nothing was wiped
    assert "--sls-server with pytest-xdist (-n 2)" in said and "-p no:xdist" in said, said
    alone = pytest_child(tmp_path, "-n", "1", "--sls-server", server.url, SLS_ADMIN_TOKEN=ADMIN_TOKEN)
    assert alone.returncode == 0 and "4 passed" in alone.stdout, alone.stdout + alone.stderr
    in_process = pytest_child(tmp_path, "-n", "2")
    assert in_process.returncode == 0 and "4 passed" in in_process.stdout, in_process.stdout

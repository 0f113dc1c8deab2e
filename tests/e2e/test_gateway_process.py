"""``sls gateway`` as a process: one port with the gateway and the whole emulator, TLS with its own
certificate and Secure cookies, a pidfile, and process titles a tool finds and stops it by, as IBeam finds
the real gateway (a command line containing ``ibgroup.web.core.clientportal.gw.GatewayStart``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN
from cryptography import x509
from gateway_process import sls_gateway  # noqa: F401 - the fixture
from json_error_kit import json_error
from over_http_kit import network_address

from sls_server.store.embedded import free_port

pytestmark = pytest.mark.e2e
MATCH = "ibgroup.web.core.clientportal.gw.GatewayStart"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def command_lines() -> dict[int, str]:
    """Every process's command line, as psutil (and so IBeam) joins it."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
                )
            except OSError:  # gone meanwhile, or not ours to read
                continue
    return found


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rpartition(")")[2].split()[1])


def test_one_port_serves_the_gateway_and_the_emulator_over_tls(sls_gateway: Any, tmp_path: Path) -> None:  # noqa: F811
    pidfile = tmp_path / "gateway.pid"
    server = sls_gateway("--tls", "--pidfile", str(pidfile))
    assert server.url.startswith("https://")
    key = server.certificate.parent / "key.pem"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    verify = str(server.certificate)  # the self-signed certificate verifies as its own anchor
    assert requests.post(f"{server.url}/v1/api/tickle", verify=verify, timeout=10).status_code == 401
    page = requests.get(f"{server.url}/sso/Login?forwardTo=22&RL=1&ip2loc=on", verify=verify, timeout=10)
    assert page.status_code == 200 and "xyz-button-login" in page.text
    assert "secure" in page.headers["Set-Cookie"].lower()  # cookies are Secure over TLS
    for path, status in (
        ("/api/v1/session", 401),
        ("/admin/v1/gateway", 200),
        ("/", 200),
        ("/openapi.json", 200),
    ):
        answer = requests.get(f"{server.url}{path}", headers=ADMIN, verify=verify, timeout=10)
        assert answer.status_code == status, path
    phone = requests.get(f"{server.url}/sim/v1/phones/%2B15555550100/messages", verify=verify, timeout=10)
    assert phone.status_code == 200
    assert int(pidfile.read_text()) == server.process.pid


def test_the_certificate_names_every_host_the_gateway_answers_to(sls_gateway: Any) -> None:  # noqa: F811
    """It named only --host (and the loopback names): a client reaching the gateway by an SLS_GATEWAY_HOSTS
    name and trusting the certificate refused it (hostname mismatch)."""
    server = sls_gateway("--tls", SLS_ALLOWED_HOSTS="gw.test")
    cert = x509.load_pem_x509_certificate(server.certificate.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "gw.test" in names.get_values_for_type(x509.DNSName)
    assert f"made a new self-signed certificate (none was kept): {server.certificate}" in server.log()


def test_a_tool_finds_it_by_its_command_line_and_stops_it(sls_gateway: Any) -> None:  # noqa: F811
    server = sls_gateway()
    master = server.process.pid
    lines = command_lines()
    ours = {pid for pid, line in lines.items() if MATCH in line and master in (pid, parent_of(pid))}
    assert master in ours and len(ours) >= 2, command_lines().get(master)  # the master and its worker
    for pid in ours:  # as IBeam's kill: terminate every match
        os.kill(pid, signal.SIGTERM)
    assert server.process.wait(timeout=20) is not None
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/healthz", timeout=2)
    assert subprocess.run(["kill", "-0", str(master)], capture_output=True, check=False).returncode != 0


def test_sls_gateway_state_drives_a_running_gateway(sls_gateway: Any) -> None:  # noqa: F811
    server = sls_gateway()
    user = {"username": "sam", "password": "plum-sketch-harbour-9", "phone": "+15555550181", "sms": False}
    assert requests.post(f"{server.url}/admin/v1/users", json=user, headers=ADMIN, timeout=10).ok
    assert requests.post(
        f"{server.url}/admin/v1/users/sam/devices", json={"type": "sms"}, headers=ADMIN, timeout=10
    ).ok
    login = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "sam", "password": user["password"]}, timeout=10
    )
    assert login.status_code == 200
    command = [sys.executable, "-m", "sls_server.cli.main", "gateway-state", "latest-code", "--user", "sam"]
    code = subprocess.run(  # a simulator command: --url, no admin token
        [*command, "--json", "--url", server.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert code.returncode == 0, code.stderr
    assert json.loads(code.stdout)["code"].isdigit()
    status = server.sls("gateway-state", "status", "--json")
    assert json.loads(status.stdout)["session"] is None
    early = server.sls(
        "gateway-state", "daily-reset", "7:05", "--json"
    )  # as SLS_GATEWAY_DAILY_RESET reads it
    assert json.loads(early.stdout)["daily_reset"] == "07:05", early.stderr
    reset = server.sls("gateway-state", "daily-reset", "23:45", "--json")
    assert json.loads(reset.stdout)["daily_reset"] == "23:45"
    assert json.loads(server.sls("gateway-state", "drop", "--json").stdout)["session"] is None
    for staging in ("drop", "compete", "expire"):  # nothing to stage: said so, not "dropped" or "expired"
        said = server.sls("gateway-state", staging).stdout
        assert "no gateway session" in said and "dropped" not in said and "expired" not in said, said
    wrong = server.sls("gateway-state", "daily-reset", "25:99")
    assert wrong.returncode == 2 and "AT must be HH:MM" in wrong.stderr  # refused before any request
    # without --url: the gateway running on the data folder, which said where it listens (gateway.json)
    env = {**os.environ, "SLS_DATA_DIR": str(server.data_dir), "SLS_ADMIN_TOKEN": ADMIN_TOKEN}
    env.pop("SLS_URL", None)
    found = subprocess.run(
        [sys.executable, "-m", "sls_server.cli.main", "gateway-state", "status", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["daily_reset"] == "23:45"
    # and so does every other command (no demo on the folder): docs/gateway.md's staging moves the clock
    clock = subprocess.run(
        [sys.executable, "-m", "sls_server.cli.main", "clock", "--advance", "15m", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert clock.returncode == 0, clock.stderr
    assert json.loads(clock.stdout)["offset_s"] == 900
    server.process.terminate()
    assert server.process.wait(timeout=20) is not None
    assert not (server.data_dir / "gateway.json").exists()  # it went with the gateway


def test_the_cli_says_how_to_trust_the_gateways_certificate(sls_gateway: Any) -> None:  # noqa: F811
    server = sls_gateway("--tls", "--host", "0.0.0.0")  # every interface: 127.0.0.2 reaches it too
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    command = [sys.executable, "-m", "sls_server.cli.main", "user", "list", "--url", server.url]
    untrusted = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert untrusted.returncode == 1
    assert "no server at" not in untrusted.stderr  # a server did answer
    assert "SSL_CERT_FILE=<data dir>/gateway-tls/cert.pem" in untrusted.stderr
    env = {**env, "SSL_CERT_FILE": str(server.certificate), "SLS_ADMIN_TOKEN": ADMIN_TOKEN}
    trusted = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert trusted.returncode == 0, trusted.stderr
    # trusted, but reached by a name it does not carry: it said to trust it, which the user had done
    other = [*command[:-1], server.url.replace("127.0.0.1", "127.0.0.2")]
    mismatch = subprocess.run(other, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert mismatch.returncode == 1
    assert "IP address mismatch" in mismatch.stderr and "SSL_CERT_FILE" not in mismatch.stderr
    assert "names its --host and SLS_ALLOWED_HOSTS" in mismatch.stderr


def test_on_every_interface_it_names_its_pages_at_the_network_address_its_certificate_carries(
    sls_gateway: Any,  # noqa: F811
) -> None:
    """``--host 0.0.0.0``: the start-up facts named https://127.0.0.1 (a tool on another machine reaching
    that reaches itself), and the certificate named no address but loopback, so a client there trusting it
    refused the machine's own address. Both now name the address other machines reach it at."""
    address = network_address()
    server = sls_gateway("--tls", "--json", SLS_HOST="0.0.0.0")
    facts = next(json.loads(line) for line in server.log().splitlines() if line.startswith("{"))
    port = server.url.rsplit(":", 1)[1]
    assert facts["url"] == f"https://127.0.0.1:{port}" and facts["public_url"] == f"https://{address}:{port}"
    assert facts["gateway_login"].startswith(f"https://{address}:{port}/sso/Login?")
    page = requests.get(facts["gateway_login"], verify=str(server.certificate), timeout=10)
    assert page.status_code == 200 and "xyz-button-login" in page.text


def test_gateway_state_against_a_server_without_the_gateway_says_so(plain_server: Any) -> None:
    """It printed the server's 404 words ("The requested URL was not found on the server. If you entered the
    URL manually please check your spelling and try again.") before the hint, and as --json's message."""
    server = plain_server
    told = (
        f"error: the server at {server.url} is not in gateway mode: `sls gateway` serves one, on port 5000 "
        "by default (--url http://127.0.0.1:5000), and sls demo or sls serve started with SLS_GATEWAY=True "
        "serve one too"
    )

    def sls(*args: str) -> subprocess.CompletedProcess[str]:
        if args[1] != "latest-code":
            return server.sls(*args)
        # a simulator command: --url, no admin token
        command = [sys.executable, "-m", "sls_server.cli.main", *args, "--url", server.url]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)

    for args in (("status",), ("daily-reset", "23:45"), ("latest-code", "--user", "sam")):
        plain = sls("gateway-state", *args)
        assert plain.returncode == 1 and plain.stdout == "", plain
        assert plain.stderr.strip() == told, plain.stderr
        as_json = sls("gateway-state", *args, "--json")
        assert as_json.returncode == 1
        assert json_error(as_json, "not_found", status=404)["message"] == told.removeprefix("error: ")


def test_sls_threads_sizes_the_gateway_as_it_sizes_sls_serve(sls_gateway: Any) -> None:  # noqa: F811
    """``SLS_THREADS`` is a setting (`sls config`), and `sls gateway` takes "the same settings" as `sls
    serve`; yet it ran 4 threads a worker whatever it said, and with them the budget of long-held requests
    (outbox waits) an operator had sized. 1 thread is gunicorn's sync worker (``PacedSyncWorker``, with the
    client read timeout), which its log names."""
    server = sls_gateway(SLS_THREADS="1")
    budget = requests.get(f"{server.url}/metrics", timeout=10).text
    assert "Using worker: sls_server.cli.gunicorn_worker.PacedSyncWorker" in server.log(), server.log()
    assert "sls_long_held_budget 0.0" in budget  # half of 1 thread, rounded down


def test_gateway_state_finds_the_gateway_still_running_when_a_newer_one_stops(
    sls_gateway: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Two gateways on one data folder (a CI job's two, as the same user): the second overwrote the folder's
    gateway.json, and its stop removed the file, so `sls gateway-state` said no gateway ran on the folder
    while the first still served. The file now names the newest still running; the last to stop removes it."""
    shared = tmp_path / "shared-data"
    first = sls_gateway("--data-dir", str(shared), SLS_GATEWAY_DAILY_RESET="07:05")
    second = sls_gateway("--data-dir", str(shared), SLS_GATEWAY_DAILY_RESET="23:45")
    env = {**os.environ, "SLS_DATA_DIR": str(shared), "SLS_ADMIN_TOKEN": ADMIN_TOKEN}
    env.pop("SLS_URL", None)

    def status() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "sls_server.cli.main", "gateway-state", "status", "--json"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)

    # each names its own run, as its /healthz says it: a record read from another container is matched by it
    recorded = json.loads((shared / "gateway.json").read_text())
    runs = [requests.get(f"{g.url}/healthz", timeout=10).json()["instance_id"] for g in (first, second)]
    assert [recorded["before"][0]["instance_id"], recorded["instance_id"]] == runs and runs[0] != runs[1]
    shown = status()
    assert json.loads(shown.stdout)["daily_reset"] == "23:45"  # the newest
    said = " ".join(shown.stderr.split())  # ... and said so, with the other and how to pick it
    assert f"the newest, {second.url}" in said and f"the other: {first.url}" in said, said
    second.process.terminate()
    assert second.process.wait(timeout=20) is not None
    found = status()
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["daily_reset"] == "07:05"  # the first, still running
    assert "gateways run" not in found.stderr  # alone now: nothing to say
    first.process.terminate()
    assert first.process.wait(timeout=20) is not None
    assert not (shared / "gateway.json").exists()


def test_sls_host_port_and_workers_place_the_gateway_as_they_place_sls_serve(sls_gateway: Any) -> None:  # noqa: F811
    """An operator setting ``SLS_PORT`` (a container's usual way) got port 5000 and not a word: `sls gateway`
    read no variable for --host, --port or --workers, unlike `sls serve`."""
    port = free_port()
    server = sls_gateway(SLS_HOST="127.0.0.2", SLS_PORT=str(port), SLS_WORKERS="3")
    assert server.url == f"http://127.0.0.2:{port}"  # it answered there (the fixture waited for /healthz)
    assert f"Listening at: http://127.0.0.2:{port}" in server.log()
    deadline = time.monotonic() + 30  # the first worker answered; the others boot beside it
    while server.log().count("Booting worker with pid") < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.log().count("Booting worker with pid") == 3, server.log()

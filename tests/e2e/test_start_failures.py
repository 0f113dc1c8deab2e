"""A start that cannot happen, with real processes: ``sls serve``, ``sls demo`` and ``sls gateway`` say why in
one line, ``error: <the setting or option>: ...`` (one JSON object under ``SLS_LOG_FORMAT=json``), exit code
2, nothing else on stderr, and leave nothing running: no redis-server, no socket file, no lease, no pid
file (``serve.py``'s promise; docs/operations.md, "When a start fails").

Each failure is a real one: a file where a folder must be (the tests may run as root, whom no mode stops
from writing), a corrupt append-only file, a port held by a real socket, a pid file naming a live process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from gateway_process import sls_gateway  # noqa: F401 - the fixture

from sls_server.cli.gateway_tls import ensure_certificate
from sls_server.store.embedded import free_port

pytestmark = pytest.mark.e2e

#: What ``redis-server`` finds in an append-only file that is not one.
CORRUPT_AOF = b"not an append-only file\n"


def failed(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``sls <args>`` on a free port, run to its exit: a start that fails must fail in seconds."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLS_")},
        "SLS_HASH_PROFILE": "test",
        "SLS_DATA_DIR": str(data_dir),
        **env,
    }
    command = [sys.executable, "-m", "sls_server.cli.main", *args]
    if "--port" not in args:
        command += ["--port", str(free_port())]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60, check=False)


def one_error(done: subprocess.CompletedProcess[str]) -> str:
    """The failed start's one line, checked: exit code 2, nothing on stdout, nothing else on stderr."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == "", done.stdout
    (line,) = done.stderr.splitlines() or [""]
    assert line.startswith("error: "), done.stderr
    return line


def processes_naming(folder: Path) -> list[str]:
    """The command lines of the processes that name ``folder`` (an embedded redis-server's ``--dir``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:  # gone meanwhile
                continue
            if str(folder) in line:
                found.append(line)
    return found


def a_corrupt_redis(data_dir: Path) -> Path:
    """A data folder whose embedded Redis cannot load its append-only file (its folder, to look into)."""
    folder = data_dir / "redis"
    folder.mkdir(parents=True)
    (folder / "appendonly.aof").write_bytes(CORRUPT_AOF)
    return folder


@pytest.mark.parametrize("command", ["serve", "demo", "gateway"])
def test_an_embedded_redis_that_cannot_start_is_one_line_and_leaves_nothing(
    tmp_path: Path, command: str
) -> None:
    """It said Redis's whole start-up log over several lines, after the lines of the steps it had taken
    ("generated .../secret.key", ...), and left the dead redis-server's socket file behind."""
    folder = a_corrupt_redis(tmp_path / "data")
    line = one_error(failed(tmp_path / "data", command, "--workers", "1"))
    assert line.startswith("error: SLS_REDIS_URL: unset, and the embedded Redis could not start: "), line
    assert "Bad file format reading the append only file" in line, line
    assert f"(its log: {folder / 'redis.log'})" in line, line
    assert not (folder / "redis.sock").exists()
    assert processes_naming(folder) == []
    assert (folder / "appendonly.aof").read_bytes() == CORRUPT_AOF  # for redis-check-aof, as it was


def test_under_json_logs_a_failed_start_is_one_json_line(tmp_path: Path) -> None:
    """The lines of the steps the start had taken came first, as JSON log lines: a collector read a start."""
    a_corrupt_redis(tmp_path / "data")
    done = failed(tmp_path / "data", "serve", SLS_LOG_FORMAT="json")
    assert done.returncode == 2 and done.stdout == "", done.stdout + done.stderr
    (line,) = done.stderr.splitlines()
    error = json.loads(line)["error"]
    assert error["code"] == "invalid_config" and error["message"].startswith("SLS_REDIS_URL: "), error


def test_a_file_where_the_embedded_redis_folder_must_be_is_one_line(tmp_path: Path) -> None:
    """A traceback (FileExistsError from ``mkdir``), exit code 1."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "redis").write_text("a file")
    line = one_error(failed(tmp_path / "data", "serve"))
    assert line == (
        "error: SLS_REDIS_URL: unset, and the embedded Redis could not start: its folder "
        f"{tmp_path / 'data' / 'redis'} cannot be made: a file is in its place"
    )


def test_a_folder_where_the_embedded_redis_log_must_be_is_one_line(tmp_path: Path) -> None:
    """A traceback (IsADirectoryError, reading the log's tail to say why redis-server exited), exit code 1."""
    folder = tmp_path / "data" / "redis"
    (folder / "redis.log").mkdir(parents=True)
    line = one_error(failed(tmp_path / "data", "serve"))
    said = "the embedded Redis could not start: redis-server exited at start-up: "
    assert line.startswith(f"error: SLS_REDIS_URL: unset, and {said}"), line
    assert "log file" in line, line  # redis-server's own words: "Can't open the log file: Is a directory"
    assert processes_naming(folder) == [] and not (folder / "redis.sock").exists()


@pytest.mark.parametrize("where", ["itself", "on-its-path"])
def test_a_data_folder_that_cannot_be_one_names_sls_data_dir(tmp_path: Path, where: str) -> None:
    """It named SLS_SECRET_KEY, the first file that could not be written in it ("unset, and .../secret.key
    could not be used: [Errno 17] File exists"); with both secrets set, a traceback from the embedded
    Redis's folder."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    data_dir = blocker if where == "itself" else blocker / "data"
    reason = "a file is there" if where == "itself" else "a file is on its path"
    expected = f"error: SLS_DATA_DIR: {data_dir} cannot be the data folder: {reason}, where a folder must be"
    assert one_error(failed(data_dir, "serve")) == expected
    secrets_set = {"SLS_SECRET_KEY": "ab" * 32, "SLS_ADMIN_TOKEN": "test-admin-token-0123456789"}
    assert one_error(failed(data_dir, "serve", **secrets_set)) == expected


def test_a_host_that_is_no_address_of_this_machine_names_host(tmp_path: Path) -> None:
    """It blamed the port: ``--port: 192.0.2.1:0 cannot be bound: Cannot assign requested address``."""
    line = one_error(failed(tmp_path / "data", "serve", "--host", "192.0.2.1"))  # TEST-NET-1: nobody's
    assert line.startswith("error: --host: 192.0.2.1 is no address of this machine"), line
    assert not (tmp_path / "data").exists()  # refused before anything was written


@pytest.mark.parametrize("command", ["serve", "demo", "gateway"])
def test_a_start_refused_by_redis_is_its_error_alone(tmp_path: Path, redis_url: str, command: str) -> None:
    """A Redis holding secrets sealed under another key (documented as refusing to start): the start's lines
    came first, "generated <data dir>/secret.key" and "generated <data dir>/admin.token"."""
    from sls_server.config import load_settings
    from sls_server.runtime import claim_secret_key

    another = load_settings({"redis_url": redis_url, "secret_key": "cd" * 32}, environ={})
    assert claim_secret_key(another)  # another server's key, recorded in this Redis first
    done = failed(tmp_path / "data", command, "--workers", "1", SLS_REDIS_URL=redis_url)
    assert one_error(done).startswith(
        "error: SLS_SECRET_KEY: this Redis holds secrets sealed under another key"
    )


def test_gateway_tls_that_cannot_keep_its_certificate_is_one_line_before_the_lease(tmp_path: Path) -> None:
    """A traceback (IsADirectoryError, FileExistsError), exit code 1, after the start's step had ended the
    gateway session."""
    key_folder = tmp_path / "data" / "gateway-tls" / "key.pem"
    key_folder.mkdir(parents=True)
    line = one_error(failed(tmp_path / "data", "gateway", "--tls", "--workers", "1"))
    assert line == f"error: --tls: the certificate cannot be kept at {key_folder}: Is a directory"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "gateway-tls").write_text("a file")
    line = one_error(failed(tmp_path / "other", "gateway", "--tls", "--workers", "1"))
    folder = tmp_path / "other" / "gateway-tls"
    assert line == f"error: --tls: the certificate cannot be kept at {folder}: File exists"
    assert processes_naming(tmp_path / "data") == processes_naming(tmp_path / "other") == []


def test_gateway_pidfile_naming_a_running_process_is_refused_before_anything_starts(tmp_path: Path) -> None:
    """gunicorn refused it once it ran, after the banner and the embedded Redis: its own ``Error: Already
    running on PID``, exit code 1."""
    pidfile = tmp_path / "gateway.pid"
    pidfile.write_text(f"{os.getpid()}\n")  # this test's process: running
    line = one_error(failed(tmp_path / "data", "gateway", "--pidfile", str(pidfile)))
    assert line.startswith(f"error: --pidfile: {pidfile} names process {os.getpid()}, which is running"), line
    assert pidfile.read_text() == f"{os.getpid()}\n"
    assert not (tmp_path / "data").exists()


def test_gateway_made_again_when_its_kept_key_is_not_the_certificates(
    sls_gateway: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The kept pair was checked for its certificate alone: with another key beside it (a restore that
    mixed two), the gateway started, printed its banner and failed every TLS handshake, no line saying why
    (gunicorn loads the pair per connection)."""
    port = free_port()
    folder = tmp_path / f"gateway-data-{port}"  # where the fixture puts the data folder of that port
    kept = ensure_certificate(folder, ["127.0.0.1"])
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    kept.key.write_bytes(other)
    server = sls_gateway("--tls", SLS_PORT=str(port))
    assert "made a new self-signed certificate (the kept key is not the certificate's)" in server.log()
    answer = requests.get(f"{server.url}/healthz", verify=str(server.certificate), timeout=10)
    assert answer.status_code == 200


def test_gunicorns_own_variables_for_settings_sls_sets_itself_stop_nothing(sls_serve: Any) -> None:
    """``WEB_CONCURRENCY=auto`` (a platform's) made even ``sls --help`` a traceback: gunicorn reads it as it
    is imported, for the workers ``--workers`` sets; a bad ``FORWARDED_ALLOW_IPS``, which
    ``SLS_TRUSTED_PROXIES`` overrides, stopped ``sls serve`` after its banner with gunicorn's ``Error:`` and
    exit code 1."""
    unread = {"WEB_CONCURRENCY": "auto", "PORT": "http", "FORWARDED_ALLOW_IPS": "not-an-address"}
    helped = subprocess.run(
        [sys.executable, "-m", "sls_server.cli.main", "--help"],
        env={**os.environ, **unread},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert helped.returncode == 0 and "serve" in helped.stdout, helped.stderr
    server = sls_serve(workers=1, **unread)
    assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200


def test_a_demo_on_a_redis_that_does_not_answer_is_refused_at_once(tmp_path: Path) -> None:
    """``sls serve`` starts and answers 503 until Redis does (docs/operations.md); a demo, which seeds its
    world in Redis as it starts, printed its banner, waited 60 s with a warning every 50 ms, then exited 1:
    "the demo world could not be seeded"."""
    closed = free_port()  # nothing listens there
    done = failed(
        tmp_path / "data", "demo", "--workers", "1", SLS_REDIS_URL=f"redis://:not-said@127.0.0.1:{closed}/0"
    )
    line = one_error(done)
    assert line.startswith(
        f"error: SLS_REDIS_URL: Redis at redis://:***@127.0.0.1:{closed}/0 did not answer"
    ), line
    assert not (tmp_path / "data" / "demo.json").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder: no mode refuses it")
def test_a_data_folder_this_user_may_not_write_names_sls_data_dir(tmp_path: Path) -> None:
    """It named SLS_SECRET_KEY, the first file that could not be made in it."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o500)
    try:
        line = one_error(failed(data_dir, "serve"))
    finally:
        data_dir.chmod(0o700)
    expected = f"error: SLS_DATA_DIR: {data_dir} cannot be the data folder: this user may not write in it"
    assert line == expected


@pytest.mark.parametrize("command", ["serve", "demo", "gateway"])
def test_under_json_logs_an_option_click_refuses_is_a_json_line_too(tmp_path: Path, command: str) -> None:
    """``--port abc`` was click's usage block in plain text under ``SLS_LOG_FORMAT=json`` (JSON only with
    ``--json``): the one start failure a log collector could not read."""
    done = failed(tmp_path / "data", command, "--port", "abc", SLS_LOG_FORMAT="json")
    assert done.returncode == 2 and done.stdout == "", done.stdout + done.stderr
    (line,) = done.stderr.splitlines()
    error = json.loads(line)["error"]
    assert error["code"] == "invalid_option" and "'--port'" in error["message"], error


@pytest.mark.parametrize(
    ("command", "name"), [("demo", "demo.json"), ("gateway", "gateway.json"), ("serve", "serve.json")]
)
def test_a_folder_where_the_server_writes_its_file_is_refused_before_it_serves(
    tmp_path: Path, command: str, name: str
) -> None:
    """A traceback once the server was up (the gateway's banner printed; the demo's server forked, its
    supervisor dead), exit code 1, and demo.json's copy (passwords, the admin token) left beside it."""
    data_dir = tmp_path / "data"
    (data_dir / name).mkdir(parents=True)
    line = one_error(failed(data_dir, command, "--workers", "1"))
    said = f"{data_dir / name} is not a file, and this server writes it: remove what is there"
    assert line == f"error: SLS_DATA_DIR: {said}"
    assert sorted(p.name for p in data_dir.iterdir() if p.name.startswith(".")) == []
    assert processes_naming(data_dir) == []


@pytest.mark.parametrize("command", ["serve", "demo", "gateway"])
def test_a_failed_start_takes_back_the_secrets_it_generated(
    tmp_path: Path, redis_url: str, command: str
) -> None:
    """It left the ``secret.key`` and ``admin.token`` it had just generated in the data folder: the next start
    (on another Redis, say) took them as the folder's own."""
    from sls_server.config import load_settings
    from sls_server.runtime import claim_secret_key

    another = load_settings({"redis_url": redis_url, "secret_key": "cd" * 32}, environ={})
    assert claim_secret_key(another)  # a Redis that refuses any other key: the start fails after the secrets
    data_dir = tmp_path / "data"
    one_error(failed(data_dir, command, "--workers", "1", SLS_REDIS_URL=redis_url))
    assert sorted(p.name for p in data_dir.iterdir()) == []
    a_corrupt_redis(tmp_path / "embedded")  # a failure of the embedded Redis's, after the secrets too
    one_error(failed(tmp_path / "embedded", command, "--workers", "1"))
    assert not (tmp_path / "embedded" / "secret.key").exists()
    assert not (tmp_path / "embedded" / "admin.token").exists()


def test_a_failed_start_keeps_the_secrets_that_were_there(tmp_path: Path, redis_url: str) -> None:
    """Only what this start made goes: a key that was there before seals what its Redis holds."""
    from sls_server.config import load_settings
    from sls_server.runtime import claim_secret_key

    another = load_settings({"redis_url": redis_url, "secret_key": "cd" * 32}, environ={})
    assert claim_secret_key(another)
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    (data_dir / "secret.key").write_text("ab" * 32 + "\n")
    (data_dir / "secret.key").chmod(0o600)
    one_error(failed(data_dir, "serve", SLS_REDIS_URL=redis_url))  # refused: the Redis holds another key
    assert (data_dir / "secret.key").read_text() == "ab" * 32 + "\n"
    assert not (data_dir / "admin.token").exists()  # made by this start, then taken back


@pytest.mark.parametrize("command", ["serve", "gateway"])
def test_an_admin_token_file_too_short_is_one_line_naming_the_file_before_anything_starts(
    tmp_path: Path, redis_url: str, command: str
) -> None:
    """A hand-written (or cut short) ``admin.token`` in the data folder passed the start's checks: the banner
    was printed, the embedded Redis started, then every worker refused the token as ``SLS_ADMIN_TOKEN``, a
    variable the operator never set, and the ``secret.key`` the start had generated stayed behind."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    (data_dir / "admin.token").write_text("too-short\n")
    (data_dir / "admin.token").chmod(0o600)
    line = one_error(failed(data_dir, command, "--workers", "1", SLS_REDIS_URL=redis_url))
    assert line == (
        f"error: SLS_ADMIN_TOKEN: unset, and {data_dir / 'admin.token'} could not be used: "
        "must be at least 16 characters"
    ), line
    assert sorted(p.name for p in data_dir.iterdir()) == [
        "admin.token"
    ]  # the generated secret.key taken back
    assert (data_dir / "admin.token").read_text() == "too-short\n"

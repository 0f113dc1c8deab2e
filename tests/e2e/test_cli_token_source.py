"""A refused admin token says where the CLI took it from: with a server started with ``--data-dir X``,
``sls user add --url ...`` without ``SLS_DATA_DIR=X`` sent the admin.token of the default data folder, and
said only "the admin token sent is not this server's", leaving the tester to guess that the data folder was
the reason."""

from __future__ import annotations

from pathlib import Path

from serve_processes import ServerProcess, fresh
from test_cli_e2e import clean_env, sls

from sls_server.cli import demofile
from sls_server.config import ADMIN_TOKEN_FILE


def refused(server: ServerProcess, env: dict[str, str], *extra: str) -> str:
    done = sls("user", "list", "--url", server.url, *extra, env=env, check=False)
    assert done.returncode == 1 and "admin_token_required" in done.stderr, done.stderr
    (line,) = done.stderr.strip().splitlines()
    return line


def test_a_data_folder_naming_another_server_sends_its_token_to_none_and_says_so(
    demo_server: ServerProcess, redis_url: str, tmp_path: Path
) -> None:
    server, data_dir = fresh(demo_server, redis_url), tmp_path / "other-data"
    data_dir.mkdir(mode=0o700)
    (data_dir / ADMIN_TOKEN_FILE).write_text("another-servers-token-0123456789\n")
    (data_dir / ADMIN_TOKEN_FILE).chmod(0o600)
    line = refused(server, clean_env(data_dir))
    # that folder names no server running (no serve.json): its token is not sent, and the refusal says so
    assert f"none was sent: the admin token in {data_dir / ADMIN_TOKEN_FILE} goes only to a server" in line
    assert "SLS_DATA_DIR" in line and "--data-dir" in line and "SLS_ADMIN_TOKEN" in line
    assert "another-servers-token" not in line  # the token itself is never shown


def test_a_token_from_demo_json_names_demo_json(
    demo_server: ServerProcess, redis_url: str, tmp_path: Path
) -> None:
    server, data_dir = fresh(demo_server, redis_url), tmp_path / "demo-data"
    demofile.write(data_dir, {"url": server.url, "admin_token": "a-stale-demos-token-0123456789"})
    line = refused(server, clean_env(data_dir))
    assert f"(taken from {data_dir / 'demo.json'})" in line and "SLS_DATA_DIR" in line


def test_a_token_given_names_the_option(demo_server: ServerProcess, redis_url: str, tmp_path: Path) -> None:
    server = fresh(demo_server, redis_url)
    line = refused(server, clean_env(tmp_path / "data"), "--admin-token", "wrong-token-0123456789")
    assert "(taken from --admin-token or SLS_ADMIN_TOKEN)" in line and "SLS_DATA_DIR" not in line

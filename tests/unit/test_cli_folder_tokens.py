"""The data folder's tokens go only to a server the folder names. demo.json's admin and sim tokens went to
whatever server a command was pointed at: a stopped demo's to the server answering at the default address
now (another user's, on a shared training machine), and to any ``--url``; the folder's ``admin.token`` to
any ``--url`` too. Now demo.json's go to its demo at its address, ``admin.token`` to a ``sls serve`` or
gateway the folder lists as running there; to any other server, none (``admin_commands.folder_token``): not
to one that repeats the run's ``instance_id``, which ``/healthz`` tells anyone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served_kit import json_over_http, served_over_http

from sls_server.app import create_app
from sls_server.cli import demofile, listen_file
from sls_server.cli.admin_commands import connect
from sls_server.cli.sim_access import sim_client
from sls_server.config import ADMIN_TOKEN_FILE

RUN = "c" * 32
OTHER_RUN = "d" * 32
DEMO_ADMIN = "A" * 43
DEMO_SIM = "S" * 43
FOLDER_ADMIN = "F" * 43


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path))
    for name in ("SLS_URL", "SLS_ADMIN_TOKEN", "SLS_SIM_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def server(app_config: dict[str, Any]) -> Iterator[str]:
    """A real server of the run :data:`RUN`, over HTTP."""
    with served_over_http(create_app(app_config, instance_id=RUN)) as url:
        yield url


def demo_record(url: str, run: str, **more: Any) -> dict[str, Any]:
    return {"url": url, "instance_id": run, "admin_token": DEMO_ADMIN, "sim_token": DEMO_SIM, **more}


def test_a_stopped_demos_tokens_go_to_no_other_server(data_dir: Path, server: str) -> None:
    # demo.json of a demo that stopped (its pid names no process), its address the one a server answers at now
    demofile.write(data_dir, demo_record(server, OTHER_RUN, pid=2**22 + 7))
    assert connect(server, None).token is None
    withheld = sim_client(server, None)  # named, so the server's refusal says why none was sent
    assert (withheld.token, withheld.token_source) == (None, str(demofile.path(data_dir)))


def test_demo_tokens_go_to_no_other_address_given(data_dir: Path, server: str) -> None:
    demofile.write(data_dir, demo_record("http://127.0.0.1:9", OTHER_RUN, pid=os.getpid()))
    assert connect(server, None).token is None
    assert sim_client(server, None).token is None


def test_demo_tokens_go_to_no_impostor_repeating_the_demos_run(data_dir: Path, server: str) -> None:
    # The demo runs (its pid is this process) at its own address; another address answers /healthz with the
    # demo's run, which anyone who reaches the demo reads there (no credentials): that is no proof of being
    # the demo, so neither its tokens nor its users' passwords and card keys (``naming``) go there.
    demofile.write(data_dir, demo_record(server, RUN, pid=os.getpid()))
    with json_over_http({"status": "ok", "instance_id": RUN}) as impostor:
        assert connect(impostor, None).token is None
        assert sim_client(impostor, None).token is None
        assert demofile.naming(impostor) is None


def test_demo_tokens_go_to_the_demo_at_its_own_address(data_dir: Path, server: str) -> None:
    demofile.write(data_dir, demo_record(server, RUN, pid=os.getpid()))
    assert connect(None, None).token == DEMO_ADMIN
    assert connect(server, None).token == DEMO_ADMIN


def test_the_folders_admin_token_goes_only_to_a_server_the_folder_lists(data_dir: Path, server: str) -> None:
    (data_dir / ADMIN_TOKEN_FILE).write_text(FOLDER_ADMIN)
    withheld = connect(server, None)  # no serve.json: nothing says that server is the folder's
    assert (withheld.token, withheld.token_source) == (None, str(data_dir / ADMIN_TOKEN_FILE))
    entry = {"url": server, "pid": os.getpid(), "instance_id": RUN, "started_at": 1}
    demofile.write_private_json(data_dir / listen_file.SERVE_FILE, {**entry, "before": []})
    client = connect(server, None)  # listed, running, at this address
    assert (client.token, client.token_source) == (FOLDER_ADMIN, str(data_dir / ADMIN_TOKEN_FILE))
    with json_over_http({"status": "ok", "instance_id": RUN}) as impostor:  # its public run repeated
        assert connect(impostor, None).token is None


def test_a_token_given_goes_where_it_is_pointed(data_dir: Path, server: str) -> None:
    assert connect(server, "given-token").token == "given-token"
    assert sim_client(server, "given-sim").token == "given-sim"

"""Which server demo.json speaks for, and whether its ``seeding`` mark still holds.

The scenario commands take a running demo's settings, sim token and seeding mark from demo.json only when it
names the server they were given. They compared the URLs as text, so ``http://localhost:8000`` was not the
demo at ``http://127.0.0.1:8000`` (its raised limits unknown, its sim token not sent); and a demo killed
mid-seed (SIGKILL, a power cut) left the mark behind, so every scenario command refused that URL as "still
seeding" until the file was removed by hand.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pid_kit import a_dead_pid

from sls_server.cli import demofile
from sls_server.cli.demo_world import World
from sls_server.cli.output import CliError
from sls_server.cli.scenario_server import known_settings, refuse_while_seeding, room_url

DEMO = "http://127.0.0.1:18000"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    "given", ["http://localhost:18000", "http://127.0.0.1:18000/", "HTTP://LOCALHOST:18000", DEMO]
)
def test_the_demo_is_known_by_any_spelling_of_its_address(data_dir: Path, given: str) -> None:
    demofile.write(data_dir, {"url": DEMO, "settings": {"SLS_PUSH_LIMIT": "20"}, "sim_token": "s" * 24})
    assert known_settings(given) == {"SLS_PUSH_LIMIT": "20"}
    assert demofile.sim_token(given) == "s" * 24


@pytest.mark.parametrize(
    "given", ["http://127.0.0.1:18001", "https://127.0.0.1:18000", "http://10.0.0.7:18000"]
)
def test_another_server_is_not_the_demo(data_dir: Path, given: str) -> None:
    demofile.write(data_dir, {"url": DEMO, "settings": {"SLS_PUSH_LIMIT": "20"}, "sim_token": "s" * 24})
    assert known_settings(given) == {}
    assert demofile.sim_token(given) is None


@pytest.mark.parametrize("written", ["http://[::1", "http://[::1]:80:80", "http://[not-an-address]:18000"])
def test_an_address_that_is_no_url_in_demo_json_names_no_server_and_raises_nothing(
    data_dir: Path, written: str
) -> None:
    """demo.json edited by hand with an address no URL parser reads: a traceback in every command that
    asked whether a server was the demo's; now it is no server's."""
    demofile.write(data_dir, {"url": written, "sim_token": "s" * 24})
    assert demofile.sim_token(DEMO) is None
    assert not demofile.same_server(written, "http://[::1]:80")


def test_a_demo_seeding_now_is_refused_under_any_spelling(data_dir: Path) -> None:
    demofile.write(data_dir, {"url": DEMO, "seeding": True, "seeding_pid": os.getpid()})
    with pytest.raises(CliError, match="still seeding"):
        refuse_while_seeding("http://localhost:18000")


def test_a_seeding_mark_left_by_a_demo_that_died_is_not_a_refusal(data_dir: Path) -> None:
    demofile.write(data_dir, {"url": DEMO, "seeding": True, "seeding_pid": a_dead_pid()})
    refuse_while_seeding(DEMO)  # the demo that marked it is gone: nothing is seeding


def test_a_mark_naming_no_process_is_still_a_refusal(data_dir: Path) -> None:
    """A demo.json written before the mark named its process: taken as seeding, as it was."""
    demofile.write(data_dir, {"url": DEMO, "seeding": True})
    with pytest.raises(CliError, match="still seeding"):
        refuse_while_seeding(DEMO)


def test_the_demo_world_serves_any_spelling_of_its_address() -> None:
    """``sls login --auto`` keys a demo card only on the demo's server: at ``localhost`` too."""
    world = World({"url": DEMO, "users": {"card-carl": {"password": "p"}}})
    assert world.serves("http://localhost:18000/")
    assert not world.serves("http://localhost:18001")


def test_a_demo_on_every_interface_is_known_by_its_network_address_too(data_dir: Path) -> None:
    """``sls demo --host 0.0.0.0`` records ``public_url``, the address the class was given: a scenario command
    given it (``--server http://192.0.2.10:18000``) took that server for another, its limits unknown."""
    demofile.write(
        data_dir, {"url": DEMO, "public_url": "http://192.0.2.10:18000", "settings": {"SLS_PUSH_LIMIT": "20"}}
    )
    assert known_settings("http://192.0.2.10:18000/") == {"SLS_PUSH_LIMIT": "20"}
    assert known_settings("http://192.0.2.11:18000") == {}
    # where the room opens it: the network address, for either spelling; a server not the demo's as given
    assert room_url(DEMO) == room_url("http://localhost:18000") == "http://192.0.2.10:18000"
    assert room_url("http://127.0.0.1:18001") == "http://127.0.0.1:18001"


def test_a_demo_json_without_public_url_is_opened_at_its_url(data_dir: Path) -> None:
    demofile.write(data_dir, {"url": DEMO})
    assert room_url(DEMO) == DEMO

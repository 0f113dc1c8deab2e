"""demo.json stays when its demo stops (Ctrl-C, killed): it holds the world ``sls world`` prints. The
commands that take a server for the demo (``demofile.naming``) matched it by URL alone, so a server started
later on the demo's port (``sls serve``, another demo) was that demo: ``sls state restore-demo`` and ``sls
world`` settled demo.json's passwords and numbers against it (``world_sync``), its password versions were
written in as the demo's (``world_marks.remarked``), and the scenario commands gave it the stopped demo's
settings, sim token and addresses (``scenario_server``). demo.json names its process: a stopped demo's file
names no server now."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)
from conftest import ADMIN_TOKEN
from pid_kit import a_dead_pid

from sls_server.cli import demofile, recorded_process, world_marks, world_sync
from sls_server.cli.admin_client import AdminClient
from sls_server.cli.scenario_server import known_settings, room_url, runner_url

pytestmark = pytest.mark.e2e

NEW_PHONE = "+15555550190"
PUBLIC = "http://192.0.2.10:18000"


def _replaced_then_restored(demo: Demo) -> dict[str, Any]:
    """card-carl's number changed from the CLI while the demo ran (demo.json records the replaced one), then
    the demo world put back on the server: demo.json's record, for the demo now given a process."""
    demo.ok("state", "keep-demo")
    demo.ok("user", "phone", "card-carl", NEW_PHONE)
    assert demo.admin("POST", "/admin/v1/state/demo/restore").status_code == 200
    info = demofile.read(demo.data_dir) or {}
    assert info[demofile.SEEDED]["card-carl"]["phone"] != NEW_PHONE
    return {**info, "settings": {"SLS_PUSH_LIMIT": "20"}, "sim_token": "s" * 24, "public_url": PUBLIC}


def _as(demo: Demo, info: dict[str, Any], process: dict[str, Any]) -> bytes:
    demofile.write(demo.data_dir, {**info, **process})
    return demofile.path(demo.data_dir).read_bytes()


def test_a_stopped_demo_s_file_is_not_the_server_now_on_its_port(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = demo.server.url
    info = _replaced_then_restored(demo)
    stopped = {"pid": a_dead_pid()}

    written = _as(demo, info, stopped)
    restored = demo.ok("state", "restore-demo", "--url", url, "--admin-token", ADMIN_TOKEN)
    assert demofile.path(demo.data_dir).read_bytes() == written  # world_sync: nothing settled into it
    said = " ".join(restored.stderr.split())
    assert (
        f"demo.json not used for {url}: the sls demo that wrote it (pid {stopped['pid']}) has stopped" in said
    )
    assert said.count("demo.json not used") == 1, said

    monkeypatch.setenv("SLS_DATA_DIR", str(demo.data_dir))
    client = AdminClient(url, ADMIN_TOKEN)
    written = _as(demo, info, stopped)
    world_sync.caught_up(client, demofile.read(demo.data_dir) or {})
    assert demofile.path(demo.data_dir).read_bytes() == written

    written = _as(demo, {k: v for k, v in info.items() if k != demofile.MARKS}, stopped)
    world_marks.remarked(world_marks.listed(client), url)
    assert demofile.path(demo.data_dir).read_bytes() == written  # no version of that server's as the demo's

    assert known_settings(url) == {}
    assert demofile.sim_token(url) is None
    assert room_url(url) == url
    assert runner_url(PUBLIC) == PUBLIC


def test_a_running_demo_s_file_is_still_its_server(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same record, its process running (this one, as the demo's supervisor records itself)."""
    url = demo.server.url
    info = _replaced_then_restored(demo)
    seeded_phone = info[demofile.SEEDED]["card-carl"]["phone"]
    _as(demo, info, recorded_process.this_process())
    restored = demo.ok("state", "restore-demo", "--url", url, "--admin-token", ADMIN_TOKEN)
    assert "demo.json not used" not in restored.stderr
    after = demofile.read(demo.data_dir) or {}
    assert after["users"]["card-carl"]["phone"] == seeded_phone and demofile.SEEDED not in after

    monkeypatch.setenv("SLS_DATA_DIR", str(demo.data_dir))
    assert known_settings(url) == {"SLS_PUSH_LIMIT": "20"}
    assert demofile.sim_token(url) == "s" * 24
    assert room_url(url) == PUBLIC and runner_url(PUBLIC) == url


def test_sls_world_and_auto_keep_a_stopped_demo_s_world_off_the_server_on_its_port(demo: Demo) -> None:
    """``sls world`` prints the world the demo left, as it left it, without asking the server now at its URL
    about it (that server's numbers and passwords shown as the demo's "changed on the server"); ``sls login
    --auto`` and ``sls attack`` took demo.json's passwords and keys to that server (``World.serves``)."""
    url, seeded_phone = demo.server.url, demo.user("card-carl")["phone"]
    assert demo.admin("PUT", "/admin/v1/users/card-carl/phone", {"phone": NEW_PHONE}).status_code == 200
    pid = a_dead_pid()
    _as(demo, demofile.read(demo.data_dir) or {}, {"pid": pid})

    shown = demo.ok("world", "--json")
    world = json.loads(shown.stdout)["users"]["card-carl"]
    assert world["phone"] == seeded_phone and world_marks.PHONE_CHANGED not in world
    said = " ".join(shown.stderr.split())
    assert f"the sls demo that wrote this world (pid {pid}) has stopped" in said, said
    assert "sls demo --keep" in said and NEW_PHONE not in said

    login = demo.sls("login", "card-carl", "--auto", "--url", url, "--admin-token", ADMIN_TOKEN)
    assert login.exit_code != 0 and "no demo.json of this server's demo" in login.output, login.output
    assert f"the sls demo that wrote it (pid {pid}) has stopped" in " ".join(login.stderr.split())

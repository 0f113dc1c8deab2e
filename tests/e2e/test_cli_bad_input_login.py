"""``sls login`` given what a script gives it: an answer prompt with no input (a CI job) is a usage error in
one line saying the login stays open and how to answer it, exit 2, not click's bare "Aborted!" and exit 1;
``--device`` without ``--factor`` logs in with that device (it was ignored: the default factor was used), and
a device that is none of the user's is said, with the ones there are; a data folder that cannot be written
(SLS_DATA_DIR a file) loses only the keeping of the login, said once, not the login (it was a traceback)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
    session_of,
)
from click.testing import CliRunner
from conftest import ADMIN_TOKEN
from json_error_kit import json_error
from over_http_kit import card_user_over_http

from sls_server.cli import demofile
from sls_server.cli.main import cli

pytestmark = pytest.mark.e2e


def test_an_answer_prompt_with_no_input_leaves_the_login_open(demo: Demo) -> None:
    password = demo.user("card-carl")["password"]
    asked = demo.sls("login", "card-carl", "--password", password, "--json", input="")
    assert asked.exit_code == 2, asked.output
    told = json_error(asked, "invalid_option", after_prompt=True)
    stays = "the login stays open: sls answer RESPONSE (or --auto)"
    assert told["message"] == f"no answer (the input ended): {stays}"
    assert "Aborted!" not in asked.stderr
    answered = demo.json("answer", "--auto")
    assert answered["state"] == "authenticated" and answered["username"] == "card-carl"


def test_device_without_factor_uses_that_device(demo: Demo) -> None:
    totp = demo.device("multi-mia", "totp")["device_id"]
    result = demo.json("login", "multi-mia", "--device", totp, "--auto")
    assert result["state"] == "authenticated"
    succeeded = demo.json("events", "--user", "multi-mia", "--type", "login.succeeded")["events"]
    assert succeeded[-1]["factor"] == "totp" and succeeded[-1]["device_id"] == totp


def test_a_device_that_is_not_the_users_is_said(demo: Demo) -> None:
    other = demo.device("card-carl", "dscplus")["device_id"]
    refused = demo.sls("login", "multi-mia", "--device", other, "--auto", "--json")
    assert refused.exit_code == 1, refused.output
    told = json_error(refused, "failed")
    assert told["message"].startswith(f"--device {other}: not one of multi-mia's factors (dscplus ")


def test_a_data_folder_that_cannot_be_written_loses_only_the_keeping(demo: Demo, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "data-is-a-file"
    not_a_folder.write_text("x")
    tom = demo.user("totp-tom")
    args = ["login", "totp-tom", "--password", tom["password"], "--auto", "--json", "--url", demo.server.url]
    env = {"SLS_DATA_DIR": str(not_a_folder), "SLS_URL": "", "SLS_ADMIN_TOKEN": "", "SLS_SIM_TOKEN": ""}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: not kept in")]
    assert len(warnings) == 1 and "SLS_DATA_DIR" in warnings[0], result.stderr
    token = json.loads(result.stdout)["session"]["token"]
    assert session_of(demo.server, token).status_code == 200  # the login stands


def test_auto_without_a_demo_password_says_where_it_looked(demo: Demo) -> None:
    """A script that starts ``sls demo`` and waits only for ``/readyz`` can ask before the world is seeded
    (demo.json not written yet): the error says where ``--auto`` looked, not only ``give --password``."""
    demo.ok("user", "add", "zoe", "--password", "plum-sketch-harbour-9")
    asked = demo.sls("login", "zoe", "--auto", input="")
    assert asked.exit_code == 2, asked.output
    last = asked.stderr.splitlines()[-1]
    assert last.startswith("error: no answer (the input ended): give --password (--auto finds no password")
    assert "zoe in demo.json: not a demo user" in last and "still seeding" not in last


def test_auto_while_the_demo_is_still_seeding_says_so(demo: Demo) -> None:
    """demo.json marked ``seeding`` by a demo that still runs (this process stands for it): that, not a user
    missing from the world, is why --auto has no password yet."""
    demofile.write(demo.data_dir, {"url": demo.server.url, "seeding": True, "seeding_pid": os.getpid()})
    asked = demo.sls("login", "card-carl", "--auto", input="")
    assert asked.exit_code == 2, asked.output
    assert "--auto finds no password for card-carl: `sls demo` is still seeding" in asked.stderr


def test_auto_on_a_server_no_demo_describes_names_what_is_missing(plain_server: Any, tmp_path: Path) -> None:
    """``--auto`` against a server that is not the demo's (--url, no demo.json of it): the card's PIN is not
    "missing from demo.json" (there is no demo world at all); it says so, and that --pin gives it."""
    server = plain_server
    card_user_over_http(server.url, "kim", "quartz-meadow-lantern-3")
    env = {"SLS_DATA_DIR": str(tmp_path / "elsewhere")}  # a data folder no demo ever wrote
    runner = CliRunner()
    args = ["login", "kim", "--password", "quartz-meadow-lantern-3", "--auto", "--url", server.url]
    refused = runner.invoke(cli, [*args, "--admin-token", ADMIN_TOKEN], env=env)
    assert refused.exit_code == 2, refused.output
    assert "the card's PIN is unknown here: no demo.json of this server's demo" in refused.output
    assert "--pin" in refused.output
    keyed = runner.invoke(cli, [*args, "--pin", "1234", "--admin-token", ADMIN_TOKEN, "--json"], env=env)
    assert keyed.exit_code == 0, keyed.output
    assert json.loads(keyed.stdout)["state"] == "authenticated"

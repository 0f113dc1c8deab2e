"""The console's "Back to the demo world" puts the kept world's passwords and numbers back on the server, but
cannot reach demo.json: after a CLI change (`sls change-password`, `sls user phone`), `sls world` went on
printing the replaced password, which the server refused, and `sls login <user> --auto` failed
(`invalid_credentials`), until `sls state restore-demo` was run again. demo.json now catches up with a restore
since the change (``sls_server/cli/world_sync.py``), whoever asked for it, by asking the server which value it
holds (``test_cli_world_marks.py``: clocks, the trail's retention, an older sls's demo.json)."""

from __future__ import annotations

import json

import pytest
from cli_world import (
    Demo,
    console_restores,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

from sls_server.cli import demofile

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "violet-harbour-lantern-42"
NEW_PHONE = "+15555550190"


def _changed_by_cli(demo: Demo, password: str) -> None:
    """card-carl's password changed by the user (`sls change-password`) and his number by the trainer."""
    demo.json("login", "card-carl", "--auto")
    demo.json("stepup", "--purpose", "change_security", "--auto")
    demo.ok("change-password", "--current", password, "--new", NEW_PASSWORD)
    demo.ok("user", "phone", "card-carl", NEW_PHONE)
    assert demo.json("world")["users"]["card-carl"]["password"] == NEW_PASSWORD


def test_sls_world_and_auto_follow_the_console_s_restore_of_the_demo_world(demo: Demo) -> None:
    seeded = dict(demo.user("card-carl"))
    demo.ok("state", "keep-demo")
    _changed_by_cli(demo, seeded["password"])
    console_restores(demo)

    shown = demo.sls("world", "--json")
    assert shown.exit_code == 0, shown.output
    world = json.loads(shown.stdout)
    assert {k: world["users"]["card-carl"][k] for k in ("password", "phone")} == {
        k: seeded[k] for k in ("password", "phone")
    }
    assert NEW_PASSWORD not in shown.stdout  # nor in the commands of `try`
    said = [line for line in shown.stderr.splitlines() if "restored" in line]
    assert len(said) == 1 and "card-carl" in said[0], shown.stderr
    assert seeded["password"] not in shown.stderr and NEW_PASSWORD not in shown.stderr
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"
    on_disk = demofile.read(demo.data_dir) or {}
    assert demofile.SEEDED not in on_disk and demofile.SEEDED_SINCE not in on_disk  # settled: said once
    assert "restored" not in demo.ok("world").stderr


def test_auto_alone_follows_it_and_a_change_after_the_restore_stays(demo: Demo) -> None:
    """`sls login --auto` catches up without `sls world` first; a value changed again after the restore is
    the server's, and a keep (`PUT /admin/v1/state/demo`, by any client) makes the value demo.json holds the
    kept one: a restore after it brings that back, not the first."""
    seeded = dict(demo.user("card-carl"))
    demo.ok("state", "keep-demo")
    _changed_by_cli(demo, seeded["password"])
    console_restores(demo)
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"
    assert demo.json("world")["users"]["card-carl"]["phone"] == seeded["phone"]

    _changed_by_cli(demo, seeded["password"])
    assert (
        demo.admin("PUT", "/admin/v1/state/demo").status_code == 200
    )  # the changed world kept, not by the CLI
    console_restores(demo)
    world = demo.json("world")
    assert world["users"]["card-carl"]["password"] == NEW_PASSWORD
    assert world["users"]["card-carl"]["phone"] == NEW_PHONE
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"


def test_a_staged_attack_phishes_the_restored_password(demo: Demo) -> None:
    """`sls attack` takes a demo user's password from demo.json too: after the console's restore, the kept
    one (it was the replaced one, and the attack could not run: `not_run`, exit 1)."""
    seeded = dict(demo.user("card-carl"))
    demo.ok("state", "keep-demo")
    _changed_by_cli(demo, seeded["password"])
    console_restores(demo)
    relayed = demo.sls("attack", "phishing-relay", "card-carl", "--json")
    assert relayed.exit_code == 0, relayed.output
    assert json.loads(relayed.stdout)["verdict"] != "not_run"
    assert seeded["password"] not in relayed.output and NEW_PASSWORD not in relayed.output


def test_a_value_changed_again_after_the_restore_is_the_one_shown(demo: Demo) -> None:
    """Changed (by the trainer: no login, so nothing reads the trail), restored by the console, changed
    again before any `sls world`: the restore came before the last change, which the server holds."""
    demo.ok("state", "keep-demo")
    demo.ok("user", "password", "card-carl", "--password", NEW_PASSWORD)
    console_restores(demo)
    demo.ok("user", "password", "card-carl", "--password", "cobalt-meadow-signal-7")
    assert demo.json("world")["users"]["card-carl"]["password"] == "cobalt-meadow-signal-7"
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"


def test_restore_demo_keeps_a_value_the_world_was_kept_with_after_the_change(demo: Demo) -> None:
    """`sls state restore-demo` wrote every replaced value back, even one the kept world held since: kept
    after the change by another client (`PUT /admin/v1/state/demo`), the world it brings back has the changed
    password, which `sls world` must go on showing."""
    demo.ok("state", "keep-demo")
    demo.ok("user", "password", "card-carl", "--password", NEW_PASSWORD)
    assert demo.admin("PUT", "/admin/v1/state/demo").status_code == 200
    assert "demo world's passwords" not in demo.ok("state", "restore-demo").stderr
    assert demo.json("world")["users"]["card-carl"]["password"] == NEW_PASSWORD
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"

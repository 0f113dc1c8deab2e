"""``sls world`` tells which password the server holds after the console's "Back to the demo world" by the
server's own mark of each password (``password_version``, ``sls_server/cli/world_marks.py``), not by
comparing this machine's clock with the trail's ids: a CLI whose clock is off the server's (another machine),
the emulated clock moved, a restore the trail no longer holds (``SLS_EVENT_RETENTION``), a password set
outside sls (not printed), and a demo.json an older sls wrote (no marks: warned, the trail's answer)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from cli_world import (
    Demo,
    console_restores,
    seeded_demo,  # noqa: F401 (the fixture demo)
)
from click.testing import Result
from freezegun import freeze_time

from sls_server.cli import demofile
from sls_server.store import connect, keys

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "violet-harbour-lantern-42"
DAY_S = 86_400


def _set_by_cli(demo: Demo, password: str = NEW_PASSWORD) -> None:
    """card-carl's password set by the trainer (`sls user password`), which demo.json records."""
    demo.ok("user", "password", "card-carl", "--password", password)


def _shown(demo: Demo) -> tuple[str | None, Result]:
    """card-carl's password as `sls world` shows it, and what it said."""
    shown = demo.sls("world", "--json")
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.stdout)["users"]["card-carl"]["password"], shown


def _logs_in(demo: Demo) -> bool:
    return demo.sls("login", "card-carl", "--auto", "--json").exit_code == 0


def test_a_cli_clock_ahead_of_the_server_s_still_sees_the_console_s_restore(demo: Demo) -> None:
    """The CLI on a machine whose clock runs 10 minutes ahead of the server's: its stamp (its own clock) came
    after the console's restore in the trail, so the restore was taken for one before the change, and
    `sls world` went on showing the replaced password, which the server refused."""
    seeded = demo.user("card-carl")["password"]
    demo.ok("state", "keep-demo")
    with freeze_time(datetime.now(UTC) + timedelta(minutes=10), tick=True):
        _set_by_cli(demo)
    console_restores(demo)
    assert _shown(demo)[0] == seeded
    assert _logs_in(demo)


def test_a_cli_clock_behind_the_server_s_keeps_a_change_made_after_the_restore(demo: Demo) -> None:
    """The reverse order, the CLI's clock 10 minutes behind: restored by the console, then changed by the CLI,
    the server holds the changed password."""
    demo.ok("state", "keep-demo")
    console_restores(demo)
    with freeze_time(datetime.now(UTC) - timedelta(minutes=10), tick=True):
        _set_by_cli(demo)
    assert _shown(demo)[0] == NEW_PASSWORD
    assert _logs_in(demo)


@pytest.mark.parametrize("restore_first", [False, True], ids=["change-then-restore", "restore-then-change"])
def test_the_emulated_clock_moved_forward_changes_nothing(demo: Demo, restore_first: bool) -> None:
    """`/admin/v1/clock` moves the app's clock, not the server's wall clock (the trail's ids and
    ``kept_at_ms`` are that), and the marks are no clock at all: moved two days ahead, a change then the
    console's restore shows the kept password, a restore then a change the changed one."""
    seeded = demo.user("card-carl")["password"]
    demo.ok("state", "keep-demo")
    assert demo.admin("POST", "/admin/v1/clock", {"advance_s": 2 * DAY_S}).status_code == 200
    if restore_first:
        console_restores(demo)
        _set_by_cli(demo)
    else:
        _set_by_cli(demo)
        console_restores(demo)
    assert _shown(demo)[0] == (NEW_PASSWORD if restore_first else seeded)
    assert _logs_in(demo)


def test_a_restore_the_trail_no_longer_holds_is_seen(demo: Demo, redis_url: str) -> None:
    """The trail keeps a week (``SLS_EVENT_RETENTION``): a console restore older than that left no
    ``state.imported`` to read, and `sls world` showed the replaced password without a word. The trail
    trimmed here as the retention trims it (the clock cannot age it: it is trimmed by the wall clock)."""
    seeded = demo.user("card-carl")["password"]
    demo.ok("state", "keep-demo")
    _set_by_cli(demo)
    console_restores(demo)
    raw = connect(redis_url)
    try:
        raw.xtrim(keys.EVENTS, maxlen=0)
    finally:
        raw.close()
    assert _shown(demo)[0] == seeded
    assert _logs_in(demo)


def test_a_password_set_outside_sls_is_said_not_printed(demo: Demo) -> None:
    """Set by sls, then by another client (the admin API, the console): demo.json's password is refused,
    and the kept one too; `sls world` says so instead of printing it as if it worked (null in --json,
    flagged; ``test_cli_world_changed.py`` has the rest)."""
    _set_by_cli(demo)
    changed = demo.admin("PUT", "/admin/v1/users/card-carl/password", {"password": "cobalt-meadow-7-x"})
    assert changed.status_code == 200, changed.text
    password, shown = _shown(demo)
    assert password is None
    assert json.loads(shown.stdout)["users"]["card-carl"]["password_changed_on_server"] is True
    said = [line for line in shown.stderr.splitlines() if "changed on the server" in line]
    assert len(said) == 1 and "card-carl" in said[0], shown.stderr
    assert NEW_PASSWORD not in shown.output and "cobalt-meadow" not in shown.output, shown.output


def _as_an_older_sls_wrote_it(demo: Demo) -> None:
    on_disk = demofile.read(demo.data_dir) or {}
    on_disk.pop(demofile.MARKS)
    demofile.write(demo.data_dir, on_disk)


def test_an_older_sls_s_record_is_warned_of_and_read_from_the_trail(demo: Demo) -> None:
    """demo.json written by an older sls (a trail cursor from its clock, no mark): `sls world` says that
    this is what it goes by and what it misses, and settles by the trail as before."""
    seeded = demo.user("card-carl")["password"]
    demo.ok("state", "keep-demo")
    _set_by_cli(demo)
    _as_an_older_sls_wrote_it(demo)
    console_restores(demo)
    password, shown = _shown(demo)
    assert password == seeded
    said = [line for line in shown.stderr.splitlines() if "older sls" in line]
    assert len(said) == 1 and "card-carl's password" in said[0] and "restore-demo" in said[0], shown.stderr
    assert _logs_in(demo)


def test_an_older_sls_s_record_settles_by_restore_demo(demo: Demo) -> None:
    """Without a mark and with the trail showing no restore, `sls world` keeps demo.json's password and
    says it cannot tell; `sls state restore-demo` settles it (the kept world's), marks and all."""
    seeded = demo.user("card-carl")["password"]
    demo.ok("state", "keep-demo")
    _set_by_cli(demo)
    _as_an_older_sls_wrote_it(demo)
    password, shown = _shown(demo)
    assert password == NEW_PASSWORD and "older sls" in shown.stderr
    demo.ok("state", "restore-demo")
    assert _shown(demo)[0] == seeded
    assert _logs_in(demo)
    on_disk = demofile.read(demo.data_dir) or {}
    assert demofile.SEEDED not in on_disk and demofile.SEEDED_SINCE not in on_disk
    assert (
        "held" in on_disk[demofile.MARKS]["card-carl"]
    )  # marked anew: the next change is the server's to tell
    _set_by_cli(demo)
    console_restores(demo)
    password, shown = _shown(demo)
    assert password == seeded and "older sls" not in shown.stderr

"""What ``sls answer`` and ``--auto`` say about a step they cannot answer as asked: a response typed for an
IB Key push (the server's HTTP advice replaced by the commands), and a temporary passcode nothing simulates
(exit 1, where an unknown PIN was exit 2: docs/cli.md's exit 2 is a question with nobody to answer it)."""

from __future__ import annotations

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

pytestmark = pytest.mark.e2e
PASSWORD = "plum-sketch-harbour-9"


def test_a_response_typed_for_a_push_says_how_the_cli_waits_for_it(demo: Demo) -> None:
    demo.ok("login", "android-ann", "--auto", "--start-only")
    typed = demo.sls("answer", "123456")
    assert typed.exit_code == 1, typed.output
    assert typed.stderr.startswith("error: wrong_mode:") and typed.stderr.count("\n") == 1
    assert "`sls answer --auto`" in typed.stderr and "sls switch ibkey --challenge" in typed.stderr
    assert "/api/v1" not in typed.stderr  # the HTTP routes that poll are not what a CLI user calls
    assert demo.json("answer", "--auto")["state"] == "authenticated"  # the login was left open


def test_auto_on_a_temporary_passcode_nobody_knows_is_a_usage_error_like_an_unknown_pin(demo: Demo) -> None:
    demo.ok("user", "add", "tina", "--password", PASSWORD)
    demo.ok("device", "enroll", "tina", "--type", "temporary")
    told = demo.sls("login", "tina", "--password", PASSWORD, "--auto", "--json")
    assert told.exit_code == 2, told.output
    assert '"code": "invalid_option"' in told.stderr and "--response" in told.stderr

"""``sls my-sessions`` against a real ``sls serve`` that keeps several sessions per user: the user lists their
own, is told to step up before ending any, then ends one by its short id and the rest at once (ASVS 7.5.2)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from cli_world import Demo, seeded, session_of
from conftest import DEMO_ENV

pytestmark = pytest.mark.e2e


def _sid(username: str, token: str) -> str:
    return f"{username}~{hashlib.sha256(token.encode()).hexdigest()}"


@pytest.fixture
def demo(sls_serve: Any, tmp_path: Path) -> Demo:
    server = sls_serve(workers=1, SLS_SESSION_CONCURRENCY="allow", **DEMO_ENV)
    return seeded(server, tmp_path / "cli-data")


def test_a_user_lists_their_sessions_and_ends_the_others_after_a_step_up(demo: Demo) -> None:
    tokens = [demo.json("login", "card-carl", "--auto")["session"]["token"] for _ in range(3)]
    listed = demo.json("my-sessions", "--user", "card-carl")["sessions"]
    assert sorted(s["id"] for s in listed) == sorted(_sid("card-carl", t) for t in tokens)
    assert [s["id"] for s in listed if s["current"]] == [_sid("card-carl", tokens[-1])]  # the kept one
    table = demo.ok("my-sessions").stdout
    assert "your live sessions (card-carl)" in table and "this" in table
    assert not any(t in table for t in tokens)

    refused = demo.sls("my-sessions", "--end-others")
    assert refused.exit_code == 1
    assert "reauth_required" in refused.stderr and "sls stepup --purpose change_security" in refused.stderr
    assert all(session_of(demo.server, t).status_code == 200 for t in tokens)
    both = demo.sls("my-sessions", "--end", "x", "--end-others")
    assert both.exit_code == 2 and "not both" in both.stderr

    assert demo.json("stepup", "--purpose", "change_security", "--auto")["state"] == "verified"
    first = _sid("card-carl", tokens[0])
    short = first[: len("card-carl~") + 12]  # as an audit event shows it
    assert demo.json("my-sessions", "--end", short) == {"ended": [first]}
    assert session_of(demo.server, tokens[0]).status_code == 401
    unknown = demo.sls("my-sessions", "--end", short)
    assert unknown.exit_code == 1 and unknown.stderr.startswith("error: unknown_session")

    said = demo.ok("my-sessions", "--end-others").stdout
    assert said.startswith("ended 1 session(s)") and _sid("card-carl", tokens[1]) in said
    assert session_of(demo.server, tokens[1]).status_code == 401
    mine = demo.json("my-sessions")["sessions"]
    assert len(mine) == 1 and mine[0]["current"]
    assert demo.json("whoami")["username"] == "card-carl"  # this session lives on
    events = demo.json("events", "--user", "card-carl", "--type", "session.ended_by_user")["events"]
    assert len(events) == 2

"""Where the CLI and the scenario runner can do without an answer, they catch the errors that mean "no answer"
(the server's refusal, no server, a usage error, a setting the server refuses) and nothing wider: an answer
that lacks a field the code reads (a field renamed on one side) is a bug, and must surface as one rather than
pass for "no answer" ("not locked", "no server time")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from served_kit import json_over_http

from sls_server.cli.admin_client import AdminClient
from sls_server.cli.answering import Answerer
from sls_server.cli.demo_world import World
from sls_server.cli.device_state import pin_tries
from sls_server.store.embedded import free_port


@pytest.fixture
def renamed() -> Iterator[str]:
    """A server of another version: every request gets ``200 {}``, none of the fields this CLI reads."""
    with json_over_http({}) as url:
        yield url


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path))  # no demo.json of this machine's


def answerer(url: str) -> Answerer:
    return Answerer(AdminClient(url, "t" * 20), AdminClient(url, None), World(None))


def test_no_server_is_no_answer() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert pin_tries(url, "card-1") is None
    assert answerer(url)._server_now() is None
    assert answerer(url).snapshot("carl") == []


def test_an_answer_without_the_field_read_is_a_bug_not_no_answer(renamed: str) -> None:
    with pytest.raises(KeyError, match="pin_attempts_left"):
        pin_tries(renamed, "card-1")
    with pytest.raises(KeyError, match="now"):
        answerer(renamed)._server_now()


def test_a_bug_building_a_scenarios_app_is_not_told_as_refused_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sls_server
    from sls_scenarios.targets import InProcessTarget, TargetError

    target = InProcessTarget()
    try:
        with pytest.raises(TargetError, match=r"refused setup\.settings: SLS_ABSOLUTE_TIMEOUT"):
            target.prepare({"SLS_IDLE_TIMEOUT": 900, "SLS_ABSOLUTE_TIMEOUT": 600})

        def broken(config: object) -> None:
            raise KeyError("a renamed setting")

        monkeypatch.setattr(sls_server, "create_app", broken)
        with pytest.raises(KeyError, match="a renamed setting"):
            target.prepare({"SLS_PUSH_LIMIT": 5})
    finally:
        target.close()

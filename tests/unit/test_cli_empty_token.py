"""``TOKEN=$(sls login ... | jq -r .session.token)`` then ``sls whoami --token "$TOKEN"`` is the README's
pattern. When the login failed, ``$TOKEN`` is empty, and an empty token fell back to the session ``sls
login`` kept last, which may be another user's: ``withdraw``, ``stepup``, ``change-phone`` and ``logout``
then acted as them. An empty token is now a usage error, before anything is sent."""

from __future__ import annotations

import json
from pathlib import Path

from cli_kit import assert_one_line_error, cli_runner, sls
from click.testing import CliRunner

__all__ = ["cli_runner"]  # the runner fixture


def _keep_a_session_of_someone_else(tmp_path: Path) -> None:
    carl = {"session": {"token": "carls-token"}}
    kept = {"http://127.0.0.1:8000": {"users": {"carl": carl}, "last": "carl"}}
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "cli-logins.json").write_text(json.dumps(kept))


def test_an_empty_token_option_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    _keep_a_session_of_someone_else(tmp_path)
    for command in (["whoami"], ["logout"], ["withdraw", "100"]):
        done = sls(runner, *command, "--token", "", "--url", "http://127.0.0.1:8000")
        assert done.exit_code == 2, (command, done.output)
        assert_one_line_error(done, "--token is empty")


def test_an_empty_token_variable_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    _keep_a_session_of_someone_else(tmp_path)
    done = sls(runner, "whoami", "--url", "http://127.0.0.1:8000", env={"SLS_SESSION_TOKEN": ""})
    assert done.exit_code == 2, done.output
    assert_one_line_error(done, "SLS_SESSION_TOKEN is set empty")

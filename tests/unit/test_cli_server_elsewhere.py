"""A newcomer who started `sls serve --port 8731` ran `sls clock` in another shell and was told "no server at
http://127.0.0.1:8000; start one with `sls demo` or `sls serve`": they had started one. Only `sls demo`
writes where its server is (demo.json); a server of one's own is named with --url or SLS_URL, and the
refusal says so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli import admin_commands, demofile
from sls_server.store.embedded import free_port


@pytest.mark.parametrize("args", [("clock",), ("openapi",), ("events",)])
def test_no_server_at_the_default_url_names_the_way_to_point_at_ones_own(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"  # the default's port may be another server's on this machine
    monkeypatch.setattr(admin_commands, "DEFAULT_URL", nowhere)

    result = sls(runner, *args)

    assert result.exit_code == 1, result.output
    assert_one_line_error(result, f"no server at {nowhere}", "sls serve", "--url", "SLS_URL")


def test_after_the_demo_stopped_the_refusal_says_where_it_was_and_how_to_start_it_again(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`sls demo` on port 8791, stopped with Ctrl-C, then `sls status`: demo.json stays (it holds the world)
    but names a demo no longer running, so the commands went to the default address and said only that
    nothing answered at http://127.0.0.1:8000, which the newcomer never started."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setattr(admin_commands, "DEFAULT_URL", nowhere)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    demo_url = f"http://127.0.0.1:{free_port()}"
    demofile.write(tmp_path / "data", {"url": demo_url, "admin_token": "t" * 20, "pid": ended.pid})

    result = sls(runner, "status")

    assert result.exit_code == 1, result.output
    assert_one_line_error(result, f"no server at {nowhere}", f"last ran, at {demo_url}, has stopped")
    assert "`sls demo --keep`" in result.stderr


@pytest.mark.parametrize(
    "written",
    [
        "http://admin:s3cret-in-the-url@127.0.0.1:{port}",  # a password: printed nowhere else (mask_url)
        "http://127.0.0.1:{port}\nerror: s3cret-in-the-url",  # a line break: a second line, made up
        "http://127.0.0.1:{port}\x1b[2Ks3cret-in-the-url",  # a terminal escape: the line rewritten
    ],
)
def test_a_stopped_demos_address_hand_edited_into_junk_is_not_printed_as_it_is(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, written: str
) -> None:
    """demo.json is the user's own file, edited by hand at times: the stopped demo's hint printed its url
    as written, a password in it too (every other place masks one: ``output.mask_url``), and a line break
    or a terminal escape in it broke the one line the refusal is. ``sls demo`` never writes such a url."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setattr(admin_commands, "DEFAULT_URL", nowhere)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    demo_url = written.format(port=free_port())
    demofile.write(tmp_path / "data", {"url": demo_url, "admin_token": "t" * 20, "pid": ended.pid})

    result = sls(runner, "status")

    assert result.exit_code == 1, result.output
    assert_one_line_error(result, f"no server at {nowhere}")
    assert "s3cret-in-the-url" not in result.output and "\x1b" not in result.output

"""Files ``sls`` writes and reads: a file it cannot write is a usage error before any work is done (no
traceback after enrolling a device or running every scenario), and a file that is not text is said so."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from json_error_kit import json_error

from sls_server.cli.output import EXIT_USAGE
from sls_server.store.embedded import free_port

#: Each command that writes a file, with the option that names it (FILE is replaced by the bad path).
WRITERS = [
    ("state", "export", "-o", "FILE"),
    ("phone", "audio", "+15555550105", "3fa2b1c4d5e6", "-o", "FILE"),
    ("device", "enroll", "carol", "--type", "totp", "--qr-svg", "FILE"),
    ("scenario", "run", "auto-logoff", "--junit", "FILE"),
    ("gateway", "--pidfile", "FILE"),
]


def bad_path(tmp_path: Path) -> Path:
    """A file inside a "folder" that is a plain file: unwritable whoever runs the test, root included."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    return blocker / "out.file"


@pytest.mark.parametrize("args", WRITERS, ids=lambda a: " ".join(a[:2]))
def test_an_unwritable_output_file_is_a_usage_error_before_any_work(
    runner: CliRunner, tmp_path: Path, args: tuple[str, ...]
) -> None:
    target = bad_path(tmp_path)
    url = f"http://127.0.0.1:{free_port()}"  # nothing there: no command may get as far as calling it
    given = [str(target) if a == "FILE" else a for a in args]
    extra = ["--server", url, "--admin-token", "t" * 20] if args[0] == "scenario" else []
    env = {"SLS_URL": url, "SLS_ADMIN_TOKEN": "t" * 20, "SLS_PORT": str(free_port())}
    result = sls(runner, *given, *extra, env=env)
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "not-a-folder" in result.stderr and "cannot be written" in result.stderr
    assert "no server" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("content", "byte"), [(b"\xff\xfe{}", 0), (b'{"a": "\x9f"}', 7)])
def test_state_import_of_a_file_that_is_not_text(
    runner: CliRunner, tmp_path: Path, content: bytes, byte: int
) -> None:
    target = tmp_path / "world.json"
    target.write_bytes(content)
    result = sls(runner, "state", "import", str(target), "--url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.strip() == f"error: {target}: not UTF-8 text (byte {byte}), so not JSON"


def test_scenario_new_in_a_folder_that_cannot_be_made(runner: CliRunner, tmp_path: Path) -> None:
    folder = bad_path(tmp_path).parent / "sub"
    result = sls(runner, "scenario", "new", "my-check", "--dir", str(folder), "--json")
    assert result.exit_code == EXIT_USAGE, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert json_error(result, "invalid_option")["message"].startswith(f"--dir {folder}: Not a directory")

"""``sls`` admin commands with no server to talk to, their option checks, the enrolment options, and what
``sls login`` keeps."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from json_error_kit import json_error

from sls_server.cli import demofile, gateway_file
from sls_server.cli.main import cli
from sls_server.store.embedded import free_port

# --- admin commands without a server ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("user", "add", "carol", "--password", "plum-sketch-harbour-9"),
        ("device", "list", "alice"),
        ("device", "enroll", "alice", "--pin", "1234"),
        ("device", "revoke", "alice", "dscplus-00"),
        ("clock",),
    ],
)
def test_admin_commands_say_when_no_server_answers(runner: CliRunner, args: tuple[str, ...]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = sls(runner, *args, "--url", url, "--admin-token", "t" * 20)
    assert result.exit_code == 1, result.output
    assert_one_line_error(result, f"no server at {url}", "sls demo")


@pytest.mark.parametrize(
    ("args", "code", "said", "exit_code"),
    [
        (("clock",), "unreachable", "no server at http://127.0.0.1:", 1),
        (("clock", "--advance", "soon"), "invalid_option", "--advance: 'soon' is not a duration", 2),
        (("clock", "--frobnicate"), "invalid_option", "No such option '--frobnicate'", 2),  # click's own
        (("events", "--limit", "many"), "invalid_option", "'many' is not a valid integer", 2),
        (("nosuch",), "invalid_option", "No such command 'nosuch'", 2),
    ],
    ids=["no server", "own check", "unknown option", "bad type", "unknown command"],
)
def test_with_json_a_failure_is_one_json_object_on_stderr(
    runner: CliRunner, args: tuple[str, ...], code: str, said: str, exit_code: int
) -> None:
    """A script that asked for JSON gets its error as JSON too, stdout empty, with the exit code as ever:
    a local code (no HTTP status) for what no server said, click's usage errors included."""
    result = sls(runner, *args, "--url", f"http://127.0.0.1:{free_port()}", "--json")
    assert result.exit_code == exit_code, result.output
    json_error(result, code, said)


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (("clock", "advance", "15m"), "did you mean --advance 15m?"),
        (("clock", "freeze"), "did you mean --freeze?"),
        (("events", "limit", "5"), "did you mean --limit 5?"),
    ],
)
def test_an_option_written_without_its_dashes_is_named(
    runner: CliRunner, args: tuple[str, ...], hint: str
) -> None:
    """``sls clock advance 15m`` said only "Got unexpected extra arguments (advance 15m)"."""
    result = sls(runner, *args)
    assert result.exit_code == 2, result.output
    assert hint in result.stderr, result.stderr
    assert "did you mean" not in sls(runner, "clock", "later").stderr  # a word no option is named


def test_admin_commands_find_the_demo_server(runner: CliRunner, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    demofile.write(tmp_path / "data", {"url": url, "admin_token": "t" * 20})
    result = sls(runner, "clock")
    assert result.exit_code == 1
    assert f"no server at {url}" in result.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("clock", "--advance", "15m", "--set-at", "0"), "--advance"),
        (("clock", "--advance", "soon"), "--advance"),
        (("clock", "--set-at", "tomorrow"), "--set-at"),
        (("device", "enroll", "alice"), "--pin"),
        (("device", "enroll", "alice", "--type", "ibkey"), "--platform"),
        (("device", "enroll", "alice", "--type", "sms", "--pin", "1234"), "--pin"),
        (("device", "enroll", "alice", "--type", "dscplus", "--pin", "1234", "--digits", "8"), "--digits"),
        (("device", "enroll", "alice", "--type", "totp", "--days", "2"), "--days"),
        (("device", "enroll", "alice", "--type", "sms", "--qr"), "--qr"),
    ],
)
def test_admin_commands_check_options_first(runner: CliRunner, args: tuple[str, ...], option: str) -> None:
    result = sls(runner, *args, "--url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, option)


@pytest.mark.parametrize(
    "args",
    [
        ("user", "allowlist", "alice"),
        ("account", "allowlist", "U1234567"),
        ("my-allowlist", "--token", "t" * 20),
    ],
)
def test_an_allowlist_is_given_entries_or_cleared_never_both(
    runner: CliRunner, args: tuple[str, ...]
) -> None:
    """The three allowlist commands (a user's, an account's, the user's own) refuse both before any request
    (``protect_commands.allowlist_change``): no server is there to answer one."""
    result = sls(runner, *args, "10.0.0.1", "--clear", "--url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 2, result.output
    assert "give entries or --clear, not both" in result.stderr
    assert "no server" not in result.output


@pytest.mark.parametrize(
    ("at", "said"),
    [
        ("2030-01-01T09:00:00", "has no time zone: add Z for UTC"),  # a person's 09:00 is theirs, not UTC
        ("3000-01-01T00:00:00Z", "outside the server clock's range, 2000-01-01 .. 2100-01-01 UTC"),
        ("4102444801", "outside the server clock's range"),
    ],
)
def test_clock_set_at_reads_an_instant_as_a_scenario_does(runner: CliRunner, at: str, said: str) -> None:
    """One reading for ``sls clock --set-at`` and a scenario's ``set_clock``: what the server would refuse,
    or a zone-less time it could only guess at, is refused before any request (no server listens here)."""
    result = sls(runner, "clock", "--set-at", at, "--url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "--set-at")
    assert said in result.stderr


def test_user_add_prompts_twice_for_a_hidden_password(runner: CliRunner) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    typed = "plum-sketch-9\nplum-sketch-9\n"
    result = runner.invoke(cli, ["user", "add", "carol", "--url", url], input=typed)
    assert "plum-sketch-9" not in result.output  # hidden input is not echoed
    assert "Password: " in result.output and "Repeat for confirmation: " in result.output
    assert f"no server at {url}" in result.stderr  # it got as far as calling the server


def test_user_add_refuses_two_different_passwords(runner: CliRunner) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    typed = "plum-sketch-9\nplum-sketch-8\n"
    result = runner.invoke(cli, ["user", "add", "carol", "--url", url], input=typed)
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert "no server" not in result.output  # nothing was sent


# --- device types, TOTP options ------------------------------------------------------------------------


def test_enroll_type_is_a_choice_of_the_servers_types(runner: CliRunner, app: Any) -> None:
    from sls_server.cli.device_commands import DEVICE_TYPES

    with app.app_context():
        known = app.extensions["sls"].factors.types()
    assert sorted(DEVICE_TYPES) == sorted(known)
    result = sls(runner, "device", "enroll", "alice", "--type", "bogus", "--url", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "'bogus' is not one of" in result.stderr
    for name in DEVICE_TYPES:
        assert name in result.stderr  # the choices are in the error, and in --help
    assert "dscplus|ibkey|sms|voice|totp|temporary" in sls(runner, "device", "enroll", "--help").stdout


def test_enroll_offers_the_totp_options(runner: CliRunner) -> None:
    shown = sls(runner, "device", "enroll", "--help").stdout
    for option in ("--digits [6|8]", "--algorithm [sha1|sha256|sha512]", "--period INTEGER RANGE", "--qr"):
        assert option in shown
    bad = sls(runner, "device", "enroll", "alice", "--type", "totp", "--period", "10")
    assert bad.exit_code == 2 and "--period" in bad.stderr


# --- what sls login keeps ------------------------------------------------------------------------------


def test_kept_logins_are_private_and_per_server(runner: CliRunner, tmp_path: Path) -> None:
    from sls_server.cli import login_state

    login_state.remember("http://a:1", "card-carl", session={"token": "tok-a"})
    login_state.remember("http://b:2", "sms-sam", session={"token": "tok-b"})
    kept = tmp_path / "data" / login_state.FILENAME
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert login_state.session_token("http://a:1", None, None) == ("card-carl", "tok-a")
    assert login_state.session_token("http://b:2/", None, None) == ("sms-sam", "tok-b")
    assert login_state.session_token("http://a:1", None, "given") == (None, "given")
    login_state.remember("http://a:1", "card-carl", session=None)
    with pytest.raises(click.ClickException, match="no session kept for card-carl"):
        login_state.session_token("http://a:1", None, None)
    result = sls(runner, "whoami", "--url", "http://c:3")
    assert result.exit_code == 2
    assert_one_line_error(result, "no login kept", "sls login")


def test_sls_bench_names_what_hides_its_package(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bench package ships in the wheel, so when it cannot be imported another package named bench is in
    its place (a project's sls_bench/ on PYTHONPATH, another distribution's top-level sls_bench): the error
    said to install from the source, which cannot help."""
    monkeypatch.setitem(
        sys.modules, "sls_bench.run", None
    )  # importing it now fails, as a shadowed bench would
    result = sls(runner, "bench", "--duration", "1", "--seed-users", "0")
    assert result.exit_code == 2
    assert_one_line_error(result, "sls_bench.run", "another package named bench", "--force-reinstall")


def stale_gateway_file(data_dir: Path, url: str) -> None:
    """A gateway.json its gateway left behind: the process that wrote it is gone."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / gateway_file.GATEWAY_FILE).write_text(json.dumps({"url": url, "pid": int(gone.stdout)}))


@pytest.mark.parametrize(
    "args", [("status",), ("drop",), ("latest-code", "--user", "sam")], ids=["status", "drop", "latest-code"]
)
def test_gateway_state_with_no_gateway_on_the_data_folder_says_so(
    runner: CliRunner, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """With the gateway stopped it said "no server at <the demo's url> ...; start one with `sls demo` or
    `sls serve`": the wrong server, and a start that would serve no gateway."""
    data_dir, fallback = tmp_path / "data", f"http://127.0.0.1:{free_port()}"
    demofile.write(data_dir, {"url": fallback, "admin_token": "t" * 20})  # what every command falls back to
    stale_gateway_file(data_dir, f"http://127.0.0.1:{free_port()}")
    result = sls(runner, "gateway-state", *args)
    assert result.exit_code == 1, result.output
    assert_one_line_error(
        result,
        f"no gateway is running for the data folder {data_dir} (its gateway.json is absent or stale)",
        f"no server answers at {fallback}",
        "start one with `sls gateway`, or sls demo or sls serve with SLS_GATEWAY=True (or pass --url)",
    )
    assert "`sls demo` or `sls serve`" not in result.stderr
    url = f"http://127.0.0.1:{free_port()}"
    asked = sls(runner, "gateway-state", *args, "--url", url)
    assert asked.exit_code == 1, asked.output
    assert_one_line_error(asked, f"no gateway at {url} (", "start one with `sls gateway`")


@pytest.mark.parametrize(
    ("qr_drawn", "told"), [(False, "--qr draws a QR code to scan"), (True, "scan the QR code above")]
)
def test_a_totp_enrolment_s_hint_points_at_the_qr_code_once_drawn(
    capsys: pytest.CaptureFixture[str], qr_drawn: bool, told: str
) -> None:
    """`sls device enroll ... --type totp --qr` drew the code, then still said "add them ... now (--qr)", as
    if the option had not been given (docs/trainers.md's TOTP enrolment, run as written)."""
    from sls_server.cli.device_commands import next_steps

    next_steps({"type": "totp", "device_id": "totp-0123456789ab"}, "carol", None, qr_drawn=qr_drawn)  # type: ignore[arg-type]
    assert told in capsys.readouterr().err

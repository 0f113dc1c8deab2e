"""What the server holds is printed by ``sls`` as it is, never read as rich's markup or emoji codes. A
device label is free text (``POST /admin/v1/users/<u>/devices {"label": ...}``): ``sls device list`` printed
"work :x: phone" as "work ❌ phone", and a label holding ``[/]`` stopped it with rich's MarkupError traceback.
``sls scenario validate`` quoting a value with ``:x:`` in it showed an emoji where the file has the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli.output import fields_table, print_renderable, table

#: Labels an admin may give a device (no control characters: the API refuses those), each as rich would not
#: print it if it read the text as markup or emoji codes.
AS_GIVEN = ["work :x: phone :smile:", "a [bold]b[/bold] c", "[/]", "[/x] mine", "[red]"]


@pytest.mark.parametrize("label", AS_GIVEN)
def test_a_table_cell_is_printed_as_given(capsys: pytest.CaptureFixture[str], label: str) -> None:
    print_renderable(table("devices of carol", ["device_id", "label"], [["totp-7fb78312dfa1", label]]))
    printed = capsys.readouterr().out
    assert label in printed, printed


@pytest.mark.parametrize("label", AS_GIVEN)
def test_a_record_s_value_is_printed_as_given(capsys: pytest.CaptureFixture[str], label: str) -> None:
    print_renderable(fields_table("device totp-7fb78312dfa1", {"label": label, "type": "totp"}))
    printed = capsys.readouterr().out
    assert label in printed, printed


def test_validate_quotes_a_file_s_text_as_it_is(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.scenario.yaml"
    bad.write_text("name: a-b\ndescription: a value the message quotes\nsteps: 'root:x:0:0 [/] as written'\n")
    result = sls(runner, "scenario", "validate", str(bad))
    assert result.exit_code == 1, result.output
    assert "root:x:0:0 [/] as written" in result.output, result.output


def test_validate_names_a_valid_file_as_it_is(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "[bold]mine"
    folder.mkdir()
    good = folder / "ok.scenario.yaml"
    good.write_text(
        "name: a-b\ndescription: a login and nothing more\nsetup:\n  users: [{username: alice}]\n"
        "steps:\n  - login: alice\n    expect: {status: 401}\n"
    )
    result = sls(runner, "scenario", "validate", str(good))
    assert result.exit_code == 0, result.output
    assert f"valid {good}" in result.output, result.output

"""A file that is no YAML document is told at the line to fix: where the unclosed ``{``, ``[`` or quote was
opened, where the key lacks its ``:``, where a text that ran on began, where the byte that is not UTF-8 is.

QA: PyYAML's place is where it could go no further, a line late for an unclosed ``{`` (at the next line's
``:``); a file with a Latin-1 byte was told at 1:1; a control character was a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sls_scenarios.loader import load
from sls_scenarios.positions import ScenarioInvalid
from sls_server.cli.main import cli

HEAD = "name: probe\ndescription: A scenario written to probe the loader.\nsteps:\n"


def told(tmp_path: Path, content: str | bytes) -> str:
    """The one problem of a scenario file holding ``content`` (after ``HEAD`` if it is text)."""
    file = tmp_path / "probe.scenario.yaml"
    if isinstance(content, str):
        file.write_text(HEAD + content, encoding="utf-8")
    else:
        file.write_bytes(content)
    with pytest.raises(ScenarioInvalid) as caught:
        load(file)
    (problem,) = caught.value.problems
    return str(problem).replace(f"{file}:", "")


def test_an_unclosed_brace_or_bracket_is_told_where_it_was_opened(tmp_path: Path) -> None:
    steps = "  - login: {user: alice, password: x\n  - verify: {}\n    expect: {status: 200}\n"
    assert told(tmp_path, steps) == (
        "4:12: not valid YAML: the `{` opened here is never closed"
        " (at line 5, column 11: expected ',' or '}', but got ':')"
    )
    at_the_end = "  - login: alice\n    expect: {json: {factors: [a, b}}\n"
    assert told(tmp_path, at_the_end).startswith("5:35: not valid YAML: expected ',' or ']', but got '}'")
    last = "  - login: alice\n    expect: {status: 200}\n  - tickle: {}\n    expect: {json: {x: [1, 2\n"
    assert told(tmp_path, last) == (
        "7:24: not valid YAML: the `[` opened here is never closed"
        " (at line 8, column 1: expected ',' or ']', but got '<stream end>')"
    )


def test_a_brace_written_over_several_lines_is_told_where_it_went_wrong(tmp_path: Path) -> None:
    """On purpose over several lines, its inside more indented: the mistake is where PyYAML stopped."""
    steps = "  - login: alice\n    expect: {\n      status: 200,\n      json: x\n      foo: y\n    }\n"
    assert told(tmp_path, steps) == (
        "8:10: not valid YAML: expected ',' or '}', but got ':' (inside the `{` opened at line 5)"
    )


def test_an_unclosed_quote_a_key_without_colon_and_a_text_that_runs_on(tmp_path: Path) -> None:
    quote = '  - login: {user: alice, password: "secret}\n    expect: {status: 200}\n'
    assert told(tmp_path, quote) == (
        "4:36: not valid YAML: the quote opened here is never closed"
        " (at line 6, column 1: found unexpected end of stream)"
    )
    key = tmp_path / "key.scenario.yaml"
    key.write_text("name: probe\ndescription\nsteps: []\n")
    with pytest.raises(ScenarioInvalid) as caught:
        load(key)
    assert str(caught.value) == (
        f"{key}:2:1: not valid YAML: this key has no `:` after it"
        " (at line 3, column 1: could not find expected ':')"
    )
    ran_on = "  - login alice\n    expect: {status: 200}\n"
    assert told(tmp_path, ran_on) == (
        "4:5: not valid YAML: this text runs on into line 5 (at line 5, column 11: mapping values are not"
        " allowed here): is a `:` missing here, or does it need quotes?"
    )
    too_deep = "  - login: alice\n      expect: {status: 200}\n"  # the mistake is line 5's indentation
    assert told(tmp_path, too_deep) == (
        "5:7: not valid YAML: this line is indented deeper than the key on line 4, so it reads as more of"
        " that key's value (at line 5, column 13: mapping values are not allowed here): indent it as far"
        " as that key"
    )
    same_line = "  - login: alice: bob\n"
    assert told(tmp_path, same_line) == "4:17: not valid YAML: mapping values are not allowed here"


def test_a_byte_that_is_not_utf8_is_told_at_its_line_and_column(tmp_path: Path) -> None:
    """Columns count characters, as an editor does: the ``é`` before the Latin-1 byte is one."""
    latin1 = (HEAD + "  - say: Café, then the menu in Latin-1: ").encode() + b"cr\xe8me\n"
    assert told(tmp_path, latin1) == (
        "4:44: not UTF-8: byte 0xe8 here cannot be read (invalid continuation byte); save the file as UTF-8"
    )
    file = tmp_path / "probe.scenario.yaml"
    checked = CliRunner().invoke(cli, ["scenario", "validate", str(file)])
    assert checked.exit_code == 1 and f"{file}:4:44: not UTF-8: byte 0xe8" in checked.stderr


def test_a_character_yaml_does_not_allow_is_told_at_its_place_not_as_a_traceback(tmp_path: Path) -> None:
    assert told(tmp_path, "  - say: a bell\x07 rings\n") == (
        "4:16: not valid YAML: unacceptable character #x0007: special characters are not allowed"
    )


def test_common_indentation_mistakes_are_told_as_such(tmp_path: Path) -> None:
    """QA: a step's ``expect:`` at its ``-``, a key one space off and a tab got PyYAML's raw words
    (``expected <block end>, but found '?'``, ``found character '\\t' that cannot start any token``, the
    latter even as a line "indented deeper"); an ``expect:`` indented under ``login:`` was an unknown key of
    the login with no word of where it belongs."""
    at_the_dash = told(tmp_path, "  - login: alice\n  expect: {status: 200}\n")
    assert at_the_dash.startswith(
        "5:3: not valid YAML: this line is at the column of the list's `-` (line 4), where only a new item "
        "can start: a key of the item above (a step's `expect:` or `actor:`) is indented as far as the text "
        "after its `-`, column 5"
    ), at_the_dash
    setup = "setup:\n  users:\n    - {username: alice}\n clock: '2030-01-01T09:00:00Z'\n"
    one_off = told(tmp_path, "  - login: alice\n    expect: {status: 200}\n" + setup)
    assert one_off.startswith("9:2: not valid YAML: this line is indented 1 space, as no line above it is")
    assert one_off.endswith(
        "indent it as far as the key it belongs with (2 spaces, as on line 7, or 0 spaces, as on line 6)"
    ), one_off
    tab = told(tmp_path, "  - login: alice\n\texpect: {status: 200}\n")
    assert tab == "5:1: not valid YAML: a tab: YAML indents with spaces only; replace it with spaces"
    file = tmp_path / "probe.scenario.yaml"
    file.write_text(HEAD + "  - login:\n      user: alice\n      expect: {status: 200}\n")
    with pytest.raises(ScenarioInvalid) as caught:
        load(file)
    said = [str(p).replace(f"{file}:", "") for p in caught.value.problems]
    assert (
        "6:7: step 1 login.expect: unknown key 'expect'; expected `user`, `password` "
        "(`expect` is the step's: indent it as far as `login` on line 4, column 5)"
    ) in said, said

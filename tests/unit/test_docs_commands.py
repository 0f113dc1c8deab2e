"""Every ``sls`` command the documents and the ``--help`` texts show is one the real parser takes.

Users copy these lines: a renamed option or command must fail here, not in a trainer's terminal. Shell
blocks are parsed in full with the ``sls`` group itself (``docs_kit.parse_problem``: the command's context is
made, nothing runs); synopses and inline mentions name real commands and options (``synopsis_problems``).
"""

from __future__ import annotations

import re

import click
import pytest
from cli_kit import cli_runner  # noqa: F401 - the "runner" fixture: no SLS_* of the developer's shell
from click.testing import CliRunner
from docs_kit import (
    DOCUMENTS,
    code_blocks,
    help_texts,
    inline_code,
    parse,
    parse_problem,
    section,
    shell_commands,
    sls_lines,
    synopsis_problems,
    text,
)

from sls_scenarios.files import library_files
from sls_server.cli.main import cli


def test_every_sls_line_of_a_shell_block_parses(runner: CliRunner) -> None:
    """SLS_* variables feed options (SLS_PORT is --port): the runner fixture clears the developer's."""
    checked, problems = 0, []
    for name in DOCUMENTS:
        for block in code_blocks(text(name), "bash", "sh", "console"):
            for args in sls_lines(block):
                checked += 1
                problem = parse_problem(args)
                if problem:
                    problems.append(f"{name}: sls {' '.join(args)}\n    {problem}")
    assert checked > 80, "the walkthroughs (README.md, docs/*.md) were not found"
    assert problems == [], "\n".join(problems)


def _synopsis_segments(line: str) -> list[list[str]]:
    """``Run  sls demo [--keep] | sls world``: the words after each ``sls``, up to the next one."""
    line = line.split(" #")[0]
    return [segment.split()[1:] for segment in re.split(r"(?<![\w/-])(?=sls\s)", line)[1:]]


def test_every_sls_synopsis_and_mention_names_real_commands_and_options(runner: CliRunner) -> None:
    checked, problems = 0, []
    for name in DOCUMENTS:
        document = text(name)
        synopses = [
            words
            for block in code_blocks(document, "text", "")
            for line in block.splitlines()
            for words in _synopsis_segments(line)
        ]
        spans = [re.sub(r"^(?:[A-Z_]+=\S+ )+", "", span) for span in inline_code(document)]  # SLS_X=1 sls
        mentions = [span.split()[1:] for span in spans if span.startswith("sls ")]
        for words in synopses + mentions:
            checked += 1
            problems += [f"{name}: sls {' '.join(words)}: {p}" for p in synopsis_problems(words)]
    assert checked > 150
    assert problems == [], "\n".join(problems)


def test_every_example_in_a_help_text_parses(runner: CliRunner) -> None:
    """Each ``--help`` shows examples (tests/unit/test_cli_help.py); they are copied like the README's."""
    examples = mentions = 0
    problems = []
    for where, help_text in help_texts().items():
        for line in help_text.splitlines():
            if line.strip().startswith("sls "):
                for args in [words[1:] for words in shell_commands(line.strip()) if words[0] == "sls"]:
                    examples += 1
                    problem = parse_problem(args)
                    if problem:
                        problems.append(f"{where} --help: sls {' '.join(args)}\n    {problem}")
        for span in inline_code(help_text):
            if span.startswith("sls "):
                mentions += 1
                problems += [f"{where} --help: {span}: {p}" for p in synopsis_problems(span.split()[1:])]
    assert examples > 100 and mentions > 20
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('sls login card-carl --password "$(pw card-carl)" --start-only', None),
        ("sls device card-respond ID --pin 1234 --chalenge <challenge>", "No such option '--chalenge'"),
        ("sls clock --advance", "requires an argument"),
        ("sls device enrol dave --type sms", "has no command 'enrol'"),
        ("sls device enroll dave --type sim", "'sim' is not one of"),
        ("sls user add dave --phone +15555550151", None),  # --password prompts: not a parse error
        ("for i in 1 2; do sls login x --password p; done > /dev/null", None),
        ("sls --help", None),
    ],
)
def test_the_parser_check_finds_what_a_user_would_hit(
    line: str, problem: str | None, runner: CliRunner
) -> None:
    (args,) = sls_lines(line)
    found = parse_problem(args)
    assert found is None if problem is None else found is not None and problem in found, found


@pytest.mark.parametrize(
    ("synopsis", "problem"),
    [
        ("user add|list|show|delete|phone USER ...", None),
        ("gateway-state status|drop|expire|daily-reset HH:MM|latest-code --user U", None),
        ("device activate|notifications|ibkey-…|card-…", None),
        ("clock [--advance 15m | --set-at T] [--freeze | --unfreeze]", None),
        ("demo [--port 8000] [--kept]", "has no option --kept"),
        ("device activate|notify ID", "has no command 'notify'"),
        ("gateway-state drop|expire --user U", "has --user"),
        ("device zzz-…", "no command starting"),
    ],
)
def test_the_synopsis_check_finds_a_missing_command_or_option(synopsis: str, problem: str | None) -> None:
    found = synopsis_problems(synopsis.split())
    assert found == [] if problem is None else len(found) == 1 and problem in found[0], found


def test_every_scenario_a_command_names_is_in_the_library(runner: CliRunner) -> None:
    """``sls scenario run|show|demo NAME`` in a document or a help: NAME is a library scenario (paths end in
    ``/`` or ``.yaml``). The library table (docs/scenarios.md) names only scenarios there are
    (tests/scenarios checks that it names each one)."""
    shown = [block for name in DOCUMENTS for block in code_blocks(text(name), "bash", "text")]
    shown += list(help_texts().values())
    lines = [
        args
        for block in shown
        for line in block.splitlines()
        if line.strip().startswith("sls scenario ") and "[" not in line  # [--tag T]: a synopsis
        for args in sls_lines(line.strip().split(" | ")[0])  # sls scenario list | sls scenario show x
    ]
    named = set()
    for args in lines:
        context, _ = parse(args) if args[1:2] in (["run"], ["show"], ["demo"]) else (None, None)
        if context is not None:
            given = context.params.get("targets") or [context.params.get("name")]
            named |= {t for t in given if t and not t.endswith(("/", ".yaml"))}
    table = section("docs/scenarios.md", "The library")
    rows = [row.split(" | ")[0] for row in table.splitlines() if row.startswith("| `")]
    named |= {name for row in rows for name in inline_code(row)}
    assert len(named) > 20
    library = {f.name.removesuffix(".scenario.yaml") for f in library_files()}
    assert sorted(named - library) == []


def _leaf_commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        if not command.hidden:
            here = (*path, name)
            found += _leaf_commands(command, here) if isinstance(command, click.Group) else [here]
    return found


def test_the_command_map_names_every_command(runner: CliRunner) -> None:
    """docs/cli.md's map is where a newcomer looks a command up: ``sls attackers`` (marking an attacker's
    addresses for the console's feed) was only in a paragraph below it. A command is named by ``sls NAME``,
    a group's by ``sls GROUP`` on the same line with its name among the words there (``user add|list``)."""
    (block,) = [b for b in code_blocks(text("docs/cli.md"), "text") if b.startswith("Run ")]
    lines = block.splitlines()
    missing = []
    for path in _leaf_commands(cli):
        top = re.compile(rf"(?<![\w-])sls {re.escape(path[0])}(?![\w-])")
        sub = re.compile(rf"(?<![\w-]){re.escape(path[-1])}(?![\w-])")
        if not any(top.search(line) and (len(path) == 1 or sub.search(line)) for line in lines):
            missing.append("sls " + " ".join(path))
    assert len(_leaf_commands(cli)) > 80
    assert missing == [], f"commands docs/cli.md's map does not name: {missing}"

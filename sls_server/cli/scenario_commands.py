"""``sls scenario``: scripted scenarios (the ``scenarios`` package), and the commands that read their files
without running them: ``list``, ``show``, ``new``, ``validate``, ``reference``.

The commands that run scenarios, ``run`` and ``demo``, are in ``scenario_run_commands``. The scenarios are
clients of the HTTP API; these modules only parse options and print. ``scenarios`` is imported inside the
commands, so ``sls --help`` stays quick.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .output import (
    EXIT_FAILED,
    EXIT_USAGE,
    UNBOUNDED_WIDTH,
    CliError,
    HelpGroup,
    err,
    is_terminal,
    out,
    print_json,
    table,
)
from .scenario_files import gather, load_one, no_such_tag, note_passed_over


def console(*, stderr: bool = False, log: bool = False) -> Any:
    """Progress and summary: the terminal's width, or 140 columns elsewhere (rich's 80 folds too much).
    ``log``: a run's report in a CI log, as wide as it needs, so a failure's message and each summary row
    are one line, as every other table of the CLI in a log (``output.out``)."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    wide = UNBOUNDED_WIDTH if log else 140
    return Console(file=stream, highlight=False, emoji=False, width=None if is_terminal(stream) else wide)


@click.group(cls=HelpGroup)
def scenario() -> None:
    """Scripted scenarios: the shipped library of procedures and attacks, or your own YAML files.

    \b
    A scenario sets up a world (users, devices, phones, the clock), then takes steps over the HTTP API
    as the user, an attacker and the broker, and checks what happens. See sls_scenarios/REFERENCE.md.

    
    Examples:
      sls scenario list
      sls scenario run --all --junit report.xml
      sls scenario demo sim-swap                       # narrated, for a class
    """


@scenario.command("list")
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option("--tag", "tags", multiple=True, metavar="TAG", help="Only scenarios with this tag.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(paths: tuple[str, ...], tags: tuple[str, ...], as_json: bool) -> None:
    """The shipped library (or the scenarios in PATHs): name, tags, description.

    \b
    Examples:
      sls scenario list
      sls scenario list --tag attack
      sls scenario list my-tests/ --json
    """
    from sls_scenarios.loader import load
    from sls_scenarios.positions import ScenarioInvalid

    found, invalid = [], []
    files = gather(paths, not paths)
    for file in files:  # every file read: one bad file does not hide the rest
        try:
            found.append(load(file))
        except ScenarioInvalid as exc:
            invalid.append(str(exc))
    if tags and found and not [s for s in found if set(tags) & set(s.tags)]:
        raise CliError(no_such_tag(files, tags), EXIT_USAGE)  # as ``run --tag`` says it
    found = [s for s in found if not tags or set(tags) & set(s.tags)]
    rows = [s.summary() for s in found]
    if as_json:
        print_json(rows)
    else:
        columns = ["name", "tags", "description"]
        shown = [[r[c] for c in columns] for r in rows]
        console().print(table(f"{len(rows)} scenarios", columns, shown, wrap=["description"]))
    if invalid:
        many = len(invalid) != 1
        said = f"{len(invalid)} file{'s' if many else ''} {'are' if many else 'is'} not a valid scenario"
        raise CliError(f"{said} (the others are listed):\n" + "\n".join(invalid))


@scenario.command("show")
@click.argument("name", metavar="NAME|PATH")
@click.option("--json", "as_json", is_flag=True, help="Print the scenario as JSON.")
def show(name: str, as_json: bool) -> None:
    """Print a scenario's file: what it sets up and every step.

    On a terminal with line numbers; into a file or a pipe as the file is, to start one of your own from.

    \b
    Examples:
      sls scenario show sim-swap
      sls scenario show dscplus-login > my-login.scenario.yaml   # then change its name
      sls scenario show sim-swap --json | jq '.steps | length'
    """
    found = load_one(name)
    if as_json:
        print_json(found.data)
        return
    text = found.path.read_text(encoding="utf-8")
    if not is_terminal(sys.stdout):  # numbered and padded, `show NAME > mine.scenario.yaml` was no YAML
        click.echo(text, nl=False)
        return
    from rich.syntax import Syntax

    console().print(Syntax(text, "yaml", line_numbers=True, word_wrap=True))


@scenario.command("new")
@click.argument("name")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to write NAME.scenario.yaml into.")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--json", "as_json", is_flag=True, help='Print {"file": ...} instead of a sentence.')
def new(name: str, folder: Path, force: bool, as_json: bool) -> None:
    """Write a commented template, NAME.scenario.yaml, to start a scenario from.

    Its description is the template's until you say what the scenario shows: until then `validate` and
    `run` refuse it (an unedited template would pass, showing nothing of its own).

    \b
    Example:
      sls scenario new my-login-check && $EDITOR my-login-check.scenario.yaml
    """
    from sls_scenarios.files import new_file

    try:
        target = new_file(name, folder, force=force)
    except (ValueError, FileExistsError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except OSError as exc:  # the folder cannot be made or written (a file in its path, no permission)
        raise CliError(f"--dir {folder}: {exc.strerror}: {exc.filename}", EXIT_USAGE) from None
    if as_json:
        print_json({"file": str(target)})
    else:
        said = f"wrote {target}: say what it shows in its description (validate refuses the template's), "
        out().print(f"{said}then run it with: sls scenario run {target}", soft_wrap=True)


@scenario.command("validate")
@click.argument("targets", nargs=-1, metavar="PATH|NAME...")
@click.option("--all", "everything", is_flag=True, help="Validate the whole shipped library.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def validate(targets: tuple[str, ...], everything: bool, as_json: bool) -> None:
    """Check scenario files against the schema without running them; exit 1 if any is invalid.

    Every problem is told as FILE:LINE:COLUMN: where: what was expected (a misspelt step or key names
    the closest valid one).

    \b
    Examples:
      sls scenario validate my-tests/*.scenario.yaml
      sls scenario validate --all --json
    """
    from sls_scenarios.batch import print_problems
    from sls_scenarios.loader import check_files

    checked = check_files(gather(targets, everything, note=False))
    if as_json:
        print_json(checked)
    else:
        print_problems(checked, out(), err())
    note_passed_over(targets)  # after the files' verdicts, where it is read
    if not checked or not all(entry["valid"] for entry in checked):
        sys.exit(EXIT_FAILED)


@scenario.command("reference")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON Schema itself instead.")
def reference(as_json: bool) -> None:
    """Print the step reference (Markdown), generated from the scenario schema.

    \b
    Examples:
      sls scenario reference > sls_scenarios/REFERENCE.md
      sls scenario reference --json > scenario.schema.json    # for an editor's YAML support
    """
    from sls_scenarios.reference import markdown
    from sls_scenarios.schema import schema

    if as_json:
        print_json(schema())
    else:
        sys.stdout.write(markdown())

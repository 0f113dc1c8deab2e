"""``sls scenario run|list|show|new|validate|demo|reference``: scripted scenarios (the ``scenarios`` package).

The scenarios are clients of the HTTP API; this module only parses options and prints. ``scenarios`` is
imported inside the commands, so ``sls --help`` stays quick.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .admin_client import AdminClient
from .admin_commands import bearer, connect, server_errors, server_url
from .output import EXIT_FAILED, EXIT_USAGE, CliError, HelpGroup, err, out, print_json, table
from .reading import OutputFile
from .scenario_files import gather, load_one, no_such_tag, tagged, unique_names
from .scenario_server import demo_server, known_settings


def _check_server(server: str, admin_token: str) -> None:
    """One admin call before any scenario runs: a wrong admin token (or no server at the URL) is one error,
    told as every ``sls`` command tells it (exit 1), not the same error again in every scenario."""
    client = AdminClient(server_url(server, "--server"), admin_token)
    with server_errors():
        client.request("GET", "/admin/v1/clock")


def _console(*, stderr: bool = False) -> Any:
    """Progress and summary: the terminal's width, or 140 columns in a CI log (rich's 80 folds too much)."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, highlight=False, width=None if stream.isatty() else 140)


def _pace(value: str | None) -> float | None:
    from sls_scenarios.demo import parse_pace

    try:
        return parse_pace(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pace") from None


seed_option = click.option(
    "--seed", type=int, default=0, show_default=True, help="Fixes every random choice the runner makes."
)
admin_token_option = click.option(
    "--admin-token",
    envvar="SLS_ADMIN_TOKEN",
    show_envvar=True,
    metavar="TOKEN",
    callback=bearer,
    help="The server's admin token (with --server).",
)


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


@scenario.command("run")
@click.argument("targets", nargs=-1, metavar="PATH|NAME...")
@click.option("--all", "everything", is_flag=True, help="Run every scenario of the shipped library.")
@click.option(
    "--tag", "tags", multiple=True, metavar="TAG", help="Only scenarios with this tag (repeatable)."
)
@click.option("--server", metavar="URL", help="Run against this server (its world is put back after).")
@admin_token_option
@click.option("--sim-token", envvar="SLS_SIM_TOKEN", show_envvar=True, metavar="TOKEN", callback=bearer,
              help="The server's /sim/v1 token, if it sets one (with --server).")  # fmt: skip
@seed_option
@click.option("--junit", type=OutputFile(), metavar="FILE", help="Write JUnit XML.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (progress goes to stderr).")
@click.option("-v", "--verbose", is_flag=True, help="Show every round of a repeat and every parallel branch.")
def run(
    targets: tuple[str, ...],
    everything: bool,
    tags: tuple[str, ...],
    server: str | None,
    admin_token: str | None,
    sim_token: str | None,
    seed: int,
    junit: Path | None,
    as_json: bool,
    verbose: bool,
) -> None:
    """Run scenarios; exit 0 only when every one passed (or failed as it declared it would).

    \b
    A file that is not a valid scenario is an error case of the report (with or without --tag) and the
    others still run. In-process by default: an app and an embedded Redis of the run's own, wiped before
    each scenario.
    With --server the runner is an HTTP client of that server: it needs the admin token (checked once
    before the first scenario: a wrong one, or no server there, is one error, exit 1), saves the server's
    world (state export), wipes it before each scenario and puts the saved world back after the last, and
    sends actors' addresses as X-Forwarded-For, so the server must trust this machine
    (SLS_TRUSTED_PROXIES=127.0.0.1/32); a scenario fails if an address did not take.
    A scenario needing setup.settings (gateway-controls: SLS_GATEWAY) is skipped with the reason (JUnit
    <skipped>), even by a server started with them, and does not fail the run: run it in-process, or
    with `sls scenario demo`, whose own server starts with them.

    \b
    Examples:
      sls scenario run --all                          # the whole library, in-process
      sls scenario run dscplus-login push-bombing     # library scenarios by name
      sls scenario run my-tests/ --junit report.xml   # every *.scenario.yaml in a folder, for CI
      sls scenario run --all --server http://127.0.0.1:8000 --admin-token "$TOKEN" --json
    """
    from sls_scenarios.batch import run_batch
    from sls_scenarios.targets import TargetError

    files = gather(targets, everything)
    if tags:
        among = files
        files = tagged(files, tags)
        if not files:
            raise CliError(no_such_tag(among, tags), EXIT_USAGE)
    unique_names(files)
    if server and not admin_token:  # the one `sls demo` printed, as every server command finds it
        admin_token = connect(server, None).token
    if server and admin_token:  # without one, the target refuses the run (a usage error) below
        _check_server(server, admin_token)
    try:
        results, document = run_batch(
            files, _console(stderr=as_json), server=server, admin_token=admin_token, sim_token=sim_token,
            seed=seed, verbose=verbose, junit=junit, known=known_settings(server) if server else None,
        )  # fmt: skip
    except TargetError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if as_json:
        print_json(document)
    if not results or not all(r.ok for r in results):
        sys.exit(EXIT_FAILED)


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
    from sls_scenarios.loader import ScenarioInvalid, load

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
        _console().print(table(f"{len(rows)} scenarios", columns, shown, wrap=["description"]))
    if invalid:
        many = len(invalid) != 1
        said = f"{len(invalid)} file{'s' if many else ''} {'are' if many else 'is'} not a valid scenario"
        raise CliError(f"{said} (the others are listed):\n" + "\n".join(invalid))


@scenario.command("show")
@click.argument("name", metavar="NAME|PATH")
@click.option("--json", "as_json", is_flag=True, help="Print the scenario as JSON.")
def show(name: str, as_json: bool) -> None:
    """Print a scenario's file: what it sets up and every step.

    \b
    Examples:
      sls scenario show sim-swap
      sls scenario show sim-swap --json | jq '.steps | length'
    """
    found = load_one(name)
    if as_json:
        print_json(found.data)
        return
    from rich.syntax import Syntax

    text = found.path.read_text(encoding="utf-8")
    _console().print(Syntax(text, "yaml", line_numbers=True, word_wrap=True))


@scenario.command("new")
@click.argument("name")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to write NAME.scenario.yaml into.")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--json", "as_json", is_flag=True, help='Print {"file": ...} instead of a sentence.')
def new(name: str, folder: Path, force: bool, as_json: bool) -> None:
    """Write a commented template, NAME.scenario.yaml, to start a scenario from.

    \b
    Example:
      sls scenario new my-login-check && sls scenario run my-login-check.scenario.yaml
    """
    from sls_scenarios.loader import new_file

    try:
        target = new_file(name, folder, force=force)
    except (ValueError, FileExistsError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except OSError as exc:  # the folder cannot be made or written (a file in its path, no permission)
        raise CliError(f"--dir {folder}: {exc.strerror}: {exc.filename}", EXIT_USAGE) from None
    if as_json:
        print_json({"file": str(target)})
    else:
        out().print(f"wrote {target}; run it with: sls scenario run {target}", soft_wrap=True)


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

    checked = check_files(gather(targets, everything))
    if as_json:
        print_json(checked)
    else:
        print_problems(checked, out(), err())
    if not checked or not all(entry["valid"] for entry in checked):
        sys.exit(EXIT_FAILED)


@scenario.command("demo")
@click.argument("name", metavar="NAME|PATH")
@click.option("--pace", metavar="TIME", help="Wait this long at each narration instead of for Enter (2s, 0).")
@click.option(
    "--server", metavar="URL", help="Use this server (its world is put back after) instead of starting one."
)
@click.option("--own-server", is_flag=True, help="Start a server of its own even when `sls demo` runs.")
@admin_token_option
@seed_option
@click.option("--json", "as_json", is_flag=True, help="Show the demo on stderr; print the result as JSON.")
def demo(
    name: str,
    pace: str | None,
    server: str | None,
    own_server: bool,
    admin_token: str | None,
    seed: int,
    as_json: bool,
) -> None:
    """Trainer mode: narrate a scenario step by step, attacker and defender side by side.

    \b
    Without --server it plays on the running `sls demo` (the one demo.json names), the server the class
    has open, and puts that demo's world back afterwards; a scenario needing settings the demo lacks
    (push-bombing: SLS_PUSH_LIMIT=3, raised by sls demo) says so and plays on a server of its own.
    With no demo running (or --own-server) it starts `sls serve` on a free port (trusting this machine's
    X-Forwarded-For, so each actor appears at its own address) and prints the trainer console's URL
    (/trainer) to open for the room; it stops the server at the end.

    \b
    Examples:
      sls scenario demo phishing-relay               # Enter moves on after each narration
      sls scenario demo push-bombing --pace 3s       # hands-free
      sls scenario demo sim-swap --own-server        # not on the running sls demo
    """
    from sls_scenarios.demo import run_demo
    from sls_scenarios.server import ServerFailed
    from sls_scenarios.targets import TargetError

    found = load_one(name)
    screen = _console(stderr=as_json)
    server, admin_token, known = demo_server(found, server, admin_token, own=own_server, say=screen.print)
    if server and not admin_token:  # the one `sls demo` printed, as every server command finds it
        admin_token = connect(server, None).token
    if server and admin_token:  # the token checked before the narration starts, as `sls scenario run` does
        try:
            _check_server(server, admin_token)
        except CliError as exc:
            if exc.code != "unreachable":  # nothing there: the demo says so its own way, below
                raise
    try:
        result = run_demo(
            found, screen, pace=_pace(pace), server=server, admin_token=admin_token, seed=seed, known=known
        )
    except (ServerFailed, TargetError) as exc:
        raise CliError(str(exc)) from None
    if as_json:
        print_json(result.as_dict())
    if not result.ok:
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

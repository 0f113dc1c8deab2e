"""``sls scenario run`` and ``sls scenario demo``: the commands that run scenarios, in-process or against a
server (``--server``, checked once with the admin token before the first scenario).

Apart from the commands that only read scenario files (``scenario_commands``, which holds the group these
join), because these alone reach a server, take its tokens and the runner's seed, and exit by the outcome.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.core import ParameterSource

from . import demofile
from .admin_client import AdminClient, ApiError
from .admin_commands import admin_token_option, connect, server_url, token_option
from .output import EXIT_FAILED, EXIT_USAGE, CliError, print_json
from .reading import OutputFile
from .scenario_commands import console, scenario
from .scenario_files import gather, load_one, no_such_tag, note_passed_over, tagged
from .scenario_server import (
    demo_server,
    known_settings,
    own_port,
    own_token_lines,
    refuse_while_seeding,
    room_url,
    runner_url,
)
from .server_errors import server_errors
from .server_options import host_option, show_token_option

seed_option = click.option(
    "--seed", type=int, default=0, show_default=True, help="Fixes every random choice the runner makes."
)
server_token_option = admin_token_option("The server's admin token (with --server).")

sim_token_option = token_option(
    "--sim-token",
    "SLS_SIM_TOKEN",
    "The server's /sim/v1 token, if it sets one (with --server).  [default: demo.json's, on its demo]",
)


def _server_given(server: str | None) -> str | None:
    """``--server`` as typed, checked as a URL (a usage error naming ``--server``) before anything reads it:
    checked later, by the admin client's lookup, it was told as ``--url (or SLS_URL)``, no option of these
    commands. The running demo's network address is reached at its loopback URL (``runner_url``)."""
    return None if server is None else runner_url(server_url(server, "--server"))


def _token_source() -> str:
    """Where the admin token a scenario command sends came from, as the user gave it."""
    source = click.get_current_context().get_parameter_source("admin_token")
    if source is ParameterSource.COMMANDLINE:
        return "--admin-token"
    if source is ParameterSource.ENVIRONMENT:
        return "SLS_ADMIN_TOKEN"
    return "demo.json's admin token"


#: Nothing answering at ``--server``, told in this command's options: the hint every other command gives
#: (``--url or SLS_URL``) named options ``scenario run`` does not have.
NO_SERVER = (
    "no server at {url} ({reason}); is the server running? Start one with `sls demo`, or "
    "`SLS_TRUSTED_PROXIES=127.0.0.1/32 sls serve` (so each actor keeps its address); check --server, or "
    "leave out --server to run in-process"
)


def _check_server(server: str, admin_token: str) -> None:
    """One admin call before any scenario runs: a wrong admin token (or no server at the URL) is one error,
    told as every ``sls`` command tells it (exit 1), not the same error again in every scenario. A token sent
    and refused is said as such, naming where it came from: the server's own words ("This route needs
    Authorization: Bearer <admin token>.") read as if none had been sent."""
    client = AdminClient(server_url(server, "--server"), admin_token)
    with server_errors(no_server=NO_SERVER):
        try:
            client.request("GET", "/admin/v1/clock")
        except ApiError as exc:
            if exc.code != "admin_token_required" or not exc.token_sent:
                raise
            raise CliError(
                f"{server} refused the admin token ({_token_source()}): it is not the one the server was "
                "started with; give that one (--admin-token or SLS_ADMIN_TOKEN)",
                code=exc.code,
                status=exc.status,
            ) from None


def _pace(value: str | None) -> float | None:
    from sls_scenarios.demo import parse_pace

    try:
        return parse_pace(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pace") from None


@scenario.command("run")
@click.argument("targets", nargs=-1, metavar="PATH|NAME...")
@click.option("--all", "everything", is_flag=True, help="Run every scenario of the shipped library.")
@click.option(
    "--tag", "tags", multiple=True, metavar="TAG", help="Only scenarios with this tag (repeatable)."
)
@click.option("--server", metavar="URL", help="Run against this server (its world is put back after).")
@server_token_option
@sim_token_option
@seed_option
@click.option(
    "--junit",
    type=OutputFile(make_folder=True),
    metavar="FILE",
    help="Write JUnit XML (its folder made if missing).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON (progress goes to stderr).")
@click.option(
    "--fail-on-skip", is_flag=True,
    help="A scenario the server cannot run (settings it lacks) fails the run instead of being skipped.",
)  # fmt: skip
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
    fail_on_skip: bool,
    verbose: bool,
) -> None:
    """Run scenarios; exit 0 only when every one passed (or failed as it declared it would).

    \b
    Exit 1 when one failed or was an error; 2 (a usage error) when the names, folders or --tag given select
    no scenario at all. A folder means its *.scenario.yaml and *.scenario.yml files: other YAML files there
    are passed over, named in a note after the summary. A file named by its path runs whatever its name.
    A file that is not a valid scenario is an error case of the report (with or without --tag) and the
    others still run. In-process by default: an app and an embedded Redis of the run's own, wiped before
    each scenario.
    With --server the runner is an HTTP client of that server: it needs the admin token (checked once
    before the first scenario: a wrong one, or no server there, is one error, exit 1, and with --junit each
    scenario an error case saying so), saves the server's world (state export), wipes it before each
    scenario and puts the saved world back after the last, and sends actors' addresses as X-Forwarded-For,
    so the server must trust this machine (SLS_TRUSTED_PROXIES=127.0.0.1/32); a scenario fails if an
    address did not take.
    A scenario needing setup.settings (gateway-controls: SLS_GATEWAY) the server is not known to run with
    is skipped with the reason (JUnit <skipped>) and does not fail the run (with --fail-on-skip it is a
    failure: for a job that must run every scenario): run it in-process, or with `sls scenario demo`, whose
    own server starts with them. A server is known to run with the defaults, or, the
    running `sls demo`, with the settings its demo.json records.

    \b
    Examples:
      sls scenario run --all                          # the whole library, in-process
      sls scenario run dscplus-login push-bombing     # library scenarios by name
      sls scenario run my-tests/ --junit report.xml   # every *.scenario.yaml in a folder, for CI
      sls scenario run --all --server http://127.0.0.1:8000 --admin-token "$TOKEN" --json
    """
    from sls_scenarios.batch import JunitNotWritten, run_batch, write_not_run
    from sls_scenarios.targets import TargetError

    server = _server_given(server)
    files = gather(targets, everything, note=False)  # the note comes after the summary
    if tags:
        among = files
        files = tagged(files, tags)
        if not files:
            raise CliError(no_such_tag(among, tags), EXIT_USAGE)
    if server:
        refuse_while_seeding(server)
    if server and not admin_token:  # the one `sls demo` printed, as every server command finds it
        admin_token = connect(server, None).token
    if server and not sim_token:  # a demo started with SLS_SIM_TOKEN keeps it in demo.json
        sim_token = demofile.sim_token(server)
    if server and admin_token:  # without one, the target refuses the run (a usage error) below
        try:
            _check_server(server, admin_token)
        except CliError as exc:
            if junit:  # CI's report shows why nothing ran, under each scenario's name
                try:
                    write_not_run(junit, files, exc.message, seed=seed)
                except JunitNotWritten as unwritten:
                    raise CliError(f"{exc.message}; {unwritten}") from None
            raise
    try:
        results, document = run_batch(
            files, console(stderr=as_json, log=True), server=server, admin_token=admin_token,
            sim_token=sim_token, seed=seed, verbose=verbose, junit=junit,
            known=known_settings(server) if server else None, fail_on_skip=fail_on_skip,
        )  # fmt: skip
    except (TargetError, JunitNotWritten) as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    note_passed_over(targets)
    if as_json:
        print_json(document)
    if not results or not all(r.ok for r in results):
        sys.exit(EXIT_FAILED)


@scenario.command("demo")
@click.argument("name", metavar="NAME|PATH")
@click.option("--pace", metavar="TIME", help="Wait this long at each narration instead of for Enter (2s, 0).")
@click.option(
    "--server", metavar="URL", help="Use this server (its world is put back after) instead of starting one."
)
@click.option("--own-server", is_flag=True, help="Start a server of its own even when `sls demo` runs.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    envvar="SLS_PORT",
    show_envvar=True,
    help="Port of the server it starts of its own (0 or unset: a free one); given here, it starts one "
    "even when `sls demo` runs.",
)
@host_option(
    "Address the server it starts of its own listens on; 0.0.0.0 for every interface, so a class's "
    "browsers on other machines can open it; given here, it starts one even when `sls demo` runs."
)
@server_token_option
@sim_token_option
@seed_option
@show_token_option
@click.option("--json", "as_json", is_flag=True, help="Show the demo on stderr; print the result as JSON.")
def demo(
    name: str,
    pace: str | None,
    server: str | None,
    own_server: bool,
    port: int | None,
    host: str,
    admin_token: str | None,
    sim_token: str | None,
    seed: int,
    show_token: bool,
    as_json: bool,
) -> None:
    """Trainer mode: narrate a scenario step by step, attacker and defender side by side.

    \b
    Without --server it plays on the running `sls demo` (the one demo.json names), the server the class
    has open, and puts that demo's world back afterwards; a scenario needing settings the demo lacks
    (push-bombing: SLS_PUSH_LIMIT=3, raised by sls demo) says so and plays on a server of its own.
    With no demo running (or --own-server, --port or --host) it starts `sls serve` on a free port, or the one
    --port (or SLS_PORT, unless it names the running demo's port) gives, refusing a taken one (trusting
    this machine's X-Forwarded-For, so each actor appears at its own address) and prints the trainer
    console's URL (/trainer) to open for the room; it stops the server at the end. That server listens on
    127.0.0.1, this machine alone, unless --host (or SLS_HOST) says where: --host 0.0.0.0 lets the class's
    browsers in from their own machines, and the console's URL printed is then this machine's address on
    its network. Its admin token (the console's sign-in) is printed only when it listens on loopback, as
    `sls demo` prints its own: beyond it, the demo says where to read it on your own screen (a 0600 file in
    the server's run folder, there while the demo runs), unless --show-token.

    \b
    Examples:
      sls scenario demo phishing-relay               # Enter moves on after each narration
      sls scenario demo push-bombing --pace 3s       # hands-free
      sls scenario demo sim-swap --own-server        # not on the running sls demo
      sls scenario demo sim-swap --port 8100         # its own server, at a URL the class knows
      sls scenario demo sim-swap --host 0.0.0.0 --port 8100   # ... open to the class's machines
    """
    from sls_scenarios.demo import run_demo
    from sls_scenarios.server import ServerFailed
    from sls_scenarios.targets import TargetError

    context = click.get_current_context()
    given = context.get_parameter_source("port") is ParameterSource.COMMANDLINE
    host_given = context.get_parameter_source("host") is ParameterSource.COMMANDLINE
    for option, what, placed in (("--port", "port", given), ("--host", "address", host_given)):
        if placed and server is not None:
            raise CliError(
                f"{option} is the {what} of a server of its own; --server names a running one: give one or "
                "the other",
                EXIT_USAGE,
            )
    server = _server_given(server)
    found = load_one(name)
    screen = console(stderr=as_json)
    own = own_server or given or host_given
    if server is not None:
        refuse_while_seeding(server)
    server, admin_token, known = demo_server(found, server, admin_token, own=own, say=screen.print)
    if server is None and not given:
        port = own_port(port, say=screen.print)
    if server and not admin_token:  # the one `sls demo` printed, as every server command finds it
        admin_token = connect(server, None).token
    if server and not sim_token:  # a demo started with SLS_SIM_TOKEN keeps it in demo.json
        sim_token = demofile.sim_token(server)
    if server and admin_token:  # the token checked before the narration starts, as `sls scenario run` does
        try:
            _check_server(server, admin_token)
        except CliError as exc:
            if exc.code != "unreachable":  # nothing there: the demo says so its own way, below
                raise
    try:
        result = run_demo(
            found, screen, pace=_pace(pace), server=server, admin_token=admin_token, sim_token=sim_token,
            seed=seed, known=known, port=port, port_named="--port" if given else "SLS_PORT", host=host,
            told=lambda child: own_token_lines(child, show_token), room=room_url(server) if server else None,
        )  # fmt: skip
    except (ServerFailed, TargetError) as exc:
        raise CliError(str(exc)) from None
    if as_json:
        print_json(result.as_dict())
    if not result.ok:
        sys.exit(EXIT_FAILED)

"""``sls demo``: a fresh emulator with a user for every authenticator and protection, served like
``sls serve``.

Start-up: the configuration, the port and the embedded Redis are settled here first (so a bad setting or a
busy port changes nothing), then the process forks. The child becomes the gunicorn master, exactly as
``sls serve`` would; this process waits until the server is ready, seeds the world over HTTP like any client
(``demo_seed``), writes ``demo.json`` (mode 0600) and prints the world, then stays as the child's supervisor:
a SIGTERM or Ctrl-C is passed on, and when the server has stopped the embedded Redis is stopped too and
the server's exit status is this command's. ``sls world`` (``world_cmd``) prints the world again.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import os
import secrets
import signal
import sys
import time
import traceback
from typing import Any, NoReturn

import click
from rich.progress import Progress, SpinnerColumn, TextColumn

from ..store.embedded_watch import Watchdog
from . import demofile, recorded_process, world_marks, world_sync
from .admin_client import AdminClient, ApiError
from .demo_print import print_all, withheld
from .demo_seed import seed, try_this, wait_until_ready
from .demo_world import DEMO_LIMITS, WORLD, World
from .gunicorn_logs import DEMO_SEED_HEADER, log_to_stderr
from .output import EXIT_USAGE, CliError, err, mask_url, print_json, print_renderable
from .serve_banner import banner, describe
from .serve_run import run
from .serve_startup import Startup, start
from .server_options import ServerCommand, server_options, show_token_option
from .start_lines import held_until_started


class Child:
    """The forked gunicorn master: is it alive, and its exit code once it is gone (reaped once)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.code: int | None = None

    def alive(self) -> bool:
        if self.code is None:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.code = os.waitstatus_to_exitcode(status)
        return self.code is None

    def signal(self, signum: int) -> None:
        if self.code is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def wait(self) -> int:
        if self.code is None:
            _, status = os.waitpid(self.pid, 0)  # retried across signals (PEP 475)
            self.code = os.waitstatus_to_exitcode(status)
        return self.code


def serve_in_child(
    startup: Startup, workers: int, threads: int, quiet_token: str, *, as_json: bool = False
) -> NoReturn:
    """The gunicorn master. It leaves by ``os._exit``: the parent's exit handlers (the Redis) are not its."""
    code = 1
    try:
        with contextlib.suppress(Exception):  # Linux: stop serving if the supervising parent is killed
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        run(startup, workers=workers, threads=threads, quiet_token=quiet_token, access_to_stderr=as_json)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except CliError as exc:  # gunicorn could not start (``gunicorn_app``): its one line, as ``sls serve``'s
        exc.show()
        code = exc.exit_code
    except BaseException:  # a crash here must not run on as a second copy of the parent
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def demo_limits() -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The roomier limits (those not set in the environment): as overrides, and as demo.json reports them."""
    chosen = {name: value for name, (value, _) in DEMO_LIMITS.items() if name not in os.environ}
    shown = {name: {"value": value, "default": DEMO_LIMITS[name][1]} for name, value in chosen.items()}
    return chosen, shown


#: Whose ``X-Forwarded-For`` the demo believes, unless ``SLS_TRUSTED_PROXIES`` is set (even empty): this
#: machine's alone. ``sls scenario demo`` and ``run --server`` on the class's server send each actor's
#: address that way (an attacker at 203.0.113.66); a browser on another machine can claim none.
LOCAL_PROXY = "127.0.0.1/32"


def demo_trust() -> dict[str, str]:
    """``SLS_TRUSTED_PROXIES`` for the demo's server, unless the environment sets it."""
    return {} if "SLS_TRUSTED_PROXIES" in os.environ else {"SLS_TRUSTED_PROXIES": LOCAL_PROXY}


def seed_world(
    info: dict[str, Any], previous: World, keep: bool, quiet_token: str, child: Child
) -> dict[str, Any]:
    client = AdminClient(info["url"], info["admin_token"], headers={DEMO_SEED_HEADER: quiet_token})
    sim = client.with_token(info.get("sim_token"))
    wait_until_ready(client, child.alive)
    if not keep:
        client.request("POST", "/admin/v1/reset")
    columns = (SpinnerColumn(), TextColumn("[progress.description]{task.description}"))
    with Progress(*columns, console=err(), transient=True) as progress:
        task = progress.add_task("seeding the demo world over HTTP", total=len(WORLD))

        def step(name: str) -> None:
            progress.update(task, description=f"seeding the demo world over HTTP: {name}", advance=1)

        users = seed(client, sim, previous, step)
    # kept on the server: the console's "Back to the demo world" and `sls state restore-demo` put it back.
    # With --keep, a demo world kept before stays it: the world found is a class's (a user added, a SIM
    # swapped, the clock moved), not the one to go back to.
    kept_before = keep and client.request("GET", "/admin/v1/state/demo")["kept"]
    if not kept_before:
        client.request("PUT", "/admin/v1/state/demo", {})
    # the server's mark of each password, to ask it later which one it holds (world_sync)
    info[demofile.MARKS] = world_marks.marked(client, users)
    if kept_before:
        world_sync.still_replaced(info, previous.info)
    return users


@click.command(cls=ServerCommand)
@server_options
@click.option(
    "--keep",
    is_flag=True,
    help="Keep the emulator's state and the world of the last demo.json; a demo world kept before stays "
    "the one `sls state restore-demo` brings back (GET /admin/v1/state/demo).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the demo's information as one JSON line.")
@show_token_option
def demo(
    host: str, port: int, workers: int, threads: int, keep: bool, as_json: bool, show_token: bool
) -> None:
    """Start a ready-to-use emulator with a user for every authenticator and protection.

    The world (card, IB Key Android and iOS, SMS, voice, TOTP, several factors, an IP allowlist, a
    temporary passcode, a shared card) is seeded over HTTP once the server answers, printed with
    passwords, phones and PINs, and saved in <data dir>/demo.json (mode 0600), where the other commands
    find the server and its token. Push, SMS and challenge limits are roomier than the defaults
    (SLS_PUSH_LIMIT=20, SLS_SMS_SEND_LIMIT=20, SLS_CHALLENGE_ISSUE_LIMIT=100) unless set in the
    environment. X-Forwarded-For is believed from this machine alone (SLS_TRUSTED_PROXIES=127.0.0.1/32
    unless set), so `sls scenario demo` shows each actor at its own address on it; a plain TCP forwarder on
    this machine (ssh -L, socat) lets its visitors claim any address that way: start such a demo with
    SLS_TRUSTED_PROXIES= (empty). demo.json records the settings that differ from the defaults (no
    secret), so the scenario commands know what the demo runs with. The state is wiped first unless
    --keep. The world seeded is kept on the server too: between two runs of a demo, the console's "Back
    to the demo world" (or `sls state restore-demo`) puts it back. Then it serves like `sls serve` until
    Ctrl-C.

    On every interface (--host 0.0.0.0, a class on the LAN) the pages are printed at this machine's
    address on its network, which the trainees' machines open; the loopback URL follows, labelled.
    The admin token (the admin API, the trainer console) and SLS_SIM_TOKEN, if set, are printed only when
    --host is loopback: beyond it (a class on the LAN, the terminal projected), the panel says where to
    read them instead (`sls world --token`, `sls world --sim-token`, or demo.json), unless --show-token.
    Under SLS_LOG_FORMAT=json the demo's information is one JSON line, as with --json.

    \b
    Examples:
      sls demo
      sls demo --port 8080 --keep
      sls demo --host 0.0.0.0                  # a class logs in from the LAN; `sls world --token` for you
      SLS_PUSH_LIMIT=3 sls demo                # show the push-fatigue defence at its default
      SLS_GATEWAY=True sls demo                # gateway-controls then plays on it too
      SLS_DATA_DIR=/tmp/sls sls demo --json
    """
    chosen, limits = demo_limits()
    overrides: dict[str, Any] = {**chosen, **demo_trust()}
    with held_until_started():  # a start that fails says its error alone (``start_lines``)
        startup = start(overrides, host, port)
        settings = startup.settings
        refuse_what_a_demo_cannot_use(startup)
        demofile.writable(demofile.path(settings.data_dir))
    previous = World(demofile.read(settings.data_dir) if keep else None)
    facts = describe(startup, workers, threads)
    # a log collector reads every line as JSON: no box art among them, as ``sls serve`` and ``sls gateway``
    as_json = as_json or settings.log_format == "json"
    if not as_json:
        print_renderable(banner(facts, title="sls demo"))
    quiet_token = secrets.token_urlsafe(24)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        serve_in_child(startup, workers, threads, quiet_token, as_json=as_json)
    startup.listener.close()  # the child's copy serves; this one would only hold the port
    if startup.embedded:  # this process started the redis-server, so it is the one that can watch it
        # its lines (a crash, a restart) in the server's format, JSON under SLS_LOG_FORMAT=json
        log_to_stderr(settings.log_format == "json", settings.log_level)
        atexit.register(Watchdog(startup.embedded).start().stop)  # runs before the server's own stop
    told = Told(quiet_token, as_json, show_token)
    sys.exit(supervise(Child(pid), startup, facts, limits, previous, keep, told))


def refuse_what_a_demo_cannot_use(startup: Startup) -> None:
    """A start ``sls serve`` makes and a demo must not: on a data folder whose embedded Redis another server
    runs (a second demo would wipe that world and take over demo.json), or on a Redis that did not answer
    (``sls serve`` answers 503 until it does; a demo waited 60 s to seed its world, a warning per look,
    and exited 1). Exit code 2, as every start that cannot happen (``serve``)."""
    settings = startup.settings
    if startup.embedded is not None and startup.embedded.shared:
        startup.listener.close()
        raise CliError(
            f"SLS_DATA_DIR: another sls server already runs on the data folder {settings.data_dir} (its "
            "embedded Redis answers): a second demo would wipe that world and take over demo.json. Stop "
            "it first, or give this demo a folder of its own (SLS_DATA_DIR=/tmp/another sls demo).",
            EXIT_USAGE,
        )
    if not startup.key_checked:
        startup.listener.close()
        raise CliError(
            f"SLS_REDIS_URL: Redis at {mask_url(settings.redis_url)} did not answer, and the demo seeds "
            "its world in it as it starts: start that Redis first, or unset SLS_REDIS_URL for an embedded "
            "one",
            EXIT_USAGE,
        )


@dataclasses.dataclass(frozen=True)
class Told:
    """How the supervisor tells: the seeding's header to keep out of the access log, JSON or the panels, and
    whether the admin token is printed beyond loopback (--show-token)."""

    quiet_token: str
    as_json: bool
    show_token: bool


def supervise(
    child: Child,
    startup: Startup,
    facts: dict[str, Any],
    limits: dict[str, dict[str, int]],
    previous: World,
    keep: bool,
    told: Told,
) -> int:
    """Seed, tell, then wait for the server; signals go on to it. The exit code to leave with."""
    quiet_token, as_json = told.quiet_token, told.as_json
    stopping: list[int] = []

    def pass_on(signum: int, _frame: Any) -> None:
        stopping.append(signum)
        # SIGINT as SIGTERM: Ctrl-C reaches the server from the terminal too, and a second SIGINT is its
        # quick stop (``gunicorn_arbiter``); one Ctrl-C must stay a graceful stop
        child.signal(signal.SIGTERM if signum == signal.SIGINT else signum)

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)
    settings = startup.settings
    running = dataclasses.replace(settings, threads=facts["threads"])  # --threads, as run() hands it on
    info: dict[str, Any] = {
        # url: where the sls commands reach it; the pages at public_url, the address the class reaches
        **{k: facts[k] for k in ("url", "public_url", "login_page", "trainer", "simulators", "docs")},
        "login_api": facts["login_api"],
        **{k: facts[k] for k in ("admin_api", "openapi", "readyz", "redis", "redis_url")},
        "admin_token": settings.admin_token,
        "data_dir": str(settings.data_dir),
        "created_at": int(time.time()),
        # this supervisor (pid, and its pid namespace and start): once it is gone, the commands skip the file
        **recorded_process.this_process(),
        # the run of the server its child serves (``/healthz`` says it): read where the pid says nothing
        # (another container), the record is the demo's while its URL answers this
        "instance_id": startup.instance_id,
        "limits": limits,
        # what it runs with, beyond the defaults (the raised limits too): `sls scenario` reads it
        "settings": demofile.settings_beyond_defaults(running),
        "demo_file": str(demofile.path(settings.data_dir)),
        "host": startup.listener.host,  # beyond loopback, `sls world` withholds the admin token too
    }
    if settings.sim_token:  # the trainer's key to /sim/v1; the simulator commands read it from demo.json
        info["sim_token"] = settings.sim_token
    # The last demo's demo.json names this URL too: a scenario command reading it now would take the server
    # for a seeded demo and wipe the world being seeded (which then fails). Marked, they refuse to.
    before = demofile.read(settings.data_dir)
    demofile.write(settings.data_dir, {**info, "seeding": True, "seeding_pid": os.getpid()})
    try:
        info["users"] = seed_world(info, previous, keep, quiet_token, child)
    except Exception as exc:  # whatever went wrong, the server must not outlive its supervisor
        child.signal(signal.SIGTERM)
        child.wait()
        if before is not None:  # as it was: with --keep, the kept world's passwords are there alone
            demofile.write(settings.data_dir, before)
        if stopping:
            return 0
        message = exc.message if isinstance(exc, CliError | ApiError) else f"{type(exc).__name__}: {exc}"
        CliError(f"the demo world could not be seeded: {message}").show()
        return 1
    if startup.embedded is not None:  # seeded: the last line says how the Redis ended (not after an error)
        startup.embedded.tell_stop = True
    info["try"] = try_this(info["users"])
    demofile.write(settings.data_dir, info)
    if as_json:
        print_json(withheld(info, told.show_token), compact=True)
    else:
        print_all(info, told.show_token)
    sys.stdout.flush()
    return child.wait()

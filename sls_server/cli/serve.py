"""``sls serve``, and the start-up steps ``sls demo`` and ``sls gateway`` share with it (the banner they print
is ``serve_banner``).

Order matters: validate the configuration, bind the port, resolve the secrets, then start the embedded
Redis (once, here in the master) and fork the workers. Anything wrong stops the start before a worker
exists, as one red line and exit code 2.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from ..config import ADMIN_TOKEN_FILE, Settings, load_settings, unknown_variables
from ..errors import InvalidConfig
from ..exposure import metrics_exposure, simulators_exposure
from ..hostnames import admitted, host_name
from ..runtime import claim_secret_key, resolve_secrets, start_embedded_redis
from ..store.embedded import EmbeddedRedis
from ..store.embedded_watch import Watchdog
from ..telemetry.multiproc import prepare_multiprocess_dir, remove_multiprocess_dir
from . import demofile, listen_file
from .gateway_lease import GatewayLease
from .gunicorn_app import Listener, SlsApplication
from .gunicorn_logs import log_to_stderr
from .key_watch import KeyWatch
from .output import EXIT_USAGE, JSON_ASKED, CliError, print_json, print_renderable
from .serve_banner import banner, describe
from .server_options import CLI_ENV, ServerCommand, json_logs_asked, server_options
from .start_lines import held_until_started

F = TypeVar("F", bound=Callable[..., Any])
#: ``SLS_*`` variables that are no setting yet are read: the command line's own, and the test suite's Redis.
NOT_SETTINGS = frozenset({*CLI_ENV, "SLS_SESSION_TOKEN", "SLS_TEST_REDIS", "SLS_TEST_REDIS_SERVER"})
log = logging.getLogger(__name__)


@contextlib.contextmanager
def config_errors() -> Iterator[None]:
    """A InvalidConfig becomes ``error: SLS_X: message`` and exit code 2."""
    try:
        yield
    except InvalidConfig as exc:
        raise CliError(exc.message, EXIT_USAGE, code=exc.code) from None


@dataclasses.dataclass
class Startup:
    """What the master resolved before forking: the settings the workers get, and where things are."""

    settings: Settings
    listener: Listener
    embedded: EmbeddedRedis | None
    token_source: str
    #: Whether the secret key was checked against Redis (False: Redis did not answer; ``key_watch`` then).
    key_checked: bool = True


def answering_to(settings: Settings, host: str) -> Settings:
    """The settings with the name ``--host`` gives among ``allowed_hosts``: clients call the server by it.
    An address, a wildcard or localhost needs no admitting (``hostnames``), so it is not added."""
    name = host_name(host)
    if admitted(name, frozenset()) or name is None:
        return settings
    return dataclasses.replace(settings, allowed_hosts=tuple(dict.fromkeys((*settings.allowed_hosts, name))))


def errors_as_json_logs() -> None:
    """Under ``SLS_LOG_FORMAT=json`` every line is a JSON object, the one that stops the server too: its
    error (a bad setting, a Redis that holds another key) is told as ``--json`` tells it. It was the one
    text line, ``error: ...``, that a log collector could not read, and the one that mattered most."""
    if json_logs_asked():
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.meta[JSON_ASKED] = True


def start(overrides: dict[str, Any], host: str, port: int) -> Startup:
    """Settings, the bound port, the secrets and the embedded Redis (when no URL is configured). A start that
    cannot happen raises ``CliError`` (exit code 2) with nothing left running and its log lines dropped
    (``start_lines``): the error is its one line."""
    errors_as_json_logs()
    with held_until_started():
        return _start(overrides, host, port)


def _start(overrides: dict[str, Any], host: str, port: int) -> Startup:
    with config_errors():
        settings = answering_to(load_settings(overrides), host)
    # the master's lines before gunicorn runs (an unanswering Redis, below) in the format the rest will have
    log_to_stderr(settings.log_format == "json", settings.log_level)
    token_source = (
        "SLS_ADMIN_TOKEN" if settings.admin_token is not None else str(settings.data_dir / ADMIN_TOKEN_FILE)
    )
    listener = Listener(host, port)  # before anything is written or started: a busy port changes nothing
    embedded = None
    try:
        with config_errors():
            settings = resolve_secrets(settings)
            if settings.redis_url is None:
                embedded = start_embedded_redis(settings)
                settings = dataclasses.replace(settings, redis_url=embedded.url)
            key_checked = claim_secret_key(settings)
    except BaseException:
        listener.close()
        if embedded is not None:
            embedded.stop()
        raise
    return Startup(settings, listener, embedded, token_source, key_checked)


def worker_config(settings: Settings) -> dict[str, Any]:
    """Every resolved setting, as the mapping each worker passes to ``create_app`` (secret key in hex)."""
    config: dict[str, Any] = {}
    for field in dataclasses.fields(Settings):
        value = getattr(settings, field.name)
        if value is None:
            continue
        if isinstance(value, bytes):
            value = value.hex()
        elif isinstance(value, Path):
            value = str(value)
        elif isinstance(value, tuple):
            value = list(value)
        config[field.name.upper()] = value
    return config


def startup_warnings(startup: Startup) -> list[str]:
    """Valid settings an operator should still hear about once: each warning says what is exposed, and how
    to close it."""
    said = (
        metrics_exposure(startup.settings, startup.listener.host),
        simulators_exposure(startup.settings, startup.listener.host),
    )
    return [warning for warning in said if warning] + unknown_variables(NOT_SETTINGS)


def run(
    startup: Startup,
    *,
    workers: int,
    threads: int,
    quiet_token: str | None = None,
    gunicorn_options: dict[str, Any] | None = None,
    access_to_stderr: bool = False,
    lease: GatewayLease | None = None,
) -> None:
    """Hand over to gunicorn; returns only by SystemExit (SIGTERM/SIGINT), when atexit stops the Redis.
    ``gunicorn_options`` adds to (or overrides) the server's own (``sls gateway``: TLS, pidfile, titles).
    ``access_to_stderr``: stdout holds a program's JSON (``--json``), so the access log goes to stderr.
    ``lease``: the gateway process's lease, begun (``sls gateway``: its start's step ran). Every process that
    serves the gateway holds one, or a ``sls gateway`` started beside it would find it absent and end the
    session it serves: in gateway mode ``sls serve`` and ``sls demo`` (whose master is the forked child that
    calls this) take one here, and never end the session (``gateway_lease``)."""
    # The workers' apps size their budget of long-held requests (``long_held``) by gunicorn's own threads.
    settings = dataclasses.replace(startup.settings, threads=threads)
    config = worker_config(settings)
    with config_errors():
        handed_over = load_settings(config, environ={})  # what every worker will build its app from
    if handed_over != settings:
        changed = [
            f.name
            for f in dataclasses.fields(Settings)
            if getattr(handed_over, f.name) != getattr(settings, f.name)
        ]
        raise CliError(f"internal error: settings {', '.join(changed)} change on the way to the workers")
    metrics_dir = prepare_multiprocess_dir()  # before the fork: each worker's metrics go to files there
    in_master_only: list[Callable[[], None]] = [startup.embedded.stop] if startup.embedded else []
    if startup.embedded:
        startup.embedded.tell_stop = True  # the start succeeded: its last line says how the Redis ended
        watchdog = Watchdog(startup.embedded).start()
        atexit.register(watchdog.stop)  # after the server's own stop, so it runs first (atexit is LIFO)
        in_master_only.append(watchdog.stop)
    key_watch = None if startup.key_checked else KeyWatch(startup.settings).start()
    if key_watch is not None:
        atexit.register(key_watch.stop)
        in_master_only.append(key_watch.stop)
    master = os.getpid()
    # Every way out from the lease on drops it (and the metrics' folder): gunicorn's own setup in
    # SlsApplication (a setting gunicorn refuses: ``CliError``, exit 2) once came between the lease and this
    # ``try``, and a failed start left a lease that named it live for 10 s.
    try:
        if lease is None and settings.gateway:
            lease = GatewayLease(settings, port=startup.listener.port)
            lease.begin(end_session=False)
        options = dict(gunicorn_options or {})
        if lease is not None:  # its thread once the master is ready (``gateway_lease``: the modules imported)
            options["when_ready"] = lease.when_ready
        application = SlsApplication(
            config,
            startup.listener,
            workers=workers,
            threads=threads,
            log_level=startup.settings.log_level,
            in_master_only=in_master_only,
            quiet_token=quiet_token,
            extra=options,
            access_to_stderr=access_to_stderr,
        )
        for warning in startup_warnings(
            startup
        ):  # once, in the master (its log handler is set up), not per worker
            log.warning(warning)
        # The app's modules, imported once here and shared by the forked workers (copy-on-write) instead of
        # imported again by each: about 0.6 s of CPU a worker at start. Importing them builds nothing that a
        # fork breaks (no thread, no connection: create_app, after the fork, makes those); the metrics' files,
        # whose folder is set just above, follow each worker's pid.
        import sls_server.app  # noqa: F401

        sys.stdout.flush()  # forked workers must not inherit (and later repeat) buffered output
        sys.stderr.flush()
        application.run()
    except SystemExit:
        if key_watch is not None and key_watch.refused is not None and os.getpid() == master:
            raise CliError(key_watch.refused.message, EXIT_USAGE, code=key_watch.refused.code) from None
        raise
    finally:
        # Here, not in an exit handler: ``sls demo``'s master is a forked child that leaves by os._exit.
        # A worker's exit unwinds through here too (gunicorn forks inside run()): the folder is not its own.
        if os.getpid() == master:
            if lease is not None:  # before the embedded Redis stops (atexit, or the demo's supervisor)
                lease.stop()
            remove_multiprocess_dir(metrics_dir)


def redis_url_option(func: F) -> F:
    """``--redis-url`` of ``sls serve`` and ``sls gateway``, one help for both (the gateway's said only
    "Redis to use", its default "embedded")."""
    return click.option(
        "--redis-url",
        metavar="URL",
        help="redis://, rediss://, unix://, redis+sentinel:// or redis+cluster:// URL of the Redis to use.  "
        "[env var: SLS_REDIS_URL; default: an embedded redis-server with its data in the data dir]",
    )(func)


def data_dir_option(holds: str) -> Callable[[F], F]:
    """``--data-dir``, its help naming the folder used when it and SLS_DATA_DIR are unset: where an operator
    finds the generated admin token, the secret key and the embedded Redis's files."""
    default = Settings.__dataclass_fields__["data_dir"].default
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"Folder for {holds}.  [env var: SLS_DATA_DIR; default: {default}]",
    )


@click.command(cls=ServerCommand)
@server_options
@redis_url_option
@data_dir_option("the embedded Redis, the generated secret key and admin token")
@click.option("--json", "as_json", is_flag=True, help="Print the start-up facts as JSON, not a banner.")
def serve(
    host: str,
    port: int,
    workers: int,
    threads: int,
    redis_url: str | None,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    """Run the emulator: gunicorn workers around one Redis.

    Every other setting comes from SLS_* environment variables (see `sls config`). The access log goes
    to stdout (to stderr with --json or SLS_LOG_FORMAT=json, where stdout holds JSON only): method, route
    pattern (/api/v1/auth/login/<txn_id>/verify, never the ids themselves), status, size, duration; never
    headers, cookies or bodies. With SLS_LOG_FORMAT=json the start-up facts are one JSON line, as --json.
    On every interface (--host 0.0.0.0) the pages are named at this machine's address on its network,
    where other machines open them ("public_url"), and the loopback URL ("url") on a line of its own.

    \b
    Examples:
      sls serve
      sls serve --host 0.0.0.0 --port 8080 --workers 4 --redis-url redis://localhost:6379/0
      SLS_HASH_PROFILE=strong SLS_CHALLENGE_TTL=120 sls serve
    """
    overrides: dict[str, Any] = {"redis_url": redis_url, "data_dir": data_dir}
    with held_until_started():
        startup = start({k: v for k, v in overrides.items() if v is not None}, host, port)
        demofile.writable(
            startup.settings.data_dir / listen_file.SERVE_FILE
        )  # before the banner says it runs
    facts = describe(startup, workers, threads)
    if as_json or startup.settings.log_format == "json":  # a log collector reads every line as JSON
        print_json(facts, compact=True)
    else:
        print_renderable(banner(facts))
    # where the other commands find it without --url (``admin_commands.found_server``), until it stops
    listen_file.record(startup.settings.data_dir, listen_file.SERVE_FILE, facts["url"])
    try:
        run(startup, workers=workers, threads=threads, access_to_stderr=as_json)
    finally:  # a worker unwinds through here too: the file does not name it, and it changes nothing
        listen_file.forget(startup.settings.data_dir, listen_file.SERVE_FILE)

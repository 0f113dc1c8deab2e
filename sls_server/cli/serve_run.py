"""Handing a started server (``serve_startup``) over to gunicorn: the settings every worker builds its app
from, the embedded Redis's watchdog and the gateway's lease in the master, and what is cleaned up as it ends.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import Settings, load_settings
from ..store.embedded_watch import Watchdog
from ..telemetry.multiproc import prepare_multiprocess_dir, remove_multiprocess_dir
from .gateway_lease import GatewayLease
from .gunicorn_app import SlsApplication
from .key_watch import KeyWatch
from .output import EXIT_USAGE, CliError
from .serve_startup import Startup, config_errors, startup_warnings

log = logging.getLogger(__name__)


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
            instance_id=startup.instance_id,
            workers=workers,
            threads=threads,
            log_level=startup.settings.log_level,
            in_master_only=in_master_only,
            quiet_token=quiet_token,
            extra=options,
            access_to_stderr=access_to_stderr,
            key_checked=startup.key_checked,
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

"""``sls gateway``: the emulator in gateway mode on one port, where tools that automate the Client Portal
Gateway (IBeam and the like) expect it: the gateway's login page and REST routes, and the whole emulator
beside them (``/api/v1``, ``/admin/v1``, ``/sim/v1``, the web pages), with the settings, the embedded
Redis and the data folder of ``sls serve``.

The process titles name the gateway the way such tools find it. IBeam, for one, looks for a process whose
command line contains ``ibgroup.web.core.clientportal.gw.GatewayStart`` (``IBEAM_GATEWAY_PROCESS_MATCH``),
which the real gateway's ``java`` command line carries, and terminates every match to restart it. So the
master and the workers take titles with that text in them (``setproctitle``, which gunicorn uses for its
``proc_name``), and a tool can start, find and stop "the gateway" as it would the real one.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from rich.table import Table
from rich.text import Text

from .. import starting
from . import demofile, gateway_file
from .gateway_lease import GatewayLease, start_words
from .gateway_tls import Certificate, ensure_certificate
from .output import EXIT_USAGE, CliError, note, print_json, print_renderable
from .reading import OutputFile
from .serve_banner import banner, describe
from .serve_run import run
from .serve_startup import Startup, start
from .server_options import (
    ServerCommand,
    data_dir_option,
    host_option,
    port_option,
    redis_url_option,
    threads_option,
    workers_option,
)
from .start_lines import held_until_started

#: What the real gateway's command line carries, and IBeam's default ``IBEAM_GATEWAY_PROCESS_MATCH``.
log = logging.getLogger(__name__)
GATEWAY_PROCESS_MATCH = "ibgroup.web.core.clientportal.gw.GatewayStart"


def set_title(title: str) -> None:
    """The process's title (its command line as ``ps`` and psutil read it)."""
    import setproctitle

    setproctitle.setproctitle(title)


def gateway_facts(facts: dict[str, Any], *, tls: bool, cert: Path | None, match: str) -> dict[str, Any]:
    """``sls serve``'s start-up facts for a gateway: https when TLS, and where the gateway's parts are (at the
    address other machines reach, as the pages are)."""
    scheme = ("http://", "https://" if tls else "http://")
    bases = {facts["url"], facts["public_url"]}
    facts = {
        key: (
            value.replace(*scheme, 1)
            if isinstance(value, str) and any(value.startswith(base) for base in bases)
            else value
        )
        for key, value in facts.items()
    }
    url = facts["public_url"]
    return {
        **facts,
        "gateway_login": f"{url}/sso/Login?forwardTo=22&RL=1&ip2loc=on",
        "gateway_api": f"{url}/v1/api",
        "latest_code": f"{url}/sim/v1/outbox/latest-code?user=<username>",
        "tls_certificate": str(cert) if cert else None,
        "process_match": match,
    }


def gateway_banner(facts: dict[str, Any]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    rows = {
        "Gateway login": facts["gateway_login"],
        "Gateway REST": facts["gateway_api"],
        "2FA code hook": facts["latest_code"],
        "Certificate": facts["tls_certificate"] or "(plain HTTP; --tls for HTTPS)",
        "Process match": facts["process_match"],
    }
    for label, value in rows.items():
        grid.add_row(label, Text(value))
    return grid


@click.command(cls=ServerCommand)
@host_option()
@port_option(default=5000)  # the real gateway's port
@workers_option
@threads_option
@click.option("--tls", is_flag=True, help="Serve HTTPS with a self-signed certificate kept in the data dir.")
@click.option("--pidfile", type=OutputFile(), help="Write the master's pid here.")
@redis_url_option
@data_dir_option("the embedded Redis, the secrets and the certificate")
@click.option(
    "--process-match",
    default=GATEWAY_PROCESS_MATCH,
    show_default=True,
    help="Text put in the process titles, for tools that find the gateway by its command line.",
)
@click.option(
    "--keep-session",
    is_flag=True,
    help="Keep the instance's gateway session whatever the other processes of its SLS_GATEWAY_INSTANCE do "
    "(by default a start ends it unless another live process of the instance holds a lease: sls gateway, "
    "or sls serve or sls demo with SLS_GATEWAY=True; as the real gateway's restart asks for a login).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the start-up facts as JSON, not a banner.")
def gateway(
    host: str,
    port: int,
    workers: int,
    threads: int,
    tls: bool,
    pidfile: Path | None,
    redis_url: str | None,
    data_dir: Path | None,
    process_match: str,
    keep_session: bool,
    as_json: bool,
) -> None:
    """Run the emulator in gateway mode (SLS_GATEWAY=true): the Client Portal Gateway's login page
    (/sso/Login) and REST routes (/v1/api, /v1/portal) on one port, for testing tools that automate it.

    Everything `sls serve` serves is there too, with the same SLS_* settings (`sls config`), SLS_HOST,
    SLS_PORT (default 5000 here), SLS_WORKERS and SLS_THREADS among them;
    SLS_GATEWAY_PROFILE, SLS_GATEWAY_NOTIFICATION_STEP and SLS_GATEWAY_DAILY_RESET shape the gateway.
    Stage what automation must survive with `sls gateway-state` (GET /admin/v1/gateway, and the POSTs
    and the PUT under it).

    A start ends the gateway session the instance held (401, reason gateway_restarted), as the real
    gateway's restart asks for a login again, unless another process of the same SLS_GATEWAY_INSTANCE
    is live (each holds a lease in Redis while it serves: sls gateway, and sls serve or sls demo in gateway
    mode): restarting the processes of a gateway one at a time keeps the user logged in. --keep-session
    never ends it.

    \b
    Examples:
      sls gateway                            # http://127.0.0.1:5000
      sls gateway --tls --pidfile gw.pid     # https://127.0.0.1:5000, self-signed
      SLS_GATEWAY_PROFILE=live sls gateway --port 5001
      sls gateway --port 5002                # a second process of the same gateway
    """
    set_title(f"sls gateway [{process_match}] {host}:{port}")
    overrides: dict[str, Any] = {"gateway": True, "redis_url": redis_url, "data_dir": data_dir}
    with held_until_started():  # a start that fails says its error alone (``start_lines``)
        pidfile_free(pidfile)
        startup = start({k: v for k, v in overrides.items() if v is not None}, host, port)
        # before the lease and the start's step: a certificate that cannot be kept changes nothing
        made = certificate(startup, host) if tls else None
        demofile.writable(startup.settings.data_dir / gateway_file.GATEWAY_FILE)
    json_logs = startup.settings.log_format == "json"
    lease = GatewayLease(startup.settings, port=startup.listener.port)
    outcome = lease.begin(end_session=not keep_session)  # before any worker serves
    # Every way out from here drops the lease (``run`` drops it on its own ways out; ``stop`` is once): a
    # start that failed before serving left a lease that named it a live process for 10 s, and the next
    # start's step kept the session for it.
    try:
        if outcome == "unknown":  # the workers answer 503 until the step has run (``starting``)
            starting.pend(lease.token)
        words = None if outcome is None else start_words(outcome, startup.settings.gateway_instance)
        if words and outcome == "unknown":
            log.warning(words)
        elif words and json_logs:
            log.info(words)
        elif words:
            note(words)
        if made and made.made_because:
            said = f"made a new self-signed certificate ({made.made_because}): {made.cert}"
            if json_logs:
                log.info(said)
            else:
                note(said)
        cert = made.cert if made else None
        facts = gateway_facts(describe(startup, workers, threads), tls=tls, cert=cert, match=process_match)
        if as_json or json_logs:  # as `sls serve`: a log collector reads every line as JSON
            print_json(facts, compact=True)
        else:
            print_renderable(banner(facts, title="sls gateway"))
            print_renderable(gateway_banner(facts))
        options: dict[str, Any] = {"proc_name": f"sls-gateway {process_match}"}
        if made:
            options.update(certfile=str(made.cert), keyfile=str(made.key))
        if pidfile:
            options["pidfile"] = str(pidfile.resolve())
        # where `sls gateway-state` looks
        gateway_file.write_gateway(startup.settings.data_dir, facts["url"], startup.instance_id)
        try:
            run(
                startup,
                workers=workers,
                threads=threads,
                gunicorn_options=options,
                access_to_stderr=as_json,
                lease=lease,
            )
        finally:
            gateway_file.forget_gateway(startup.settings.data_dir)
    finally:
        lease.stop()


def certificate(startup: Startup, host: str) -> Certificate:
    """The gateway's certificate, naming every name it answers to (the host asked for is among them): a
    client checks its own, and the address the banner names it at (every interface: this machine's on its
    network)."""
    public = urlsplit(startup.listener.public_url).hostname or host
    return ensure_certificate(startup.settings.data_dir, (host, public, *startup.settings.allowed_hosts))


def pidfile_free(pidfile: Path | None) -> None:
    """Refuse a ``--pidfile`` that names a running process, before anything starts: gunicorn refused it only
    once it ran, after the banner and the embedded Redis, with its own ``Error: Already running on PID``
    and exit code 1. A file naming no live process (a killed gateway's) is gunicorn's to replace."""
    if pidfile is None:
        return
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):  # none, or not a pid: gunicorn writes it over
        return
    if pid <= 0 or pid == os.getpid():  # kill(0) or kill(-n) would name process groups
        return
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return
    except PermissionError:
        pass  # another user's process: running all the same
    raise CliError(
        f"--pidfile: {pidfile} names process {pid}, which is running: stop that gateway, or give "
        "this one a pid file of its own",
        EXIT_USAGE,
    )

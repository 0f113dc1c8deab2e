"""``sls serve``: its options and the command, which starts the server (``serve_startup``), prints its
banner (``serve_banner``) and hands it over to gunicorn (``serve_run``). Its options are declared in
``server_options``, with those of ``sls demo`` and ``sls gateway``, which share its steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import demofile, listen_file
from .output import print_json, print_renderable
from .serve_banner import banner, describe
from .serve_run import run
from .serve_startup import start
from .server_options import ServerCommand, data_dir_option, redis_url_option, server_options
from .start_lines import held_until_started


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

    Every other setting comes from SLS_* environment variables (see `sls config`). The access log goes to
    stdout (to stderr with --json or SLS_LOG_FORMAT=json, where stdout holds JSON only): the client's address,
    method, route pattern (/api/v1/auth/login/<txn_id>/verify, never the ids themselves), status, size,
    duration and the request id (the answer's X-Request-Id); never headers, cookies or bodies. With
    SLS_LOG_FORMAT=json the start-up facts are one JSON line, as --json. On every interface (--host 0.0.0.0)
    the pages are named at this machine's address on its network, where other machines open them
    ("public_url"), and the loopback URL ("url") on a line of its own.

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
    listen_file.record(startup.settings.data_dir, listen_file.SERVE_FILE, facts["url"], startup.instance_id)
    try:
        run(startup, workers=workers, threads=threads, access_to_stderr=as_json)
    finally:  # a worker unwinds through here too: the file does not name it, and it changes nothing
        listen_file.forget(startup.settings.data_dir, listen_file.SERVE_FILE)

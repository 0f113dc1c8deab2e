"""The options and variables of the commands that start a server (``serve``, ``demo``, the server ``sls
scenario demo`` starts of its own): declared here, apart from ``serve``, so a command that only names them
does not import gunicorn and the store with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

#: Variables only the CLI reads (the server's own keys are in sls_server.config); ``sls config`` lists them.
CLI_ENV: dict[str, tuple[str, str]] = {
    "SLS_HOST": (
        "127.0.0.1",
        "Address `sls serve`, `sls demo` and `sls scenario demo`'s own server listen on (0.0.0.0: every "
        "interface).",
    ),
    "SLS_PORT": ("8000", "TCP port `sls serve` and `sls demo` listen on (0: any free port)."),
    "SLS_WORKERS": ("2", "gunicorn worker processes; they share all state through Redis."),
    "SLS_URL": (
        "demo.json's url, else a running gateway's, else http://127.0.0.1:8000",
        "Server the admin commands talk to.",
    ),
}


def host_option(help_text: str = "Address to listen on; 0.0.0.0 for every interface.") -> Callable[[F], F]:
    """``--host`` (or ``SLS_HOST``), the address a server listens on: one declaration for ``serve``, ``demo``
    and the server ``sls scenario demo`` starts of its own, so the default and the variable never differ."""
    return click.option(
        "--host",
        default="127.0.0.1",
        envvar="SLS_HOST",
        show_default=True,
        show_envvar=True,
        help=help_text,
    )


def server_options(func: F) -> F:
    """--host, --port, --workers, --threads: shared by ``serve`` and ``demo``."""
    options = [
        host_option(),
        click.option(
            "--port",
            type=click.IntRange(0, 65535),
            default=8000,
            envvar="SLS_PORT",
            show_default=True,
            show_envvar=True,
            help="TCP port; 0 picks a free one.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(1, 64),
            default=2,
            envvar="SLS_WORKERS",
            show_default=True,
            show_envvar=True,
            help="gunicorn worker processes.",
        ),
        click.option(
            "--threads",
            type=click.IntRange(1, 64),
            default=4,
            envvar="SLS_THREADS",
            show_default=True,
            show_envvar=True,
            help="Threads per worker.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func

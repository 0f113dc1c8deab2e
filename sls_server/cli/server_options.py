"""The options and variables of the commands that start a server (``serve``, ``demo``, ``gateway``, the
server ``sls scenario demo`` starts of its own): declared here, apart from ``serve``, so a command that only
names them does not import gunicorn and the store with it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..config import Settings
from .output import JSON_ASKED

F = TypeVar("F", bound=Callable[..., Any])

#: Variables only the CLI reads (the server's own keys are in sls_server.config); ``sls config`` lists them.
CLI_ENV: dict[str, tuple[str, str]] = {
    "SLS_HOST": (
        "127.0.0.1",
        "Address `sls serve`, `sls demo`, `sls gateway` and `sls scenario demo`'s own server listen on "
        "(0.0.0.0: every interface).",
    ),
    "SLS_PORT": (
        "8000",
        "TCP port `sls serve` and `sls demo` listen on (0: any free port); `sls gateway`'s, 5000 unless set.",
    ),
    "SLS_WORKERS": (
        "2",
        "gunicorn worker processes of `sls serve`, `sls demo` and `sls gateway`; they share all state "
        "through Redis.",
    ),
    "SLS_URL": (
        "the newer of demo.json's url and a running `sls serve`'s (serve.json), else a running gateway's, "
        "else http://127.0.0.1:8000",
        "Server the admin commands talk to.",
    ),
}


def json_logs_asked() -> bool:
    """``SLS_LOG_FORMAT=json``: every line the server writes is a JSON object, its errors too."""
    return os.environ.get("SLS_LOG_FORMAT", "").strip().lower() == "json"


class ServerCommand(click.Command):
    """``serve``, ``demo`` and ``gateway``: under ``SLS_LOG_FORMAT=json`` an error is told as ``--json`` tells
    it from the command line on. A value click refuses (``--port abc``, ``--data-dir`` naming a file) was
    its usage block in plain text, the one thing on stderr a log collector could not read."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if json_logs_asked():
            ctx.meta[JSON_ASKED] = True
        return super().parse_args(ctx, args)


def _listening_option(
    flag: str, envvar: str, default: Any, help_text: str, type_: click.IntRange | None = None
) -> Callable[[F], F]:
    """One server option read from its variable, its default and the variable shown in ``--help``: how
    ``--host``, ``--port``, ``--workers`` and ``--threads`` are each declared, so they never differ in it."""
    return click.option(
        flag, type=type_, default=default, envvar=envvar, show_default=True, show_envvar=True, help=help_text
    )


def host_option(help_text: str = "Address to listen on; 0.0.0.0 for every interface.") -> Callable[[F], F]:
    """``--host`` (or ``SLS_HOST``), the address a server listens on: one declaration for ``serve``, ``demo``
    and the server ``sls scenario demo`` starts of its own, so the default and the variable never differ."""
    return _listening_option("--host", "SLS_HOST", "127.0.0.1", help_text)


def port_option(default: int = 8000) -> Callable[[F], F]:
    """``--port`` (or ``SLS_PORT``): ``serve`` and ``demo`` listen on 8000 by default, ``gateway`` on 5000
    (where the real gateway listens); the variable is read by each the same way."""
    return _listening_option(
        "--port", "SLS_PORT", default, "TCP port; 0 picks a free one.", click.IntRange(0, 65535)
    )


def workers_option(func: F) -> F:
    """``--workers`` (or ``SLS_WORKERS``): gunicorn worker processes."""
    return _listening_option(
        "--workers", "SLS_WORKERS", 2, "gunicorn worker processes.", click.IntRange(1, 64)
    )(func)


def threads_option(func: F) -> F:
    """``--threads`` (or ``SLS_THREADS``, a setting `sls config` lists): threads per worker, and with them
    the budget of long-held requests (``long_held``)."""
    return _listening_option("--threads", "SLS_THREADS", 4, "Threads per worker.", click.IntRange(1, 64))(
        func
    )


def server_options(func: F) -> F:
    """--host, --port, --workers, --threads: shared by ``serve`` and ``demo`` (``gateway`` takes each of them
    with its own port default), so an option and its variable are declared once."""
    for option in reversed([host_option(), port_option(), workers_option, threads_option]):
        func = option(func)
    return func


def show_token_option(func: F) -> F:
    """``--show-token``: print the admin token (and ``sls demo``'s sim token) even when the server answers
    beyond loopback, where ``sls demo`` and ``sls scenario demo`` withhold them (``demo_print.token_shown``):
    one flag, one wording."""
    return click.option(
        "--show-token",
        is_flag=True,
        help="Print the admin and sim tokens even when --host answers beyond loopback (withheld there).",
    )(func)


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

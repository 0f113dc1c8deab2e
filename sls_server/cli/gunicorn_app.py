"""gunicorn, run from Python: a master that forks N workers, each building its own app from a mapping.

No preload of the app: every worker calls ``create_app(config)`` after the fork, so no Redis connection,
thread or lock is shared across processes. Only its modules are imported before the fork (``serve_run.run``),
and shared. The listening socket is bound by the CLI before anything else starts (a port in
use is a clear error, not gunicorn's five retries) and handed over as ``fd://N``.
"""

from __future__ import annotations

import atexit
import errno
import gc
import logging
import socket
from collections.abc import Callable, Mapping
from typing import Any

from ..reach import local_url, public_url
from .gunicorn_arbiter import DrainingArbiter
from .gunicorn_base import BaseApplication
from .gunicorn_errors import json_error_pages, quiet_refusals
from .gunicorn_logs import ACCESS_LOG_FORMAT, DemoSeedFilter, log_to_stderr, logger_class
from .gunicorn_worker import paced_tls
from .output import EXIT_USAGE, CliError
from .worker_signals import worker_signals


def hide_server_header() -> None:
    """Stop gunicorn writing ``Server: gunicorn`` on every answer.

    gunicorn has no setting for it (benoitc/gunicorn#825: the maintainers declined an option; a header
    the app sets is sent *beside* gunicorn's, not instead of it). Its HTTP/1 ``Response.default_headers``
    writes the line, so it is filtered out there, once, in the master before the workers fork. Idempotent.
    ``SERVER_SOFTWARE`` stays in the WSGI environ: the app never echoes it, so no client sees it.
    """
    from gunicorn.http import wsgi

    original = wsgi.Response.default_headers
    if original.__name__ == "default_headers_without_server":
        return

    def default_headers_without_server(self: wsgi.Response) -> list[str]:
        # gunicorn writes the line as "Server: <version>\r\n" itself: no other case to look for
        return [line for line in original(self) if not line.startswith("Server:")]

    # gunicorn has no setting for it (above): patching its class is the point, which mypy rightly flags.
    wsgi.Response.default_headers = default_headers_without_server  # type: ignore[method-assign]  # see above


class Listener:
    """A bound, listening TCP socket, kept until gunicorn adopts its file descriptor."""

    def __init__(self, host: str, port: int, backlog: int = 2048) -> None:
        try:
            infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        except socket.gaierror as exc:
            raise CliError(f"--host: cannot resolve {host!r}: {exc.strerror}", EXIT_USAGE) from None
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(backlog)
        except OSError as exc:
            sock.close()
            if (
                exc.errno == errno.EADDRNOTAVAIL
            ):  # the address, not the port: no interface of this machine has it
                raise CliError(
                    f"--host: {host} is no address of this machine ({exc.strerror}): give one of its own, "
                    "127.0.0.1, or 0.0.0.0 for every interface",
                    EXIT_USAGE,
                ) from None
            in_use = exc.errno == errno.EADDRINUSE
            reason = (
                "is already in use: another program listens there; give another port (--port 8080), "
                "or 0 for a free one"
                if in_use
                else f"cannot be bound: {exc.strerror}"
            )
            raise CliError(f"--port: {host}:{port} {reason}", EXIT_USAGE) from None
        self.sock: socket.socket | None = sock
        self.host = host
        self.port = int(sock.getsockname()[1])

    @property
    def url(self) -> str:
        """Where this machine's clients (``sls`` commands, demo.json) reach it: loopback for a wildcard."""
        return local_url(self.host, self.port)

    @property
    def public_url(self) -> str:
        """Where the other machines of the network reach it: the pages a banner prints for a class."""
        return public_url(self.host, self.port)

    def hand_over(self) -> int:
        """The descriptor, now owned by gunicorn (which closes it when it wraps it)."""
        assert self.sock is not None, "the listener was already handed over"
        fd = self.sock.detach()
        self.sock = None
        return fd

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def forwarded_allow_ips(app_config: Mapping[str, Any]) -> str:
    """gunicorn believes X-Forwarded-Proto (which decides ``request.is_secure``, so the ``Secure`` and
    ``__Host-`` session cookie) from these peers only: exactly ``SLS_TRUSTED_PROXIES``, '' when it is empty.

    gunicorn's own default is ``127.0.0.1,::1`` (or ``$FORWARDED_ALLOW_IPS``), whatever the setting says;
    it is overridden from the very mapping every worker builds its app from, so the server and the app
    (``clientip``, for X-Forwarded-For) trust the same peers. The app itself reads no scheme header and
    has no ProxyFix: the scheme is the server's, set by this rule.
    """
    from sls_server.config import load_settings

    return ",".join(load_settings(app_config, environ={}).trusted_proxies)


def log_format(app_config: Mapping[str, Any]) -> str:
    from sls_server.config import load_settings

    return load_settings(app_config, environ={}).log_format


def pre_request(worker: Any, req: Any) -> None:
    """gunicorn's own hook (a debug line), and the request's ``force_close`` for the app's refusals
    (``http.connection``). gunicorn's line names the path, which holds a login's transaction id
    (``/api/v1/auth/login/<txn_id>/verify``, ``/sso/Login/<txn_id>``): the method alone here; the access
    line names the route's pattern."""
    from sls_server.http.connection import hold

    hold(req.force_close)
    worker.log.debug("%s request received", req.method)


class SlsApplication(BaseApplication):
    """gunicorn's master for ``sls serve`` and ``sls demo``."""

    def __init__(
        self,
        app_config: Mapping[str, Any],
        listener: Listener,
        *,
        instance_id: str,
        workers: int,
        threads: int,
        log_level: str,
        in_master_only: list[Callable[[], None]],
        quiet_token: str | None = None,
        extra: Mapping[str, Any] | None = None,
        access_to_stderr: bool = False,
        key_checked: bool = True,
    ) -> None:
        self.app_config = dict(app_config)
        self.instance_id = instance_id  # the run every worker's app says it serves (``create_app``)
        self.key_checked = key_checked  # False: Redis did not answer the start's check; each app checks first
        self.options: dict[str, Any] = {
            "bind": [f"fd://{listener.hand_over()}"],
            "workers": workers,
            "threads": threads,
            # gthread or sync, with a read timeout on every client socket (``gunicorn_worker``: slow clients)
            "worker_class": "sls_server.cli.gunicorn_worker."
            + ("PacedThreadWorker" if threads > 1 else "PacedSyncWorker"),
            "ssl_context": paced_tls,  # over TLS, the handshake under the same read timeout
            "timeout": 30,
            "graceful_timeout": 10,
            "keepalive": 5,
            "preload_app": False,
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "errorlog": "-",
            "loglevel": log_level.lower(),
            "proc_name": "sls",
            "control_socket_disable": True,  # gunicorn >= 25: no shared ~/.gunicorn/gunicorn.ctl
            "forwarded_allow_ips": forwarded_allow_ips(self.app_config),
            "post_fork": self._post_fork,
            "pre_request": pre_request,
            "post_worker_init": worker_signals,
            "child_exit": self._child_exit,
            **(extra or {}),
        }
        self._quiet_token = quiet_token
        self._json_logs = log_format(self.app_config) == "json"
        chosen = logger_class(
            self.options.get("logger_class"),
            quiet_token=quiet_token,
            json_logs=self._json_logs,
            access_to_stderr=access_to_stderr,
        )
        if chosen is not None:
            self.options["logger_class"] = chosen
        self._in_master_only = in_master_only
        log_to_stderr(self._json_logs, log_level)
        hide_server_header()
        json_error_pages()
        quiet_refusals()
        super().__init__()

    def _post_fork(self, server: Any, worker: Any) -> None:
        from sls_server.accounts.derivation_turns import share_cores

        # Workers inherit the master's atexit handlers; the embedded Redis belongs to the master alone.
        for handler in self._in_master_only:
            atexit.unregister(handler)
        share_cores(self.options["workers"])  # password hashes at once: the worker's share of the cores

    def _child_exit(self, server: Any, worker: Any) -> None:
        from sls_server.telemetry.multiproc import worker_exited

        worker_exited(worker.pid)  # its metric files: counters stay summed, live-only values go

    def do_load_config(self) -> None:
        """gunicorn's own, whose refusal of a setting was its ``Error: ...`` line and exit code 1: here one
        ``error:`` line and exit code 2, as every start that cannot happen (``serve``)."""
        try:
            self.load_default_config()
            self.load_config()
            self.cfg.validate()
        except Exception as exc:
            raise CliError(f"gunicorn refused its settings: {exc}", EXIT_USAGE) from None

    def run(self) -> None:
        """gunicorn's own, whose failure to start (a pid file it cannot write) was its ``Error:``, exit 1."""
        try:
            DrainingArbiter(self).run()
        except RuntimeError as exc:
            raise CliError(f"gunicorn could not start: {exc}", EXIT_USAGE) from None

    def load_config(self) -> None:
        known = self.cfg.settings
        for key, value in self.options.items():
            if key in known and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        from sls_server.app import create_app

        server_log = logging.getLogger("sls_server")  # its handler: the master's (log_to_stderr), forked
        if self._quiet_token:
            for each in server_log.handlers:
                each.addFilter(DemoSeedFilter(self._quiet_token))
        app = create_app(self.app_config, instance_id=self.instance_id, key_checked=self.key_checked)
        freeze_what_lives_as_long_as_the_worker()
        return app


def freeze_what_lives_as_long_as_the_worker() -> None:
    """Move everything built so far (modules, the app, its schemas and scripts: some 80,000 objects) out of
    the cyclic collector's sight, as the ``gc`` docs advise for a forked server: they live as long as the
    worker, yet a full collection walked them all with the GIL held, about 50 ms in which none of the
    worker's threads answered (0.1 ms once frozen; docs/performance.md, "What Redis and the collector
    cost")."""
    gc.freeze()

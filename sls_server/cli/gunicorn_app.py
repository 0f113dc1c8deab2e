"""gunicorn, run from Python: a master that forks N workers, each building its own app from a mapping.

No preload: every worker calls ``create_app(config)`` after the fork, so no Redis connection or lock is
shared across processes. The listening socket is bound by the CLI before anything else starts (a port in
use is a clear error, not gunicorn's five retries) and handed over as ``fd://N``.
"""

from __future__ import annotations

import atexit
import errno
import hmac
import logging
import signal
import socket
import sys
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication

from .gunicorn_errors import json_error_pages, quiet_refusals
from .output import EXIT_USAGE, CliError

if TYPE_CHECKING:  # imported when used, so ``sls`` commands that serve nothing never load it
    from gunicorn.glogging import Logger

#: method, route pattern (``/api/v1/auth/login/<txn_id>/verify``, set by ``http.accesslog``), status, bytes,
#: duration. Never the path (it carries transaction, device and session ids), the query, headers, cookies
#: or bodies: the Authorization header holds the admin token and session tokens, bodies hold passwords.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %({sls.route}e)s" %(s)s %(B)s %(M)sms'


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
            in_use = exc.errno == errno.EADDRINUSE
            reason = "is already in use" if in_use else f"cannot be bound: {exc.strerror}"
            raise CliError(f"--port: {host}:{port} {reason}", EXIT_USAGE) from None
        self.sock: socket.socket | None = sock
        self.host = host
        self.port = int(sock.getsockname()[1])

    @property
    def url(self) -> str:
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

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


#: The header ``sls demo`` sends while it seeds its world, with a random value of that run: those requests
#: stay out of the access log and the server's INFO lines, so the world it prints is not buried under its own
#: set-up. Nothing else is hidden, and the audit trail (events) records them all the same.
DEMO_SEED_HEADER = "X-SLS-Demo-Seed"


def quiet_logger_class(token: str) -> type[Logger]:
    """gunicorn's logger, minus the access lines of requests that carry ``DEMO_SEED_HEADER: token``."""
    from gunicorn.glogging import Logger

    environ_key = "HTTP_" + DEMO_SEED_HEADER.upper().replace("-", "_")

    class DemoSeedQuietLogger(Logger):
        def access(self, resp: Any, req: Any, environ: MutableMapping[str, Any], request_time: Any) -> None:
            given = str(environ.get(environ_key, ""))
            if given and hmac.compare_digest(given.encode(), token.encode()):
                return  # the same test as _from_demo_seed, on gunicorn's environ (no Flask request here)
            super().access(resp, req, environ, request_time)

    return DemoSeedQuietLogger


def _from_demo_seed(token: str) -> bool:
    """Does the request being served carry ``DEMO_SEED_HEADER: token``? False outside a request."""
    from flask import has_request_context, request

    given = request.headers.get(DEMO_SEED_HEADER, "") if has_request_context() else ""
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


class DemoSeedFilter(logging.Filter):
    """Drops the server's INFO lines (one per audit event) of ``sls demo``'s seeding requests, like their
    access lines; a warning or error of theirs is still logged."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or not _from_demo_seed(self._token)


def log_to_stderr(json_logs: bool, level: str) -> None:
    """The service's own log lines (logger ``sls_server``), beside gunicorn's, on stderr; as JSON objects with
    ``SLS_LOG_FORMAT=json``. Set up in the master, before the fork, so its own lines (the start-up warning,
    the embedded Redis's watchdog) are written as the workers' are, and every worker inherits the handler.
    Idempotent.

    A served request writes two lines or more (its access line, one per audit event). No format here or
    gunicorn's names the calling function, its line or the thread, so the records skip finding them (the
    logging HOWTO's "Optimization": the caller's frame walk, the thread's name, the process's name), about
    7 µs of CPU a line here; the pid, which the formats print, is still taken."""
    logging._srcfile = None  # the documented switch (a private name, but the HOWTO gives it)
    logging.logThreads = False
    logging.logMultiprocessing = False
    server_log = logging.getLogger("sls_server")
    server_log.setLevel(level)
    if server_log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    if json_logs:
        from sls_server.telemetry.jsonlog import JsonFormatter

        handler.setFormatter(JsonFormatter())
    else:
        from sls_server.telemetry.textlog import TextFormatter

        handler.setFormatter(TextFormatter())
    server_log.addHandler(handler)


def json_logger_class(base: type) -> type:
    """gunicorn's logger for ``SLS_LOG_FORMAT=json``: its own lines as JSON objects, and no access line of its
    own (the app writes one per request, with the request id: ``http.observe``)."""
    from sls_server.telemetry.jsonlog import JsonFormatter

    class JsonLogger(base):  # type: ignore[misc]  # gunicorn's Logger, or the demo's quiet one
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())

        def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
            return

    return JsonLogger


def stderr_access_class(base: type) -> type:
    """gunicorn's logger with its access lines on stderr, where ``accesslog = "-"`` puts them on stdout: for
    ``--json``, whose stdout a program reads as JSON. (A path like /dev/stderr opens a second file
    description: on a redirected stderr, gunicorn's own later lines overwrite the access lines.)"""

    class StderrAccessLogger(base):  # type: ignore[misc]  # gunicorn's Logger, or the demo's quiet one
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in self.access_log.handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)

    return StderrAccessLogger


def quit_once(worker: Any) -> None:
    """Make a worker's quick-quit handler run once, whatever else arrives meanwhile.

    Ctrl-C sends SIGINT to the whole process group, so each worker gets it from the terminal and, a moment
    later, SIGQUIT from the master. gunicorn's gthread worker answers both with ``handle_quit``, which shuts
    its thread pool down under a non-reentrant lock: a second signal landing inside the first handler blocks
    on that lock for good, and the master waits ``graceful_timeout`` before it SIGKILLs the worker (found in
    a fresh-clone walk: Ctrl-C sometimes took 10 s and logged "Worker was sent SIGKILL"). The first quit
    signal now ignores the others, then runs the worker's own handler.
    """
    original = worker.handle_quit

    def handle_quit(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGQUIT, signal.SIG_IGN)
        original(signum, frame)

    signal.signal(signal.SIGINT, handle_quit)
    signal.signal(signal.SIGQUIT, handle_quit)


def end_streams_on_exit(worker: Any) -> None:
    """On SIGTERM (a graceful stop), tell the long answers to end (``sls_server.stopping``) before gunicorn's
    own handler stops taking requests: the trainer's feed would otherwise hold the worker until the graceful
    timeout, and be killed."""
    from sls_server.stopping import request_stop

    original = worker.handle_exit

    def handle_exit(signum: int, frame: Any) -> None:
        request_stop()
        original(signum, frame)

    signal.signal(signal.SIGTERM, handle_exit)


def worker_signals(worker: Any) -> None:
    """A worker's signal handlers once it is ready: quick quits run once, a graceful stop ends streams."""
    quit_once(worker)
    end_streams_on_exit(worker)


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


class SlsApplication(BaseApplication):
    """gunicorn's master for ``sls serve`` and ``sls demo``."""

    def __init__(
        self,
        app_config: Mapping[str, Any],
        listener: Listener,
        *,
        workers: int,
        threads: int,
        log_level: str,
        in_master_only: list[Callable[[], None]],
        quiet_token: str | None = None,
        extra: Mapping[str, Any] | None = None,
        access_to_stderr: bool = False,
    ) -> None:
        self.app_config = dict(app_config)
        self.options: dict[str, Any] = {
            "bind": [f"fd://{listener.hand_over()}"],
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
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
            "post_worker_init": worker_signals,
            "child_exit": self._child_exit,
            **(extra or {}),
        }
        self._quiet_token = quiet_token
        self._json_logs = log_format(self.app_config) == "json"
        if quiet_token:
            self.options["logger_class"] = quiet_logger_class(quiet_token)
        if self._json_logs:
            from gunicorn.glogging import Logger

            self.options["logger_class"] = json_logger_class(self.options.get("logger_class", Logger))
        elif access_to_stderr:
            from gunicorn.glogging import Logger

            self.options["logger_class"] = stderr_access_class(self.options.get("logger_class", Logger))
        self._in_master_only = in_master_only
        log_to_stderr(self._json_logs, log_level)
        hide_server_header()
        json_error_pages()
        quiet_refusals()
        super().__init__()

    def _post_fork(self, server: Any, worker: Any) -> None:
        # Workers inherit the master's atexit handlers; the embedded Redis belongs to the master alone.
        for handler in self._in_master_only:
            atexit.unregister(handler)

    def _child_exit(self, server: Any, worker: Any) -> None:
        from sls_server.telemetry.multiproc import worker_exited

        worker_exited(worker.pid)  # its metric files: counters stay summed, live-only values go

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
        return create_app(self.app_config)

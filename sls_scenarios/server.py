"""A real ``sls serve`` child process on a free port, with a data folder and Redis of its own, and an admin
token of its own unless its settings give one (``SLS_ADMIN_TOKEN``), kept while it runs in its run folder
(``server-admin.token``, mode 0600), where a trainer reads what ``sls scenario demo`` withholds.

Used by the pytest plugin (an emulator for another project's tests) and by ``sls scenario demo`` (a server
the trainer's browser can open). Started as ``python -m sls_server.cli.main serve``, so this package stays a
client: it never imports the server's internals. The child gets no ``SLS_*`` variable from our environment
but the ones set here, so a developer's ``SLS_REDIS_URL`` can never point it at (and let it wipe) their Redis.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sls_server.private_files import create_once
from sls_server.reach import WILDCARDS, local_url, public_url
from sls_server.stopping import end_child
from sls_server.store.embedded_process import die_with_parent, free_port


@functools.cache
def server_defaults() -> dict[str, str]:
    """Every setting's default, as ``sls config --json`` tells it in an environment without ``SLS_*``: what a
    server given by URL is taken to run with (a process, not an import: this package stays a client)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SLS_")}
    command = [sys.executable, "-P", "-m", "sls_server.cli.main", "config", "--json"]
    listed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    return {entry["name"]: str(entry["default"]) for entry in json.loads(listed.stdout or "[]")}


#: The file in a child's run folder holding its admin token while it runs: beside ``server.log``, not in
#: its data folder (``data/``), and named apart from the ``admin.token`` a data folder keeps, so a run
#: folder given as some server's data folder never has that server's token overwritten.
TOKEN_FILE = "server-admin.token"


class ServerFailed(RuntimeError):
    """The child was given a setting it does not know, exited or did not answer; the message says which
    (with its log)."""


class ChildServer:
    def __init__(
        self,
        *,
        settings: Mapping[str, Any] | None = None,
        data_dir: Path | None = None,
        workers: int = 1,
        trust_local_proxy: bool = False,
        port: int | None = None,
        port_named: str = "SLS_PORT",
        host: str = "127.0.0.1",
    ) -> None:
        self.folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="sls-emulator-"))
        #: A folder made here is this server's to remove when it stops; one it was given is the caller's.
        self._made_folder = data_dir is None
        self.settings = dict(settings or {})
        #: The server's and its clients': the one the settings give (``sls_emulator_env``), else its own.
        self.admin_token = str(self.settings.get("SLS_ADMIN_TOKEN") or "") or secrets.token_urlsafe(24)
        #: ``port`` (``sls scenario demo --port``: the URL a trainer gave the class), else ``SLS_PORT`` in the
        #: settings, for a firewall or a range the machine allows; else (or 0) a free one.
        self.port = port or int(self.settings.get("SLS_PORT") or 0) or free_port()
        #: Where the port was given, for the refusal of a taken one to name.
        self.port_named = port_named
        #: Where it listens (``sls scenario demo --host``): loopback unless a room's browsers must reach it.
        self.host = host
        #: Where this process (the runner, ``/healthz``) reaches it; ``public_url``: where other machines do.
        self.url = local_url(host, self.port)
        self.public_url = public_url(host, self.port)
        self.log_path = self.folder / "server.log"
        #: Where its admin token is, mode 0600, from its start to its stop: where ``sls scenario demo`` tells
        #: the trainer to read it when it is not printed (a server answering beyond loopback).
        self.token_file = self.folder / TOKEN_FILE
        self.workers = workers
        self.trust_local_proxy = trust_local_proxy
        self.process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("SLS_")}
        env.update(
            {
                key: str(value).lower() if isinstance(value, bool) else str(value)
                for key, value in self.settings.items()
            }
        )
        env.update(
            {
                "SLS_ADMIN_TOKEN": self.admin_token,
                "SLS_DATA_DIR": str(self.folder / "data"),
                "SLS_HASH_PROFILE": str(self.settings.get("SLS_HASH_PROFILE", "test")),
            }
        )
        if self.trust_local_proxy:  # actors' addresses arrive as X-Forwarded-For from this machine
            env["SLS_TRUSTED_PROXIES"] = ",".join(self._own_addresses())
        return env

    def _own_addresses(self) -> list[str]:
        """The addresses this process's requests come from: loopback, or the address it reaches the server at
        when it listens on one interface only (``--host 192.0.2.10``: a connection to a local address comes
        from that address). Only this machine sends from them: another's X-Forwarded-For is never believed."""
        import ipaddress
        import socket

        found = ["127.0.0.1/32"]
        reached = WILDCARDS.get(self.host, self.host)
        try:
            infos = socket.getaddrinfo(reached, self.port, type=socket.SOCK_STREAM)
        except socket.gaierror:
            return found  # it cannot listen there either: ``_refuse_taken_port`` says so
        for info in infos:
            network = str(ipaddress.ip_network(str(info[4][0]).split("%")[0]))
            if network not in found:
                found.append(network)
        return found

    def start(self, timeout_s: float = 60.0) -> ChildServer:
        """The child, answering ``/healthz``; else ``ServerFailed`` (with its log), nothing left running."""
        try:
            self._start(timeout_s)
        except BaseException:
            self.stop()  # the refusal carries the log already
            raise
        return self

    def _start(self, timeout_s: float) -> None:
        # -P: the caller's working folder is not put first on sys.path, so a devices.py or scenarios/ of the
        # project the tests run in cannot shadow this package's own (python -m would import them instead).
        command = [
            sys.executable, "-P", "-m", "sls_server.cli.main", "serve",
            "--host", self.host, "--port", str(self.port), "--workers", str(self.workers),
        ]  # fmt: skip
        self._refuse_unknown_settings()
        self._refuse_taken_port()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.token_file.unlink(missing_ok=True)  # a run's before, on a folder given again: made anew
        create_once(self.token_file, self.admin_token + "\n")
        with self.log_path.open("wb") as log:
            # dies with us: a pytest killed (CI's timeout, an xdist worker lost) left it serving, and its
            # Redis with it, holding the port, as the embedded Redis is kept from doing
            self.process = subprocess.Popen(
                command,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
        self._wait(timeout_s)

    def _refuse_unknown_settings(self) -> None:
        """``sls serve`` reads the ``SLS_*`` names it knows and ignores any other, so a misspelt setting
        (``SLS_LOCKOUT_TRESHOLD``) would leave a server on its defaults without a word: ask the server's own
        ``sls config`` which names it knows (a process, not an import: this package stays a client)."""
        if not self.settings:
            return
        command = [sys.executable, "-P", "-m", "sls_server.cli.main", "config", "--json"]
        listed = subprocess.run(
            command, env=self.environment(), capture_output=True, text=True, timeout=60, check=False
        )
        known = {entry["name"] for entry in json.loads(listed.stdout or "[]")}
        unknown = sorted(name for name in self.settings if known and name not in known)
        if unknown:
            named = ", ".join(
                name + "".join(f" (did you mean {m}?)" for m in difflib.get_close_matches(name, known, 1))
                for name in unknown
            )
            raise ServerFailed(f"not a setting of sls serve: {named}; `sls config` lists them all")

    def _refuse_taken_port(self) -> None:
        """A port something already listens on is refused now: ``sls serve`` would retry binding it for
        seconds while ``/healthz`` there answered for the other server, and this client would then use
        (and wipe) that one's world, or be refused its admin calls with a 401 that says nothing of why."""
        import errno
        import socket

        try:  # as ``sls serve`` binds it: the first address the host has
            family, kind, proto, _, address = socket.getaddrinfo(
                self.host or None, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )[0]
        except socket.gaierror as exc:
            raise ServerFailed(
                f"cannot listen on {self.host!r} ({exc.strerror}): give --host (or SLS_HOST) an address or "
                "name of this machine, 0.0.0.0 for every interface"
            ) from None
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds it
            try:
                probe.bind(address)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:  # an address of another machine's, say
                    raise ServerFailed(
                        f"cannot listen on {self.host} port {self.port} ({exc.strerror}): give --host (or "
                        "SLS_HOST) an address of this machine, 0.0.0.0 for every interface"
                    ) from None
                raise ServerFailed(
                    f"port {self.port} is taken ({exc.strerror}): another server listens there; give "
                    f"{self.port_named} a free port (0 picks one)"
                ) from None

    def _wait(self, timeout_s: float) -> None:
        """Poll /healthz until the child answers: waiting on a condition, not on the clock. Then make sure it
        is the child that answered: the port was free when :meth:`_refuse_taken_port` looked, but another
        process can take it before the child binds it, and its server would answer /healthz too."""
        import requests

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ServerFailed(f"sls serve exited early:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    self._own_answer()
                    return
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.05)  # not up yet: poll again
        raise ServerFailed(f"sls serve did not answer within {timeout_s:.0f}s:\n{self.log()}")

    def _own_answer(self) -> None:
        """The server answering here takes this child's admin token, or it is another's."""
        import requests

        mine = {"Authorization": f"Bearer {self.admin_token}"}
        if requests.get(f"{self.url}/admin/v1/clock", headers=mine, timeout=5).status_code == 401:
            raise ServerFailed(
                f"port {self.port} was taken by another server while this one started (it refuses this "
                f"server's admin token); give {self.port_named} a free port (0 picks one)"
            )

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after 15 s), and remove its token file. A folder it made
        itself goes with it (its data, the embedded Redis's AOF, the log): ``sls scenario demo`` left one in
        the temporary folder a run."""
        if self.process is not None:
            end_child(self.process, 15)
        self.token_file.unlink(missing_ok=True)  # a stopped server's token opens nothing: no secret left
        if self._made_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

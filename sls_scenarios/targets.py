"""Where scenarios run: an app in this process on an embedded Redis of its own, or a running server.

In-process (the default) there is one embedded redis-server and one app per run; a scenario whose
``setup.settings`` differ gets an app built with them, on the same Redis (apps are cached per settings).
The world is wiped between scenarios through the API (``POST /admin/v1/reset``), like any client would.

Against a server, settings cannot be applied over HTTP: a scenario that needs one the server does not run
with is skipped with the reason. What it runs with the server says itself (``GET /admin/v1/settings``, asked
once, when a scenario names a setting the runner does not know already); an older server without that route
is taken to run with its own (a server the runner started), a demo's raised limits, else the defaults.
Actor addresses travel as ``X-Forwarded-For``; ``probe_addresses`` proves the server believed them, because
a server that does not trust the runner would silently see every actor at the runner's own address.

Every scenario starts from a wiped world on a frozen clock (``setup.reset``). A server the runner did not
start itself is someone's: a trainer's prepared demo world, a tester's fixture. Its world is saved
(``GET /admin/v1/state/export``) before the first wipe and put back (``POST /admin/v1/state/import``,
``replace``) when the target is closed, and its clock as it was, running or frozen; a world that cannot be
saved is never wiped.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .settings_known import settings_lacking, variable
from .transport import Client, InProcessClient, RemoteClient, Response

__all__ = ["settings_lacking"]  # where ``sls scenario demo`` reads it (``cli.scenario_server``)


class TargetError(Exception):
    """The target cannot run this scenario as asked (settings it cannot take, addresses it ignores)."""


class SettingsUnavailable(TargetError):
    """A running server lacks settings the scenario needs: the scenario is skipped, not failed, since the
    server is not wrong, only set up for other things (``sls scenario run --all --server`` stays green)."""


@contextlib.contextmanager
def _without_sls_environment() -> Iterator[None]:
    """``create_app`` reads ``SLS_*`` variables; a scenario's world must be its settings and nothing else."""
    saved = {key: os.environ.pop(key) for key in list(os.environ) if key.startswith("SLS_")}
    try:
        yield
    finally:
        os.environ.update(saved)


class InProcessTarget:
    """An embedded Redis and Flask apps in this process; everything still goes through the HTTP API."""

    label = "in-process"
    remote = False

    def __init__(self) -> None:
        from sls_server.store.embedded import EmbeddedRedis

        self._folder = Path(tempfile.mkdtemp(prefix="sls-scenarios-"))
        self._redis = EmbeddedRedis(self._folder / "redis", appendonly=False).start()
        self.admin_token = secrets.token_urlsafe(24)
        self.sim_token: str | None = None
        self._apps: dict[frozenset[tuple[str, str]], Any] = {}
        self._app: Any = None
        # the app of the default settings, built now: building the first app imports the server (half a
        # second), which the first scenario's time in a JUnit file carried, topping CI's "slowest tests"
        try:
            self.prepare({})
        except BaseException:
            self.close()
            raise
        self._app = None

    def prepare(self, settings: Mapping[str, Any]) -> None:
        """Use (or build) the app for ``settings``; ``TargetError`` naming a setting the server refuses."""
        from sls_server import create_app
        from sls_server.errors import InvalidConfig

        key = frozenset((name, str(value)) for name, value in settings.items())
        if key not in self._apps:
            config: dict[str, Any] = {
                **{name: value for name, value in settings.items()},
                "SLS_REDIS_URL": self._redis.url,
                "SLS_DATA_DIR": str(self._folder / "data"),
                "SLS_ADMIN_TOKEN": self.admin_token,
            }
            config.setdefault("SLS_HASH_PROFILE", "test")
            try:
                with _without_sls_environment():
                    self._apps[key] = create_app(config)
            except InvalidConfig as exc:  # told, not raised; any other error is a bug and says so
                raise TargetError(f"the server refused setup.settings: {exc}") from exc
        self._app = self._apps[key]
        self.sim_token = str(settings["SLS_SIM_TOKEN"]) if "SLS_SIM_TOKEN" in settings else None

    def client(self, address: str | None) -> Client:
        if self._app is None:
            raise RuntimeError("prepare() the target before making clients")
        return InProcessClient(self._app, address)

    def close(self) -> None:
        self._apps.clear()
        self._app = None
        self._redis.stop()
        shutil.rmtree(self._folder, ignore_errors=True)


class RemoteTarget:
    """A running server at ``url``: the runner is one more HTTP client of it."""

    remote = True

    def __init__(
        self,
        url: str,
        admin_token: str | None,
        sim_token: str | None = None,
        *,
        applied: Mapping[str, Any] | None = None,
        own: bool = False,
    ) -> None:
        if not admin_token:
            raise TargetError(
                "a run against a server needs its admin token (--admin-token or SLS_ADMIN_TOKEN): "
                "the runner resets the world and moves the clock through /admin/v1"
            )
        self.url = url.rstrip("/")
        self.label = self.url
        self.admin_token = admin_token
        self.sim_token = sim_token
        #: Settings the server is known to run with (a server the runner started itself, from them).
        self.applied = {k: str(v) for k, v in (applied or {}).items()}
        #: The runner started this server (and stops it): nothing of it needs to be put back.
        self.own = own
        self._clock_before: dict[str, Any] | None = None
        #: What the server says it runs with (``GET /admin/v1/settings``), read once; {} when it cannot say.
        self._served: dict[str, str] | None = None
        #: The server's world before the first scenario wiped it, put back by :meth:`close`.
        self._world_before: dict[str, Any] | None = None

    def prepare(self, settings: Mapping[str, Any]) -> None:
        lacking = settings_lacking(settings, self.applied)
        if lacking:
            lacking = settings_lacking(settings, {**self.served(), **self.applied})
        if lacking:
            from .schema import secret_setting

            shown = {k: "(secret)" if secret_setting(k) else settings[k] for k in lacking}
            names = ", ".join(f"{k}={v}" for k, v in shown.items())
            known = ", ".join(
                f"{k}={v}" for k, v in lacking.items() if v is not None and not secret_setting(k)
            )
            raise SettingsUnavailable(
                f"needs server settings ({names}) that a running server cannot take over HTTP"
                + (f" (it runs with {known})" if known else "")
                + "; run it in-process (without --server)"
            )
        if not self.own and self._world_before is None:
            saved = self._admin("GET", "/admin/v1/state/export", None)
            if saved.status != 200 or not isinstance(saved.body, dict):
                raise TargetError(
                    f"cannot save {self.url}'s world before wiping it (GET /admin/v1/state/export answered "
                    f"{saved.brief()}: {saved.said()}): nothing was changed"
                )
            self._world_before = saved.body
        if not self.own and self._clock_before is None:
            found = self._clock("GET", None)
            if found.status == 200 and isinstance(found.body, dict):  # else the reset says what is wrong
                self._clock_before = found.body

    def client(self, address: str | None) -> Client:
        return RemoteClient(self.url, address)

    def served(self) -> dict[str, str]:
        """The settings the server says it runs with (``GET /admin/v1/settings``), each as its variable is
        written, read once: a scenario that counts on its lockout threshold or its timeouts no longer
        guesses them. Its secrets are never among them (the server names them only): a scenario needing
        one is known to the runner only for a server it started. {} from a server without the route (an
        older one), which leaves the runner to what it knows otherwise."""
        if self._served is None:
            read = self._admin("GET", "/admin/v1/settings", None)
            found = read.body.get("settings") if read.status == 200 and isinstance(read.body, dict) else None
            self._served = (
                {name: variable(value) for name, value in found.items() if value is not None}
                if isinstance(found, dict)
                else {}
            )
        return self._served

    def check(self) -> None:
        """One admin call before anything runs; ``TargetError`` when there is no server at the URL or it
        refuses the admin token: said once, where each scenario's reset would say it again."""
        try:
            found = self._clock("GET", None)
        except ConnectionError as exc:
            raise TargetError(
                f"{exc}; is the server running? Start one with `sls demo`, or "
                "`SLS_TRUSTED_PROXIES=127.0.0.1/32 sls serve` (so each actor keeps its address); check "
                "--sls-server, or leave it out to run in-process"
            ) from None
        if found.status in (401, 403):
            raise TargetError(
                f"{self.url} refused the admin token ({found.brief()}): give the one the server was started "
                "with (--sls-admin-token or SLS_ADMIN_TOKEN)"
            )
        if found.status != 200:
            raise TargetError(
                f"{self.url} is not an sls-emulator server? GET /admin/v1/clock: {found.brief()}"
            )

    def close(self) -> None:
        """Put the server's world back as it was before the first scenario, then its clock: running at its
        offset, or frozen at its instant. ``TargetError`` when the server did not take either back (a world
        it refused is kept in a file, with the command that loads it)."""
        world, self._world_before = self._world_before, None
        if world is not None:
            self._put_back(world)
        before, self._clock_before = self._clock_before, None
        if before is None:
            return
        thawed = self._clock("POST", {"freeze": False})
        if thawed.status == 200 and isinstance(thawed.body, dict):
            if before.get("frozen"):
                body: dict[str, Any] = {"set_at": before["now"], "freeze": True}
            else:  # the same offset from the server's system time (now minus its offset, just read)
                body = {"set_at": thawed.body["now"] - thawed.body["offset_s"] + before["offset_s"]}
            thawed = self._clock("POST", body)
        if thawed.status != 200:
            raise TargetError(
                f"could not put {self.url}'s clock back as it was ({before}): {thawed.brief()} {thawed.body}"
            )

    def _put_back(self, world: dict[str, Any]) -> None:
        """``POST /admin/v1/state/import?replace=true`` with the saved document: the scenarios' users go and
        the saved ones come back, with their passwords, devices and keys as they were."""
        try:
            loaded = self._admin("POST", "/admin/v1/state/import", world, query={"replace": "true"})
        except ConnectionError as exc:
            problem = str(exc)
        else:
            if loaded.status == 200:
                return
            problem = f"POST /admin/v1/state/import answered {loaded.brief()}: {loaded.said()}"
        descriptor, name = tempfile.mkstemp(prefix="sls-world-", suffix=".json")  # 0600: password hashes
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(world, file)
        raise TargetError(
            f"could not put {self.url}'s world back as it was ({problem}); it is saved in {name}: load it "
            f"with `sls state import {name} --replace --url {self.url}`"
        )

    def _clock(self, method: str, body: dict[str, Any] | None) -> Response:
        return self._admin(method, "/admin/v1/clock", body)

    def _admin(
        self, method: str, path: str, body: dict[str, Any] | None, query: dict[str, Any] | None = None
    ) -> Response:
        auth = {"Authorization": f"Bearer {self.admin_token}"}
        return self.client(None).request(method, path, json_body=body, headers=auth, query=query)


def probe_addresses(target: InProcessTarget | RemoteTarget, addresses: Mapping[str, str]) -> None:
    """Prove the server sees each actor at its address; ``TargetError`` naming what it saw instead.

    A throwaway user allows only the actor's address; a wrong password from that actor must be judged (401),
    not refused at the door (403 ``ip_restricted``). The caller wipes the world afterwards.
    """
    if not addresses:
        return
    admin = target.client(None)
    auth = {"Authorization": f"Bearer {target.admin_token}"}
    for actor, address in addresses.items():
        name = f"sls-probe-{secrets.token_hex(4)}"
        made = admin.request(
            "POST",
            "/admin/v1/users",
            json_body={"username": name, "password": secrets.token_urlsafe(18), "ip_allowlist": [address]},
            headers=auth,
        )
        if made.status != 201:
            raise TargetError(
                f"actor {actor!r}: cannot check its address {address!r}: {made.brief()} {made.body}"
            )
        tried = target.client(address).request(
            "POST", "/api/v1/auth/login", json_body={"username": name, "password": "not-the-password-0"}
        )
        if tried.status == 403 and tried.error == "ip_restricted":
            seen = admin.request(
                "GET", "/admin/v1/events", headers=auth, query={"type": "ip.rejected", "user": name}
            )
            events = seen.body.get("events", []) if isinstance(seen.body, dict) else []
            where = events[-1].get("ip", "another address") if events else "another address"
            raise TargetError(
                f"actor {actor!r} should reach the server from {address}, but it saw {where}: the "
                "server believes X-Forwarded-For only from SLS_TRUSTED_PROXIES; start it with "
                "SLS_TRUSTED_PROXIES naming the runner's address (e.g. 127.0.0.1/32)"
            )
        if tried.status != 401:
            raise TargetError(f"actor {actor!r}: checking its address got {tried.brief()} {tried.body}")

"""Which server ``sls scenario demo`` plays on, and what a server is known to run with: a running ``sls demo``
(its demo.json names its URL, admin token and the settings it runs with) is the server the trainer's class
is looking at, so a demo plays there rather than on a server of its own nobody has open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rich.text import Text

from ..config import env_name
from . import demofile, recorded_process
from .demo_print import token_lines
from .output import CliError

if TYPE_CHECKING:  # the type alone: ``sls --help`` imports no scenario code
    from sls_scenarios.server import ChildServer


def known_settings(server: str) -> dict[str, str]:
    """The settings ``server`` is known to run with beyond the defaults: those demo.json records
    (``SLS_GATEWAY=True``, the raised ``SLS_PUSH_LIMIT=20``...) when it is that demo's server; else none, and
    it is taken to run at its defaults, as every scenario naming no setting takes it. A demo.json written
    before it recorded ``settings`` still tells its raised limits."""
    demo = demofile.naming(server)
    if demo is None:
        return {}
    limits = demo.get("limits") or {}
    known = {
        name: str(entry["value"])
        for name, entry in limits.items()
        if isinstance(entry, dict) and "value" in entry
    }
    recorded = demo.get("settings")
    if isinstance(recorded, dict):
        known.update({str(name): str(value) for name, value in recorded.items()})
    return known


def running_demo() -> dict[str, Any] | None:
    """demo.json's ``url`` and ``admin_token`` when a server answers at that URL; ``None`` when there is no
    demo.json, or the demo it describes has stopped (its file stays behind): its process gone, though
    another server may answer on its port now (``recorded_process.gone``), or nothing answering at its URL."""
    import requests

    demo = demofile.read() or {}
    url = demo.get("url")
    if not isinstance(url, str) or not url or recorded_process.gone(demo):
        return None
    try:
        requests.get(f"{url.rstrip('/')}/healthz", timeout=3).raise_for_status()
    except requests.RequestException:
        return None
    refuse_while_seeding(url)
    return {"url": url, "admin_token": demo.get("admin_token")}


def room_url(server: str) -> str:
    """Where the room opens ``server``: the address other machines reach it at when it is the running
    demo's and that listens on every interface (demo.json's ``public_url``), else ``server`` as given. The
    demo's ``url`` is loopback, which on a trainee's laptop is the laptop."""
    demo = demofile.naming(server)
    public = demo.get("public_url") if demo else None
    return public if isinstance(public, str) and public else server


def runner_url(server: str) -> str:
    """Where this machine's runner reaches ``server``: the running demo's loopback ``url`` when ``server``
    is its network address (``public_url``, as the class was told it), else ``server``. The demo believes
    ``X-Forwarded-For`` from loopback alone: sent from the network address, every scenario with an actor at
    an address of its own stopped at its setup."""
    demo = demofile.naming(server)
    url = demo.get("url") if demo else None
    return url if isinstance(url, str) and url else server


def refuse_while_seeding(server: str) -> None:
    """``CliError`` when ``server`` is the ``sls demo`` still seeding its world (demo.json's ``seeding``): a
    scenario's first wipe would pull the world out from under the seeding, which then fails and stops the
    demo."""
    demo = demofile.naming(server)
    if demo is not None and demofile.still_seeding(demo):
        raise CliError(
            f"the sls demo at {server} is still seeding its world: run this again once it has printed it "
            "(`sls world` then shows it)"
        )


def demo_server(
    scenario: Any, server: str | None, admin_token: str | None, *, own: bool, say: Callable[..., Any]
) -> tuple[str | None, str | None, dict[str, str] | None]:
    """Where ``sls scenario demo`` plays ``scenario`` (a loaded ``Scenario``): the ``--server`` given; else
    the running demo, unless ``own`` or the scenario needs settings it lacks (``say`` tells the trainer
    which, and why); else ``None``: a server of its own. The URL, admin token and known settings."""
    from sls_scenarios.targets import settings_lacking  # here: ``sls --help`` imports no scenario code

    if server is not None:
        return server, admin_token, known_settings(server)
    if own:
        return None, admin_token, None
    demo = running_demo()
    if demo is None:
        return None, admin_token, None
    settings = (scenario.data.get("setup") or {}).get("settings") or {}
    known = known_settings(demo["url"])
    lacking = settings_lacking(settings, known)
    unrecorded = {env_name(name) for name in demofile.UNRECORDED}
    if lacking:
        needs = " ".join(f"{name}={settings[name]}" for name in lacking)
        has = ", ".join(f"{name}={value}" for name, value in lacking.items() if value is not None)
        # demo.json records every setting the demo runs with but the secrets and where its state is: a demo
        # started with those would still be taken to lack them, so no advice that loops
        advice = (
            f" To play it on the class's server, start the demo with `{needs} sls demo`."
            if not any(name in unrecorded for name in lacking)
            else ""
        )
        say(
            f"{scenario.name} needs {needs}, which the running demo at {demo['url']} lacks"
            + (f" (it runs with {has})" if has else "")
            + f": it plays on a server of its own.{advice}",
            style="dim", soft_wrap=True, markup=False,
        )  # fmt: skip
        return None, admin_token, None
    say(
        f"on the running demo at {demo['url']} (demo.json): its world is put back after the scenario "
        "(--own-server: a server of its own instead)",
        style="dim", soft_wrap=True, markup=False,
    )  # fmt: skip
    return demo["url"], admin_token or demo["admin_token"], known


def own_port(port: int | None, *, say: Callable[..., Any]) -> int | None:
    """The port for a server of its own, from ``SLS_PORT`` (never ``--port``, taken at its word): a trainer
    who exported it to start ``sls demo`` named the demo's own port, which the demo holds, so the server of
    its own takes a free one instead of refusing a taken port."""
    demo = running_demo() if port else None
    if demo is None or urlsplit(demo["url"]).port != port:
        return port
    say(
        f"SLS_PORT={port} is the running demo's port: the server of its own takes a free one "
        "(--port names one)",
        style="dim", soft_wrap=True, markup=False,
    )  # fmt: skip
    return None


def own_token_lines(child: ChildServer, show: bool) -> Text:
    """The admin token of the server ``sls scenario demo`` started of its own, as ``sls demo`` tells its own
    (the same rule, words and ``--show-token``): printed on loopback; beyond it, where the trainer reads it
    on their own screen instead, its run folder's 0600 file, there while the demo runs."""
    return token_lines(
        child.admin_token,
        child.host,
        show,
        read=f"`cat {child.token_file}` (mode 0600, while the demo runs)",
        command="sls scenario demo",
        hint="the trainer console above asks for it (and /admin/v1 takes it as 'Authorization: Bearer')",
    )

"""The start-up facts of ``sls serve``, ``sls demo`` and ``sls gateway`` (``describe``) and the banner that
shows them (``banner``); ``--json`` prints the same facts.

Apart from ``serve`` because what is shown to the person starting the server (never a secret: the admin
token is named by where it is, the Redis URL masked) changes for other reasons than how it starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from . import version
from .output import mask_url

if TYPE_CHECKING:  # serve imports this module for its banner: the type only, not a cycle at run time
    from .serve_startup import Startup


def describe(startup: Startup, workers: int, threads: int) -> dict[str, Any]:
    """The start-up facts, for the banner and for ``--json``. Never a secret.

    ``url`` is where this machine's clients reach the server (demo.json's, for the ``sls`` commands);
    the pages and APIs are named at ``public_url``, where the other machines do: on every interface
    (``--host 0.0.0.0``, a class on the LAN) this machine's network address, which ``127.0.0.1`` on a
    trainee's laptop is not."""
    settings = startup.settings
    url = startup.listener.public_url
    return {
        "url": startup.listener.url,
        "public_url": url,
        "login_page": f"{url}/",
        "trainer": f"{url}/trainer",
        "simulators": f"{url}/sim" if settings.sim_enabled else None,  # off: SLS_SIM_ENABLED=false
        "docs": f"{url}/docs",
        "login_api": f"{url}/api/v1/auth/login",
        "admin_api": f"{url}/admin/v1",
        "openapi": f"{url}/openapi.json",
        "readyz": f"{url}/readyz",
        "redis": "embedded" if startup.embedded else "external",
        # another sls server on this data folder started it (sls gateway beside sls demo): one world
        "redis_shared": bool(startup.embedded and startup.embedded.shared),
        "redis_url": mask_url(settings.redis_url),
        "data_dir": str(settings.data_dir),
        "admin_token_from": startup.token_source,
        "workers": workers,
        "threads": threads,
        "hash_profile": settings.hash_profile,
        "version": version(),
    }


#: The label of the loopback URL, beside the pages named at this machine's network address.
THIS_MACHINE = "This machine"


def loopback_url(facts: dict[str, Any]) -> str | None:
    """The URL this machine reaches the server at, when the pages are named at another (every interface): a
    browser here may open either, the class's only the others. ``None`` when they are the same, or for an
    older demo.json (no ``public_url``: its pages are at ``url``)."""
    public = facts.get("public_url")
    return None if not public or public == facts["url"] else str(facts["url"])


def banner(facts: dict[str, Any], title: str = "sls serve") -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # a long path folds onto the next line; it is never cut short
    redis = facts["redis_url"] + (" (embedded, data in the data dir)" if facts["redis"] == "embedded" else "")
    if facts.get("redis_shared"):
        redis = (
            facts["redis_url"] + " (embedded, shared with the sls server already running on this data dir)"
        )
    source = facts["admin_token_from"]
    devices = facts["simulators"]
    here = loopback_url(facts)
    rows = {
        **({THIS_MACHINE: f"{here}  (for a browser here; other machines open those below)"} if here else {}),
        "Login page": facts["login_page"],
        "Trainer": f"{facts['trainer']}  (the console: users, clock, attacks, audit trail)",
        **({"Devices": f"{devices}  (the simulated phones and cards)"} if devices else {}),
        "API docs": facts["docs"],
        # APIs, not pages: opened in a browser they answer 405 and 404, so each says how it is called
        "Login API": f"POST {facts['login_api']}  (what your client calls)",
        "Admin API": f"{facts['admin_api']}/...  (set-up and control, with the admin token)",
        "OpenAPI": facts["openapi"],
        "Ready": facts["readyz"],
        "Redis": redis,
        "Data dir": facts["data_dir"],
        "Admin token": "from $SLS_ADMIN_TOKEN" if source == "SLS_ADMIN_TOKEN" else f"in {source}",
        "Workers": f"{facts['workers']} x {facts['threads']} threads",
        "Passwords": f"Argon2id profile '{facts['hash_profile']}'",
    }
    for label, value in rows.items():
        grid.add_row(label, Text(value))  # Text: a path or URL is never read as rich markup
    heading = Text.assemble((title, "bold"), f" {facts['version']}  {facts.get('public_url', facts['url'])}")
    return Panel(
        grid,
        expand=False,  # as wide as its lines: on a console with no terminal width, never 4096 columns
        title=heading,
        title_align="left",
        subtitle="Ctrl-C to stop",
        subtitle_align="right",
        border_style="green",
    )

"""What a server a scenario command is given is known to run with: a running ``sls demo`` raises limits
(its demo.json lists them), which a scenario counting on a limit's default must not be run against.
"""

from __future__ import annotations

from . import demofile


def known_settings(server: str) -> dict[str, str]:
    """The settings ``server`` is known to run with beyond the defaults: the raised limits demo.json lists
    (``SLS_PUSH_LIMIT=20``...) when it is that demo's server; else none, and it is taken to run at its
    defaults, as every scenario naming no setting takes it."""
    demo = demofile.read() or {}
    if str(demo.get("url") or "").rstrip("/") != server.rstrip("/"):
        return {}
    limits = demo.get("limits") or {}
    return {
        name: str(entry["value"])
        for name, entry in limits.items()
        if isinstance(entry, dict) and "value" in entry
    }

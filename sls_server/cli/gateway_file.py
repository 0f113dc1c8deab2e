"""``<data dir>/gateway.json``: where a running ``sls gateway`` listens, for ``sls gateway-state`` (and the
admin commands without a demo) to find it beside a demo; the gateways still running on the folder listed
too, so the one started before takes over the file when the newest stops. Written as demo.json is (mode 0600,
atomically: ``demofile.write_private_json``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from . import demofile

#: Where a running ``sls gateway`` says it listens, for ``sls gateway-state`` to find it beside a demo.
GATEWAY_FILE = "gateway.json"


def write_gateway(data_dir: Path, url: str) -> None:
    """``sls gateway`` says where it listens (kept until it stops, :func:`forget_gateway`). The gateways
    still running on the folder stay listed under ``before`` (oldest first): when the newest stops, the
    file names the one started before it, instead of going and leaving `sls gateway-state` to say that
    none runs while one does."""
    before = [g for g in _gateways(data_dir) if g["pid"] != os.getpid()]
    demofile.write_private_json(data_dir / GATEWAY_FILE, {"url": url, "pid": os.getpid(), "before": before})


def forget_gateway(data_dir: Path) -> None:
    """The gateway stopped: it leaves the file, which names the newest gateway still running, if any."""
    target = data_dir / GATEWAY_FILE
    try:
        said = json.loads(target.read_text())
        if not isinstance(said, dict) or os.getpid() not in {g["pid"] for g in _listed(said)}:
            return  # not ours to change
        left = [g for g in _listed(said) if g["pid"] != os.getpid() and demofile.still_running(g["pid"])]
        if left:
            *before, newest = left
            demofile.write_private_json(target, {**newest, "before": before})
        else:
            target.unlink()
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass


def _listed(said: dict[str, Any]) -> list[dict[str, Any]]:
    """The gateways a gateway.json names, oldest first: ``before``, then its own ``url`` and ``pid``."""
    entries = [*(said.get("before") or []), {"url": said.get("url"), "pid": said.get("pid")}]
    return [
        {"url": e["url"], "pid": e["pid"]}
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("url"), str) and isinstance(e.get("pid"), int)
    ]


def _gateways(data_dir: Path | None = None) -> list[dict[str, Any]]:
    """The gateways the folder's gateway.json names whose process still runs, oldest first."""
    try:
        said = json.loads(((data_dir or demofile.data_dir_from_env()) / GATEWAY_FILE).read_text())
    except (OSError, ValueError):
        return []
    if not isinstance(said, dict):
        return []
    return [g for g in _listed(said) if demofile.still_running(g["pid"])]


def gateway_url(data_dir: Path | None = None) -> str | None:
    """Where the newest gateway still running on the data folder listens, if one said so. With several, a
    note on stderr says which one a command talks to and names the others: picked silently, a drop staged
    on one while a tester watched another seemed to do nothing."""
    running = _gateways(data_dir)
    if len(running) > 1:
        *others, newest = running
        listed = ", ".join(f"{g['url']} (pid {g['pid']})" for g in reversed(others))
        folder = data_dir or demofile.data_dir_from_env()
        demofile.warn_once(
            f"{len(running)} gateways run on the data folder {folder}: this talks "
            f"to the newest, {newest['url']} (pid {newest['pid']}); "
            f"{'the others' if len(others) > 1 else 'the other'}: {listed}: pass --url to talk to another"
        )
    return running[-1]["url"] if running else None

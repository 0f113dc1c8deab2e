"""``<data dir>/gateway.json`` and ``<data dir>/serve.json``: where a running ``sls gateway`` or ``sls serve``
listens, for the other commands to find it without --url (``admin_commands.found_server``), as demo.json
names the demo. The servers still running on the folder are listed too, so the one started before takes over
the file when the newest stops. Each entry names its process: a record whose process is gone (a server
killed by SIGKILL, which could not remove it) is not trusted; demo.json names its process the same way
(``recorded_process``: its pid, pid namespace and start). Written as demo.json is (mode 0600, atomically:
``demofile.write_private_json``)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from . import demofile, recorded_process

#: Where a running ``sls serve`` says it listens.
SERVE_FILE = "serve.json"


def record(data_dir: Path, filename: str, url: str, instance_id: str) -> None:
    """This process says where it listens (kept until it stops, :func:`forget`), which run of the server it
    is (``instance_id``, what its workers answer on /healthz), and since when (to weigh it against
    demo.json's ``created_at``). The servers still running on the folder stay listed under ``before``
    (oldest first): when the newest stops, the file names the one started before it, instead of going and
    leaving the commands to say that none runs while one does. An entry at this server's own URL is not one:
    this process holds that port (and its URL, asked, would not answer yet)."""
    before = [entry for entry in running(data_dir, filename, besides=url) if entry["pid"] != os.getpid()]
    mine = {
        "url": url,
        **recorded_process.this_process(),
        "instance_id": instance_id,
        "started_at": int(time.time()),
    }
    demofile.write_private_json(data_dir / filename, {**mine, "before": before})


def forget(data_dir: Path, filename: str) -> None:
    """This process stopped: it leaves the file, which names the newest server still running, if any. A
    process the file does not name (a gunicorn worker unwinding through its master's code) changes nothing."""
    target = data_dir / filename
    try:
        said = json.loads(target.read_text())
        if not isinstance(said, dict) or os.getpid() not in {entry["pid"] for entry in _listed(said)}:
            return  # not ours to change
        left = [e for e in _listed(said) if e["pid"] != os.getpid() and not recorded_process.gone(e)]
        if left:
            *before, newest = left
            demofile.write_private_json(target, {**newest, "before": before})
        else:
            target.unlink()
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass


def _listed(said: dict[str, Any]) -> list[dict[str, Any]]:
    """The servers a file names, oldest first: ``before``, then its own ``url``, ``pid``, ``started_at`` (0
    when a file written before entries had one does not say) and what else names its process
    (``recorded_process``), when the entry says it."""
    entries = [*(said.get("before") or []), said]
    return [
        {
            "url": e["url"],
            "pid": e["pid"],
            "started_at": e.get("started_at", 0),
            **{key: e[key] for key in PROCESS_KEYS if key in e},
        }
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("url"), str) and isinstance(e.get("pid"), int)
    ]


#: What an entry records of its process beyond its pid (``recorded_process.this_process``), and of its run
#: of the server (``instance_id``).
PROCESS_KEYS = ("pid_namespace", "pid_started", "instance_id")


def running(data_dir: Path | None, filename: str, *, besides: str | None = None) -> list[dict[str, Any]]:
    """The servers the folder's file names whose process still runs, oldest first; none at ``besides``'s
    address, if given."""
    try:
        said = json.loads(((data_dir or demofile.data_dir_from_env()) / filename).read_text())
    except (OSError, ValueError):
        return []
    if not isinstance(said, dict):
        return []
    return [
        entry
        for entry in _listed(said)
        if not (besides and demofile.same_server(entry["url"], besides)) and not recorded_process.gone(entry)
    ]


def naming(data_dir: Path | None, filename: str, server: str) -> bool:
    """Whether a server the folder's file names, still running, is the one at ``server``: by its URL,
    however spelled (``demofile.same_server``). The folder's admin token goes only to such a server
    (``admin_commands.connect``); never by the run answering at another address, whose ``instance_id`` is
    public (``/healthz``): any server repeating it would be sent the token."""
    return any(demofile.same_server(entry["url"], server) for entry in running(data_dir, filename))


def newest(data_dir: Path | None, filename: str, plural: str) -> dict[str, Any] | None:
    """The newest server (``plural`` names them: "gateways", "`sls serve` servers") still running on the
    data folder, if one said so. With several, a note on stderr says which one a command talks to and
    names the others: picked silently, a drop staged on one while a tester watched another seemed to do
    nothing."""
    alive = running(data_dir, filename)
    if len(alive) > 1:
        *others, last = alive
        listed = ", ".join(f"{e['url']} (pid {e['pid']})" for e in reversed(others))
        folder = data_dir or demofile.data_dir_from_env()
        demofile.warn_once(
            f"{len(alive)} {plural} run on the data folder {folder}: this talks "
            f"to the newest, {last['url']} (pid {last['pid']}); "
            f"{'the others' if len(others) > 1 else 'the other'}: {listed}: pass --url to talk to another"
        )
    return alive[-1] if alive else None

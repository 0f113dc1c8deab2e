"""Which process a data folder's file names, and whether it still runs: demo.json names ``sls demo``'s
supervisor, serve.json and gateway.json (``listen_file``) their servers. A file outlives its process when that
is killed (SIGKILL, a power cut), and demo.json stays when its demo stops (it holds the world ``sls world``
prints): a file whose process is gone must not name the server that answers at its URL now.

A record names its process by ``pid``, and by two more fields where /proc says them (Linux):
``pid_namespace``, the pid namespace it was written in (this boot's id and the namespace's inode, as a
gateway's lease names its master), since only there does the pid mean that process; and ``pid_started``, when
that process started (clock ticks after boot, from ``/proc/<pid>/stat``), since the system gives a stopped
process's pid to another one later. Read from another namespace (an ``sls`` outside the container the record
was written in) or after a restart of the machine, the pid says nothing of the process. A record naming no
pid (written by an older ``sls``) is taken at its word; one naming a pid alone is judged by the pid.

A record names its server's run too, ``instance_id`` (``/healthz`` says it: ``runtime.new_instance_id``).
Where the pid cannot settle it (another namespace; /proc unreadable here, or where it was written; the
process's start unreadable), the record's URL is asked which run answers there (:func:`instance_at`, no
credentials, a short timeout): the record's, it is used (a containerised demo read through its mounted data
folder); another, or an answer naming none, it is gone; nothing answering, the pid decides as it did
(another namespace: gone, the safe mistake; the commands are given --url instead). Where the pid, its
namespace and its start say the process runs, nothing is asked: it bound its port before it wrote the record
and holds it until it ends, so no other server can answer there, and asking would cost each command a round
trip (a hung server, the timeout). A record naming no run (an older ``sls``) is judged by the pid alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: This boot's id (Linux): pid namespaces' inodes, and process start times, only mean something within one.
BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
#: This process's pid namespace (Linux).
PID_NAMESPACE = Path("/proc/self/ns/pid")


def namespace() -> str:
    """``<boot id>:<device>:<inode>`` of this process's pid namespace; '' where /proc does not say (not
    Linux, /proc hidden): then no record is judged by it."""
    try:
        boot = BOOT_ID.read_text(encoding="ascii").strip()
        found = os.stat(PID_NAMESPACE)
    except OSError:
        return ""
    return f"{boot}:{found.st_dev}:{found.st_ino}" if boot else ""


def started(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks after boot (``/proc/<pid>/stat``'s 22nd field, counted
    after the name in parentheses, which may hold spaces); None where /proc does not say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # from the 3rd field (the state) on
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def this_process() -> dict[str, Any]:
    """What a file records of the process writing it (``pid``, and ``pid_namespace``/``pid_started`` where
    /proc says them)."""
    record: dict[str, Any] = {"pid": os.getpid()}
    here, began = namespace(), started(os.getpid())
    if here:
        record["pid_namespace"] = here
        if began is not None:
            record["pid_started"] = began
    return record


def still_running(pid: int) -> bool:
    """Whether a process has that pid here (anyone's)."""
    try:
        os.kill(pid, 0)  # no signal: is it still there?
    except ProcessLookupError:
        return False
    except PermissionError:  # there, another user's
        return True
    return True


def why_gone(record: dict[str, Any]) -> str | None:
    """Why the process ``record`` names is not known to run here, in a few words (after "the process that
    wrote it"); None when it runs, or when the record cannot say (no pid). Where the pid cannot settle it,
    the run answering at the record's URL does, if the record names one (the module's docstring)."""
    why, settled = _by_pid(record)
    run, url = record.get("instance_id"), record.get("url")
    if settled or not (isinstance(run, str) and run and isinstance(url, str) and url):
        return why
    answering = instance_at(url)
    if answering is None:  # nothing answers: as before there was a run to ask about
        return why
    if answering == run:  # not a secret (it opens nothing): a plain comparison
        return None
    named = f"(pid {record['pid']}) " if isinstance(record.get("pid"), int) else ""
    return f"{named}no longer serves at {url}: another server answers there now"


def _by_pid(record: dict[str, Any]) -> tuple[str | None, bool]:
    """:func:`why_gone` by the pid alone, and whether that settles it: only the same pid namespace on both
    sides, and the process's start read and compared, tell that process from another."""
    pid = record.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool):
        return None, False
    if pid <= 0:  # 0 and below name process groups, not a process
        return f"(pid {pid}) names no process", True
    here, theirs = namespace(), record.get("pid_namespace")
    if isinstance(theirs, str) and theirs and here and theirs != here:
        return (
            f"(pid {pid}) ran in another container or before this machine restarted, where this sls cannot "
            "see whether it still runs"
        ), False
    same = bool(here) and theirs == here
    if not still_running(pid):
        return f"(pid {pid}) has stopped", same
    began = record.get("pid_started")
    if not (same and isinstance(began, int)):
        return None, False
    now = started(pid)
    if now is None:  # /proc/<pid> hidden (another user's, hidepid): the pid alone says it runs
        return None, False
    if now != began:
        return f"(pid {pid}) has stopped (another process has its pid now)", True
    return None, True


#: How long a command waits for the run at a record's URL (:func:`instance_at`): a local or published port
#: answers in milliseconds; a busy server that answers later is taken for none, as before runs were asked.
ASK_TIMEOUT_S = 1.0


def instance_at(url: str) -> str | None:
    """The run answering at ``url`` (its ``/healthz``'s ``instance_id``), asked without credentials; '' when
    something answers that names none (an older server, another program, an error); None when nothing
    answers, or no request can be sent to ``url`` (a hand-edited record's)."""
    from http.client import InvalidURL

    from .admin_client import AdminClient, ApiError, NoServer  # urllib's: only when a record is in doubt
    from .output import CliError

    try:
        said = AdminClient(url, None, timeout_s=ASK_TIMEOUT_S).request("GET", "/healthz")
    except (NoServer, ValueError, InvalidURL):  # the last two: urllib's for an address it cannot ask
        return None
    except (ApiError, CliError):  # an answer, not the emulator's probe (or not JSON)
        return ""
    run = said.get("instance_id") if isinstance(said, dict) else None
    return run if isinstance(run, str) else ""


def gone(record: dict[str, Any]) -> bool:
    """Whether the process ``record`` names (demo.json, or an entry of serve.json or gateway.json) is not
    known to run here (:func:`why_gone`): stopped, its pid another process's now, another run answering at
    its URL, or out of this process's sight with nothing answering there."""
    return why_gone(record) is not None

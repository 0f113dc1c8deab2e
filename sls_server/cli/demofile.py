"""``<data dir>/demo.json``: what ``sls demo`` set up (URL, admin token, users), for the other commands
(``gateway_file`` writes its neighbour, gateway.json, with :func:`write_private_json`).

Written atomically with mode 0600: demo.json holds the admin token, the demo users' passwords and their cards'
keys.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..config import PARSERS, SECRETS, Settings, env_name
from ..private_files import NotPrivate, private_folder, read_private
from . import recorded_process
from .output import EXIT_USAGE, CliError
from .private_files import write_private

FILENAME = "demo.json"
#: Settings demo.json never records: the secrets, and where the state is (its ``data_dir`` and ``redis_url``
#: entries say so, the URL with any password masked).
UNRECORDED = SECRETS | {"data_dir", "redis_url"}


def data_dir_from_env() -> Path:
    """The data folder as the server would pick it, without validating any other setting."""
    raw = os.environ.get(env_name("data_dir"))
    return PARSERS["data_dir"](raw) if raw else Settings.data_dir


def path(data_dir: Path | None = None) -> Path:
    return (data_dir or data_dir_from_env()) / FILENAME


_WARNED: set[str] = set()


def warn_once(message: str) -> None:
    """Said on stderr once a command, however often the file is looked at."""
    if message not in _WARNED:
        _WARNED.add(message)
        from .output import note  # the output module pulls rich in: only when there is something to say

        note(message)


def read(data_dir: Path | None = None) -> dict[str, Any] | None:
    """The last demo's information, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads(read_private(path(data_dir)))
    except NotPrivate as exc:  # another user's, or one others may write: its url could be anyone's server
        warn_once(f"demo.json not used: {exc}")
        return None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def settings_beyond_defaults(settings: Settings) -> dict[str, str]:
    """The settings ``settings`` gives other values than the defaults, by variable, as text (a list joined
    with commas), never one of :data:`UNRECORDED`. demo.json's ``settings``: ``sls scenario`` reads them to
    know what the demo runs with (``SLS_GATEWAY=True``...), since no setting can be asked of a server."""
    recorded: dict[str, str] = {}
    for field in dataclasses.fields(Settings):
        value = getattr(settings, field.name)
        if field.name in UNRECORDED or value == field.default:
            continue
        recorded[env_name(field.name)] = ",".join(value) if isinstance(value, tuple) else str(value)
    return recorded


def naming(server: str, data_dir: Path | None = None) -> dict[str, Any] | None:
    """The last demo's information when it is the demo at ``server``, however the address is spelled
    (``localhost`` or ``127.0.0.1``, a trailing slash, capitals), or by the address other machines reach it
    at (``public_url``: a demo on every interface, given as the class was told it); else None. None too,
    said once on stderr, when the demo has stopped (``recorded_process``: the process demo.json names is
    gone): the URL alone took a server started later on its port for it, which then got its settings, and
    ``world_sync`` settled demo.json's world against that server."""
    demo = read(data_dir) or {}
    return demo if names(demo, server) else None


def sim_token(server: str) -> str | None:
    """demo.json's ``sim_token`` when ``server`` is its demo (:func:`naming`; an ``sls demo`` started with
    ``SLS_SIM_TOKEN``), for the simulator commands and the scenario runner; never another server's: read
    whatever a command pointed at, a stopped demo's went to the server on its port now, and any --url's."""
    demo = naming(server)
    token = demo.get("sim_token") if demo else None
    return token if isinstance(token, str) and token else None


def names(demo: dict[str, Any], server: str) -> bool:
    """Whether ``demo`` (demo.json's information) is the demo at ``server``: :func:`naming`, for a world
    already read (``demo_world.World``)."""
    urls = [demo.get("url"), demo.get("public_url")]
    if not any(isinstance(url, str) and same_server(url, server) for url in urls):
        # Not by the run answering at another address: its id is public (/healthz), so any server repeating
        # it would be sent the demo's tokens and its users' passwords (:func:`naming`).
        return False
    why = recorded_process.why_gone(demo)
    if why is not None:  # its file stays: whatever answers at its URL now is another server
        warn_once(
            f"demo.json not used for {server}: the sls demo that wrote it {why}, so the server there now is "
            "not that demo, and nothing of demo.json (its settings, tokens, world) is applied to it; `sls "
            "world` still prints the world it left, and `sls demo --keep` starts it again"
        )
        return False
    return True


def same_server(one: str, other: str) -> bool:
    """Whether two URLs reach the same server, however spelled: ``localhost`` is ``127.0.0.1``, a default
    port the same as none, a trailing slash or capitals no difference."""
    return _address(one) == _address(other)


def _address(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url.strip().lower())
    except ValueError:  # no URL at all (``http://[::1``, written by hand): the same only as itself
        return "", url, None
    host = parts.hostname or ""
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:  # a port that is none: no server's
        port = None
    return parts.scheme, "127.0.0.1" if host == "localhost" else host, port


def still_seeding(demo: dict[str, Any]) -> bool:
    """Whether the demo that marked demo.json ``seeding`` is still at it: a demo killed mid-seed (SIGKILL)
    leaves the mark behind, and the process it names is gone. A mark naming no process (a demo.json written
    before marks named one) is taken at its word."""
    if not demo.get("seeding"):
        return False
    pid = demo.get("seeding_pid")
    return not isinstance(pid, int) or recorded_process.still_running(pid)


def remember_password(
    server: str, username: str, password: str, data_dir: Path | None = None, *, mark: str | None = None
) -> bool:
    """A demo user's new password, written into the demo.json of the demo at ``server`` (its ``users`` entry,
    and the commands of ``try`` that spelled the old one), so ``--auto`` logs in with it from now on, with
    ``mark``, the server's version of it (``world_marks``); False when ``username`` is no demo user there."""
    return _remember(server, username, "password", password, shlex.quote(password), data_dir, mark)


def remember_phone(server: str, username: str, number: str, data_dir: Path | None = None) -> bool:
    """A demo user's new phone number (``sls user phone``, ``sls change-phone``), written into demo.json as
    :func:`remember_password` writes a password: ``sls world`` shows it, and the commands of ``try`` and
    ``--auto`` without an admin token read the codes off the phone they now go to. False when ``username``
    is no demo user there."""
    return _remember(server, username, "phone", number, number, data_dir)


def _remember(
    server: str,
    username: str,
    field: str,
    value: str,
    spelled: str,
    data_dir: Path | None,
    mark: str | None = None,
) -> bool:
    """``field`` of a demo user's entry set to ``value``; ``try``'s commands that spelled the old value now
    spell ``spelled`` (shell-quoted where it needs to be). A password's ``mark`` becomes the held one
    (:data:`MARKS`), and the one it replaced the kept one's, when it replaces the kept password."""
    demo = naming(server, data_dir)
    user = demo.get("users", {}).get(username) if demo else None
    if demo is None or not isinstance(user, dict) or not isinstance(user.get(field), str):
        return False
    if field == "password":
        marks = demo.setdefault(MARKS, {}).setdefault(username, {})
        held = marks.pop("held", None)
        if field not in (demo.get(SEEDED) or {}).get(username, {}) and user[field] != value:
            marks.pop("kept", None)  # the kept password is replaced now: its mark is the one held till now
            if held is not None:
                marks["kept"] = held
        if mark is not None:
            marks["held"] = mark
    old, user[field] = user[field], value
    if old:
        demo["try"] = respelled(demo.get("try"), old, spelled)  # shell commands, to copy
        if old != value:  # the demo world kept on the server still has the first: restore-demo puts it back
            demo.setdefault(SEEDED, {}).setdefault(username, {}).setdefault(field, old)
    if field in (demo.get(SEEDED) or {}).get(username, {}):  # from now on, a restore brings the kept one back
        demo.setdefault(SEEDED_SINCE, {}).setdefault(username, {})[field] = f"{time.time_ns() // 1_000_000}-0"
    write(data_dir or data_dir_from_env(), demo)
    return True


#: demo.json's record of the demo world's passwords and numbers a CLI command replaced since the world was
#: kept on the server (``{username: {field: value}}``): ``sls state restore-demo`` brings that world back,
#: and with it these, else ``sls world`` and ``--auto`` would go on with the replaced ones.
SEEDED = "seeded"
#: When each of :data:`SEEDED`'s values was last replaced (``{username: {field: cursor}}``), as a cursor of
#: the audit trail (its ids are the server's wall clock in ms): a restore of the demo world the trail holds
#: after it, by the console or any client, brought that value back (``world_sync``).
SEEDED_SINCE = "seeded_since"
#: The server's version of each demo password demo.json holds (``{username: {"held": v, "kept": v}}``:
#: ``users``'s, and ``seeded``'s), so ``world_sync`` asks the server which one it holds (``world_marks``);
#: ``seeded_since`` is read only for a value an older ``sls`` recorded without one.
MARKS = "password_versions"


def respelled(value: Any, old: str, new: str) -> Any:
    """``value`` (``try``'s commands: text, lists, mappings) with ``old`` spelled ``new`` wherever it is."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [respelled(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: respelled(item, old, new) for key, item in value.items()}
    return value


def write(data_dir: Path, info: dict[str, Any]) -> Path:
    return write_private_json(path(data_dir), info)


def write_private_json(target: Path, info: dict[str, Any]) -> Path:
    """``info`` as JSON at ``target``, mode 0600 from the first byte, replaced atomically, in a folder only
    its owner may write."""
    private_folder(target.parent)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write_private(temporary, (json.dumps(info, indent=2) + "\n").encode())
        os.replace(temporary, target)  # in the ``try``: a folder in the file's place left the copy behind
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def writable(target: Path) -> None:
    """Refuse, before a server starts, a file it will write (demo.json, gateway.json) that cannot be: a folder
    (or anything but a file) in its place. It was a traceback once the server was up (the gateway's banner
    printed, the demo's server forked), exit code 1."""
    if target.exists() and not target.is_file():
        raise CliError(
            f"SLS_DATA_DIR: {target} is not a file, and this server writes it: remove what is there",
            EXIT_USAGE,
        )

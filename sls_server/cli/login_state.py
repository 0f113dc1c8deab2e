"""What ``sls login`` keeps between commands: the login in progress (its ``txn_id`` and the ``login_token``
that binds it to this client) and the session it ended in, per server and user, in
``<data dir>/cli-logins.json`` (mode 0600: it holds live tokens).

So ``sls switch``, ``sls answer``, ``sls stepup``, ``sls whoami`` and ``sls logout`` need no ids pasted
around; ``--user`` picks among several users, else the last one that logged in is meant.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from ..private_files import read_private
from . import demofile
from .output import EXIT_USAGE, CliError, warn

FILENAME = "cli-logins.json"
#: The command's context knows it has warned that the login could not be kept.
UNKEPT = "sls.login_state.unkept"


def path() -> Path:
    return demofile.data_dir_from_env() / FILENAME


def _read() -> dict[str, Any]:
    try:
        data = json.loads(read_private(path()))
    except (OSError, ValueError):  # none, unreadable, or not this user's own (NotPrivate): nothing kept
        return {}
    return data if isinstance(data, dict) else {}


def _server(data: dict[str, Any], url: str) -> dict[str, Any]:
    server: dict[str, Any] = data.setdefault(url.rstrip("/"), {})
    server.setdefault("users", {})
    return server


def remember(url: str, username: str, **fields: Any) -> None:
    """Merge ``fields`` into what is kept for ``username`` (None deletes a field); they become the last.

    A data folder that cannot be written (SLS_DATA_DIR a file, read-only) loses only the keeping: the login
    on the server stands and is printed (--json: with its token), so it is said once, never a traceback."""
    data = _read()
    server = _server(data, url)
    entry = server["users"].setdefault(username, {})
    for key, value in fields.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    server["last"] = username
    try:
        demofile.write_private_json(path(), data)
    except OSError as exc:
        said = click.get_current_context().meta  # one warning per command, however often it keeps
        if not said.get(UNKEPT):
            said[UNKEPT] = True
            warn(
                f"not kept in {path()} ({exc.strerror}; SLS_DATA_DIR must be a writable folder): "
                "the next command will not find this login; pass it the session's --token"
            )


def recall(url: str, username: str | None) -> tuple[str, dict[str, Any]]:
    """The user meant (``username``, else the last one) and what is kept for them."""
    server = _server(_read(), url)
    name = (username or server.get("last") or "").strip().lower()
    if not name:
        raise CliError("no login kept for this server: log in first with `sls login USERNAME`", EXIT_USAGE)
    return name, dict(server["users"].get(name) or {})


def session_token(url: str, username: str | None, token: str | None) -> tuple[str | None, str]:
    """The session token to use: the one given, else the one ``sls login`` kept (and for whom). A token
    given empty (``--token "$TOKEN"`` after a login that failed, ``SLS_SESSION_TOKEN=``) is a usage error:
    falling back to the kept session would act as whoever logged in last."""
    given_empty = token is not None and not token.strip()
    # click reads an empty variable as unset, so SLS_SESSION_TOKEN= is looked at here
    if given_empty or (token is None and os.environ.get("SLS_SESSION_TOKEN", "unset").strip() == ""):
        raise CliError(
            "--token is empty (or SLS_SESSION_TOKEN is set empty): did the login that should have given it "
            "fail? Leave it out to use the session `sls login` kept",
            EXIT_USAGE,
        )
    if token:
        return username, token
    name, kept = recall(url, username)
    kept_token = (kept.get("session") or {}).get("token")
    if not kept_token:
        raise CliError(
            f"no session kept for {name}: log in with `sls login {name}`, or pass --token", EXIT_USAGE
        )
    return name, str(kept_token)

"""``<data dir>/demo.json``: what ``sls demo`` set up (URL, admin token, users), for the other commands.

Written atomically with mode 0600: it holds the admin token, the demo users' passwords and their cards' keys.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..config import PARSERS, Settings, env_name
from .private_files import write_private

FILENAME = "demo.json"


def data_dir_from_env() -> Path:
    """The data folder as the server would pick it, without validating any other setting."""
    raw = os.environ.get(env_name("data_dir"))
    return PARSERS["data_dir"](raw) if raw else Settings.data_dir


def path(data_dir: Path | None = None) -> Path:
    return (data_dir or data_dir_from_env()) / FILENAME


def read(data_dir: Path | None = None) -> dict[str, Any] | None:
    """The last demo's information, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads(path(data_dir).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write(data_dir: Path, info: dict[str, Any]) -> Path:
    return write_private_json(path(data_dir), info)


def write_private_json(target: Path, info: dict[str, Any]) -> Path:
    """``info`` as JSON at ``target``, mode 0600 from the first byte, replaced atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write_private(temporary, (json.dumps(info, indent=2) + "\n").encode())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, target)
    return target

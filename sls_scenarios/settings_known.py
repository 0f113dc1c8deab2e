"""What a running server is known to run with, beside what a scenario's ``setup.settings`` needs: the
settings it lacks, each with the value it has. Known from the server itself (``GET /admin/v1/settings``), the
runner that started it, a demo's demo.json, else the defaults (``sls config``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def settings_lacking(settings: Mapping[str, Any], applied: Mapping[str, str]) -> dict[str, str | None]:
    """The settings of ``settings`` a server is not known to run with, each with the value it is known to
    have (``None``: its default). It runs with ``applied``, else the defaults (``sls config``), as for every
    scenario that names no setting: so a limit a scenario names at its default runs on an ordinary server,
    and is refused by a demo whose demo.json says it is raised."""
    wanted = {name: variable(value) for name, value in settings.items()}
    if not set(wanted) - set(applied):
        defaults: dict[str, str] = {}
    else:
        from .server import server_defaults  # a process that answers: only when a scenario needs it

        defaults = server_defaults()
    lacking: dict[str, str | None] = {}
    for name, value in wanted.items():
        has = applied.get(name, defaults.get(name))
        if has is None or has.lower() != value.lower():
            lacking[name] = applied.get(name)
    return lacking


def variable(value: Any) -> str:
    """A setting's value as its variable would be written: YAML's ``true`` and JSON's ``true`` alike
    (``True`` / ``true``), a whole float as the integer it is (``2.0`` / ``2``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)

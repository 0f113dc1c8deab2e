"""The settings a server runs with as a client may read them (``GET /admin/v1/settings``, ``sls settings``,
the trainer console, a scenario run against the server): each ``SLS_*`` variable with its effective value,
typed as JSON. A client that did not start the server (``sls scenario run --server``, the pytest plugin's
``--sls-server``) could only guess its lockout threshold or its timeouts before.

Never a secret: the key and the tokens are only named as set (``secrets_set``), never shown, and a Redis
URL's password is masked, as ``sls config`` and the start-up banner mask it.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from .config import SECRETS, Settings, env_name
from .redis_urls import mask_url


def settings_view(settings: Settings) -> dict[str, Any]:
    """``{"settings": {SLS_NAME: value}, "secrets_set": [SLS_NAME...]}``: every setting but the secrets, at
    its effective value (``null``: unset), and the secret ones that are set, sorted."""
    shown: dict[str, Any] = {}
    secrets_set: list[str] = []
    for field in fields(Settings):
        name, value = env_name(field.name), getattr(settings, field.name)
        if field.name in SECRETS:
            if value is not None:
                secrets_set.append(name)
            continue
        shown[name] = _json_value(name, value)
    return {"settings": shown, "secrets_set": sorted(secrets_set)}


def _json_value(name: str, value: Any) -> Any:
    if name == "SLS_REDIS_URL":
        return mask_url(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    if name == "SLS_LOG_LEVEL":  # kept upper-case for the logging module; set and shown as in sls config
        return str(value).lower()
    return value


def as_variable(value: Any) -> str:
    """A value of :func:`settings_view` as an ``SLS_*`` variable would be written (``true``, ``a,b``), to
    compare it with one a scenario's ``setup.settings`` names."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


#: How a secret setting that is set is shown: its name, never its value (the server never sends it).
HIDDEN = "(set, hidden)"


def readable(view: dict[str, Any]) -> dict[str, str]:
    """A :func:`settings_view` (or the route's answer) as a person reads it, by name: each value as its
    variable is written (``(unset)``, ``(empty)``), each secret that is set as :data:`HIDDEN`. The rows of
    ``sls settings`` and of the console's Server settings card."""
    rows = {
        name: "(unset)" if value is None else as_variable(value) or "(empty)"
        for name, value in view["settings"].items()
    }
    rows.update({name: HIDDEN for name in view["secrets_set"]})
    return dict(sorted(rows.items()))

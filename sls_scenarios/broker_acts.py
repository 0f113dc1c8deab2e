"""The broker's acts that have no step type of their own, and the ``http`` step that does each.

``enroll`` and ``revoke`` are steps; unlocking an account, disabling a user, setting a password or ending a
session are admin API calls a scenario makes with ``http`` and ``auth: admin``. A newcomer wrote ``unlock:
dave`` and was told only that no such step exists, with the list of the 28 that do.
"""

from __future__ import annotations

from typing import Any

from .spelling import closest

#: A step type a writer tries (lower case, words joined by ``_``) -> the admin call that does it.
ACTS = {
    "unlock": ("POST", "/admin/v1/users/{user}/unlock"),
    "disable": ("POST", "/admin/v1/users/{user}/disable"),
    "enable": ("POST", "/admin/v1/users/{user}/enable"),
    "reset_password": ("PUT", "/admin/v1/users/{user}/password"),
    "set_password": ("PUT", "/admin/v1/users/{user}/password"),
    "delete_user": ("DELETE", "/admin/v1/users/{user}"),
    "end_session": ("DELETE", "/admin/v1/sessions/{session_id}"),
    "kill_session": ("DELETE", "/admin/v1/sessions/{session_id}"),
    "revoke_session": ("DELETE", "/admin/v1/sessions/{session_id}"),
    "reset_card": ("POST", "/admin/v1/devices/{device_id}/reset"),
    "unlock_device": ("POST", "/admin/v1/devices/{device_id}/unlock"),
}
#: Other spellings of the same acts.
ALIASES = {
    "unlock_user": "unlock",
    "unlock_account": "unlock",
    "disable_user": "disable",
    "enable_user": "enable",
    "password_reset": "reset_password",
    "end_sessions": "end_session",
    "kill_sessions": "kill_session",
    "revoke_sessions": "revoke_session",
    "unlock_card": "reset_card",
}


def as_http(step_type: str, body: Any) -> str:
    """The ``http`` step that does what ``step_type`` (a step the format lacks, or one of these misspelt:
    ``unlok``) means, or ``""``; the user or device the body names goes into the path (``unlock: dave``,
    ``reset_card: {device: card}``)."""
    key = step_type.strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    if key not in ACTS:
        near = closest(key, [*ACTS, *ALIASES], cutoff=0.8) or ""
        key = ALIASES.get(near, near)
    if key not in ACTS:
        return ""
    method, path = ACTS[key]
    named = body if isinstance(body, dict) else {"user": body}
    user, device = named.get("user"), named.get("device")
    user = user if isinstance(user, str) and user and "{" not in user else "USER"
    device = (
        f"${{{device}.device_id}}"
        if isinstance(device, str) and device and "{" not in device
        else "DEVICE_ID"
    )
    path = path.format(user=user, session_id="${sid}", device_id=device)
    said = f"; the broker's {key} is an admin call: `http: {{method: {method}, path: '{path}', auth: admin}}`"
    if "${sid}" in path:
        said += f" after `http: {{method: GET, path: /admin/v1/users/{user}/sessions, auth: admin}}` with "
        said += "`capture: {sid: sessions.0.id}`"
    return said

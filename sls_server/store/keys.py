"""Every Redis key the service uses, in one place.

Keys carry a hash tag per owner (``{u:alice}``, ``{d:<device>}``, ``{t:<txn>}``, ``{s:<session>}``) so each
Lua script touches a single slot and the same code runs on Redis Cluster.
"""

from __future__ import annotations

PREFIX = "sls:"

CLOCK_OFFSET = f"{PREFIX}{{clock}}:offset"
USERS_INDEX = f"{PREFIX}{{index}}:users"
EVENTS = f"{PREFIX}{{events}}:stream"
METRICS = f"{PREFIX}{{events}}:metrics"


def user(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:user"


def user_devices(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:devices"


def user_sessions(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:sessions"


def device(device_id: str) -> str:
    return f"{PREFIX}{{d:{device_id}}}:device"


def device_used_challenges(device_id: str) -> str:
    return f"{PREFIX}{{d:{device_id}}}:used"


def login(txn_id: str) -> str:
    return f"{PREFIX}{{t:{txn_id}}}:login"


def session(session_id: str) -> str:
    return f"{PREFIX}{{s:{session_id}}}:session"

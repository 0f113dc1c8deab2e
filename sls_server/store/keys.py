"""Every Redis key the service uses, in one place.

Keys carry a hash tag per owner (``{u:alice}``, ``{d:<device>}``, ``{ip:...}``) so each Lua script touches a
single slot and the same code runs on Redis Cluster. A user's logins and sessions live under the user's own
tag (their ids name the user: :mod:`.ids`), so one script can check the user and act on them together.
"""

from __future__ import annotations

PREFIX = "sls:"

CLOCK_OFFSET = f"{PREFIX}{{clock}}:offset"
USERS_INDEX = f"{PREFIX}{{index}}:users"
EVENTS = f"{PREFIX}{{events}}:stream"
METRICS = f"{PREFIX}{{events}}:metrics"
READY_PROBE = f"{PREFIX}{{ready}}:probe"


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


def login(username: str, txn_id: str) -> str:
    return f"{PREFIX}{{u:{username}}}:login:{txn_id}"


def session(username: str, session_id: str) -> str:
    return f"{PREFIX}{{u:{username}}}:session:{session_id}"


def session_prefix(username: str) -> str:
    """What :func:`session` puts before the id: Lua scripts build a session's key from an id in the index."""
    return session(username, "")


def lockout(username: str, bucket: str) -> str:
    return f"{PREFIX}{{u:{username}}}:lock:{bucket}"


def lockout_inflight(username: str, bucket: str) -> str:
    return f"{PREFIX}{{u:{username}}}:inflight:{bucket}"


def known_ips(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:known_ips"


def ip_attempts(ip: str) -> str:
    return f"{PREFIX}{{ip:{ip}}}:attempts"


def user_access(username: str) -> str:
    """The user's own IP allowlist and the account they trade under (IP restrictions)."""
    return f"{PREFIX}{{u:{username}}}:access"


def account(account_id: str) -> str:
    """A multi-user account: its IP allowlist and creation time."""
    return f"{PREFIX}{{a:{account_id}}}:account"


def account_members(account_id: str) -> str:
    return f"{PREFIX}{{a:{account_id}}}:members"


def phone_conditions(number: str) -> str:
    return f"{PREFIX}{{p:{number}}}:conditions"


def phone_box(handset: str, box: str) -> str:
    return f"{PREFIX}{{p:{handset}}}:{box}"


def rate(name: str) -> str:
    return f"{PREFIX}{{rl:{name}}}:window"

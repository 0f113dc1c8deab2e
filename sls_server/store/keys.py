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
#: Open flood windows (group -> "start count") and their end instants: beside the stream, one slot.
EVENT_WINDOWS = f"{PREFIX}{{events}}:windows"
EVENT_WINDOWS_DUE = f"{PREFIX}{{events}}:windows_due"


def user(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:user"


def user_devices(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:devices"


def user_sessions(username: str) -> str:
    return f"{PREFIX}{{u:{username}}}:sessions"


def device(device_id: str) -> str:
    return f"{PREFIX}{{d:{device_id}}}:device"


def device_used_challenges(device_id: str) -> str:
    """The card's remembered challenge encodings: a zset scored by issue order, bounded."""
    return f"{PREFIX}{{d:{device_id}}}:used"


def device_challenge_issues(device_id: str) -> str:
    """Challenges issued to the card lately: a sliding window (the issuance limit)."""
    return f"{PREFIX}{{d:{device_id}}}:issued"


def user_challenge_issues(username: str) -> str:
    """Challenges issued for the user lately, on any card: a sliding window (the issuance limit)."""
    return f"{PREFIX}{{u:{username}}}:issued"


def login(username: str, txn_id: str) -> str:
    return f"{PREFIX}{{u:{username}}}:login:{txn_id}"


def login_prefix(username: str) -> str:
    return login(username, "")


def user_logins(username: str) -> str:
    """The user's login transactions (zset: id -> when Redis may reclaim it), to delete them with the user."""
    return f"{PREFIX}{{u:{username}}}:logins"


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

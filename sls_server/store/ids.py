"""Ids that name their owner: ``<username>~<random>``, for login transactions and session tokens.

Everything about one user lives under the user's hash tag (``{u:alice}``), so one Lua script can check the
user record, the login and the sessions together (a disabled user's login refused in the same step that
would have created the session) and the same code runs on Redis Cluster. A transaction id or a session token
must therefore say whose it is; the random part is what makes it unguessable. ``~`` cannot occur in a
username nor in ``secrets.token_urlsafe`` output, so the split is unambiguous.
"""

from __future__ import annotations

import re
import secrets

SEPARATOR = "~"
_OWNER_RE = re.compile(
    r"^[a-z0-9][a-z0-9._-]{2,63}$"
)  # user_fields.USERNAME_RE; store must not import the core
_RANDOM_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_PREFIX_RE = re.compile(r"^[A-Za-z0-9_-]{12,128}$")  # SHORT_HEX or more


def new_id(owner: str, random_bytes: int) -> str:
    return f"{owner}{SEPARATOR}{secrets.token_urlsafe(random_bytes)}"


def owner_of(scoped: str) -> str | None:
    """The username an id belongs to, or None when ``scoped`` is not an id of this form (answer 404/401)."""
    owner, sep, rest = scoped.partition(SEPARATOR)
    if not sep or not _OWNER_RE.fullmatch(owner) or not _RANDOM_RE.fullmatch(rest):
        return None
    return owner


#: Characters of an id's random part that events and logs show (``short_id``): 48 bits of a session id's
#: hex digest, which tell one user's sessions apart.
SHORT_HEX = 12


def owner_of_prefix(scoped: str) -> str | None:
    """:func:`owner_of` for an id cut short: ``<username>~`` and at least :data:`SHORT_HEX` characters of
    its random part (what an event shows, with its user)."""
    owner, sep, rest = scoped.partition(SEPARATOR)
    if not sep or not _OWNER_RE.fullmatch(owner) or not _PREFIX_RE.fullmatch(rest):
        return None
    return owner


def short_id(scoped: str) -> str:
    """What events and logs show of an id of this form: enough to correlate, nothing to use."""
    return scoped.partition(SEPARATOR)[2][:SHORT_HEX]

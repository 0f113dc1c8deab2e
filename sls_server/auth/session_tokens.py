"""Session tokens: 256 random bits for the holder, and the id the server keeps the session under.

Only the token's SHA-256 is stored, so a dump of Redis holds no usable token. Tokens and ids name their user
(``alice~<random>``, ``alice~<sha256 hex>``: :mod:`.store.ids`), so a session lives under its user's hash
tag. Apart from the sessions' rules because more than they read a token: the CSRF guard binds its tokens to
the session id a cookie names, without using the session.
"""

from __future__ import annotations

import hashlib

from ..store.ids import SEPARATOR, new_id, owner_of

TOKEN_BYTES = 32


def session_id(token: str) -> str | None:
    """The session's public id (``alice~<sha256 of the token>``); None for a token of no user."""
    owner = owner_of(token)
    if owner is None:
        return None
    return f"{owner}{SEPARATOR}{hashlib.sha256(token.encode()).hexdigest()}"


def new_token(username: str) -> tuple[str, str]:
    """A fresh token for ``username`` and the id its session is stored under."""
    token = new_id(username, TOKEN_BYTES)
    sid = session_id(token)
    assert sid is not None  # a token made for a username always names it
    return token, sid

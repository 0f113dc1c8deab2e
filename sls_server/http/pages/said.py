"""What a redirect's address says happened, signed by the server: the account page's banner (``?done=``,
``&ref=``) and the logged-off page's cause (``?reason=``).

Those pages state a fact from their address: "your password was changed, 3 other sessions were logged out",
"your session was ended by a newer login: change your password and contact Client Services". Read from the
query as it came, any link could make the broker's own page say so to a logged-in user who did nothing (a
phishing aid: untrusted input must not decide a security-relevant message). So the redirect that reports
what was done carries ``&seal=``, an HMAC-SHA256 (128 bits kept) over what it says and who it says it to,
under a key derived from ``SLS_SECRET_KEY`` for this one use; a page shows what its address says only when
the seal is this server's for this reader:

- the account page's banner, for the session it was said to (its id, or one a step-up rotated it from:
  ``Session.retired``, read with the session the page reads anyway, so no extra round trip to Redis);
- the logged-off page's cause, for the browser it was said to (``sls_browser``: the session is over, and its
  cookie cleared by the same answer).

A statement is shown for ``SAID_FOR_S`` after it was said (``&at=``, under the seal): the address opened
later from a shared browser's history says nothing of whoever used it before. Anything else (no seal, a seal
of another session or browser, a word or reference changed) shows the page
as its plain address does: no banner, "You have logged out". No cookie is added (the pages' are near their
size budget) and the address stays readable: ``/account?done=password_changed&ref=3&seal=...``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable
from urllib.parse import urlencode

from flask import current_app, request

from ...secretbox import pepper
from ..common import core, now
from .kit import browser_id

#: The query field that carries the seal.
SEAL = "seal"
#: The query field that says when it was said (the app clock's second), under the seal.
AT = "at"
#: Seconds a sealed statement is shown after it was said. A redirect's address is opened at once; the same
#: address opened later from a shared browser's history ("ended by a newer login to your account") says
#: nothing of whoever used the browser before.
SAID_FOR_S = 600
#: Bytes of the HMAC kept (128 bits: a guess is as hopeless as the key's, and the address stays short).
SEAL_BYTES = 16
_KEY = "sls_said_key"


def _key() -> bytes:
    """The key the seals are made under, derived once per app from the server's secret key."""
    key = current_app.extensions.get(_KEY)
    if not isinstance(key, bytes):
        secret_key = core().settings.secret_key
        assert secret_key is not None  # resolved at start-up
        key = current_app.extensions[_KEY] = pepper(secret_key, b"sls-pages:said")
    return key


def _seal(path: str, reader: str, fields: dict[str, str]) -> str:
    """The seal of ``fields`` said at ``path`` to ``reader`` (a session's id, a browser's), encoded so no two
    different statements share the bytes the MAC covers."""
    said = json.dumps([path, reader, sorted(fields.items())], separators=(",", ":")).encode()
    mac = hmac.new(_key(), b"sls-said-v1" + said, hashlib.sha256).digest()[:SEAL_BYTES]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def sealed_address(path: str, reader: str, **fields: str) -> str:
    """``path`` with ``fields`` in its query (in the order given, empty ones left out), sealed for
    ``reader``."""
    kept = {name: value for name, value in fields.items() if value}
    kept[AT] = str(now())
    return f"{path}?{urlencode({**kept, SEAL: _seal(path, reader, kept)})}"


def sealed_fields(readers: Iterable[str], *names: str) -> dict[str, str]:
    """This request's ``names`` from its query, when its seal is this server's for one of ``readers`` and
    for this path; ``{}`` otherwise (nothing a link wrote is taken as said)."""
    given, at = request.args.get(SEAL, ""), request.args.get(AT, "")
    fields = {name: value for name in names if (value := request.args.get(name, ""))}
    if not given or len(given) > 2 * SEAL_BYTES or not (at.isascii() and at.isdigit() and len(at) <= 12):
        return {}
    if not 0 <= now() - int(at) <= SAID_FOR_S:  # said long ago (or at a time the clock has not reached)
        return {}
    for reader in readers:
        covered = {**fields, AT: at}
        if reader and hmac.compare_digest(given.encode(), _seal(request.path, reader, covered).encode()):
            return fields
    return {}


def sealed_for_browser(path: str, **fields: str) -> str:
    """:func:`sealed_address` to this browser (``sls_browser``): for a page whose reader has no session any
    more."""
    return sealed_address(path, browser_id(), **fields)


def fields_for_browser(*names: str) -> dict[str, str]:
    """:func:`sealed_fields`, said to this browser."""
    return sealed_fields((browser_id(),), *names)

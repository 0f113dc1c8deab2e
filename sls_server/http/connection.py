"""Closing the connection after a body refused unread, and saying so in the answer's headers.

Before gunicorn serves another request on a connection it drains what the app left of the last body, at
most 64 KiB; a body refused as too large (its declared length over the limit, or a chunked one past it)
leaves more, so gunicorn closed the connection after the answer, though the answer, its headers written
first, said ``Connection: keep-alive``: a client sent its next request into a socket being closed. The
server (``cli.gunicorn_app``) hands each request's ``force_close`` to :func:`hold` from gunicorn's
``pre_request`` hook, in the thread that then runs the app; :func:`close_after` calls it, and gunicorn
writes ``Connection: close`` and closes. Under any other server (Flask's test client) it does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_current = threading.local()


def hold(force_close: Callable[[], None] | None) -> None:
    """The running request's way to close its connection once answered (``None``: none)."""
    _current.force_close = force_close


def close_after() -> None:
    """Close this request's connection once it is answered, with ``Connection: close`` in the answer."""
    force_close = getattr(_current, "force_close", None)
    if force_close is not None:
        force_close()

"""How many of a worker's threads one client address may keep waiting on its slow requests.

The read timeout (``gunicorn_worker.CLIENT_READ_TIMEOUT_S``) bounds one wait for a client's bytes, so a
client that sends a header line every few seconds never meets it: a pen test held every thread of a class's
``sls demo`` (two workers of four threads) with sixteen sockets from one laptop, each trickling its headers,
and ``/healthz`` went unanswered for as long as it kept that up.

So a request is *slow* once its thread has waited on the client for :data:`SLOW_AFTER_S` in all (a browser
or a script sends a request in one go, or nearly: it never waits that long), and each worker keeps at most
half its threads (:func:`cap_for`) on slow requests of one address (an IPv6 client by its /64, as the login
throttle counts it). The request that would be one more is refused as a stalled one is: its read times out
(the connection closed, or its body answered ``400 body_incomplete``). An address still holds up to that many
threads for as long as it trickles, and the other half stay free for everyone else; many addresses acting
together are the reverse proxy's to stop (``docs/operations.md``).

The reads are counted where gunicorn makes them, ``socket.recv`` (:class:`PacedSocket`): a read whose bytes
are already there (the usual case) costs one ``poll`` with no wait more (about a microsecond); only a read
that must wait asks the clock and the count. The state is the thread's own (one connection at a time, its
request's wait), reset when the worker takes a connection up (:func:`taking_up`) and given back after.
"""

from __future__ import annotations

import select
import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..accounts.clientip import client_block

#: Waited on the client this long in one request, in all, and the request is slow.
SLOW_AFTER_S = 1.0


def cap_for(threads: int) -> int:
    """Slow requests of one address a worker of ``threads`` threads keeps: half, at least one."""
    return max(threads // 2, 1)


class SlowRequests:
    """One worker's count of slow requests by client address, and each thread's own request's."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._lock = threading.Lock()
        self._held: Counter[str] = Counter()
        self._mine = threading.local()

    @contextmanager
    def taking_up(self, address: str) -> Iterator[None]:
        """This thread serves a request of ``address`` (the socket peer) until the block ends."""
        mine = self._mine
        mine.address, mine.block, mine.waited, mine.slow, mine.stalled = address, "", 0.0, False, False
        try:
            yield
        finally:
            if mine.slow:
                with self._lock:
                    self._held[mine.block] -= 1
                    if self._held[mine.block] <= 0:
                        del self._held[mine.block]
            mine.address, mine.slow = None, False

    def waiting(self, sock: socket.socket, read: Callable[[], bytes]) -> bytes:
        """``read()`` from ``sock``, which will wait on the client. Once this request has waited
        :data:`SLOW_AFTER_S` in all (judged as the wait crosses it, not after), it is slow, and refused with
        the read timeout's ``TimeoutError`` when its address keeps :attr:`cap` threads on slow ones already;
        at its cap, the address's other requests get no grace: the first wait refuses them."""
        mine = self._mine
        if getattr(mine, "address", None) is None:  # a connection not taken up through taking_up
            return read()
        if not mine.block:  # the address as the limits count it: only for a read that must wait
            mine.block = client_block(mine.address)
        timeout = sock.gettimeout()
        started = time.monotonic()
        try:
            if not mine.slow:
                left = SLOW_AFTER_S - mine.waited
                if self._held[mine.block] >= self.cap:  # at its cap: no more grace for this address
                    left = 0
                if left > 0 and (timeout is None or left < timeout):
                    sock.settimeout(left)
                    try:
                        return read()
                    except TimeoutError:
                        pass  # now slow: judged below, then the rest of the read timeout
                    finally:
                        sock.settimeout(timeout)
                with self._lock:
                    if self._held[mine.block] >= self.cap:
                        raise TimeoutError("too many slow requests from this address")
                    self._held[mine.block] += 1
                mine.slow = True
                if timeout is not None:
                    sock.settimeout(max(timeout - (time.monotonic() - started), 0.001))
            return read()
        except TimeoutError:
            mine.stalled = True
            raise
        finally:
            sock.settimeout(timeout)
            mine.waited += time.monotonic() - started

    def stalled(self) -> bool:
        """Whether this thread's request ended in a read that timed out or was refused (:meth:`waiting`)."""
        return bool(getattr(self._mine, "stalled", False))


#: The worker process's count (one per process: each worker is its own); :func:`install` sets its cap.
SLOW = SlowRequests(cap=1)


def install(threads: int) -> None:
    SLOW.cap = cap_for(threads)


class PacedSocket(socket.socket):
    """A client's plain socket whose reads that must wait are counted (:class:`SlowRequests`). No state of its
    own (``__slots__``), so gunicorn's socket can be given this class in place."""

    __slots__ = ()

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        # bytes there (or the end)? A socket with a timeout polls first anyway, so MSG_DONTWAIT would not
        # tell; poll, not select, which refuses a descriptor past FD_SETSIZE (1,024) and a worker holding
        # many connections gives them such numbers
        ready = select.poll()
        ready.register(self, select.POLLIN)
        if ready.poll(0):
            return super().recv(bufsize, flags)
        return SLOW.waiting(self, lambda: super(PacedSocket, self).recv(bufsize, flags))


def tls_recv(sock: ssl.SSLSocket, recv: Callable[[], bytes]) -> bytes:
    """A TLS socket's ``recv`` (``recv()``, its class's own), counted as :meth:`PacedSocket.recv`'s when no
    whole record is there to read yet: tried without blocking first (a partial record stays in OpenSSL's
    buffer)."""
    timeout = sock.gettimeout()
    sock.settimeout(0.0)
    try:
        return recv()
    except (ssl.SSLWantReadError, ssl.SSLWantWriteError):  # nothing whole to read yet, without waiting
        pass
    finally:
        sock.settimeout(timeout)
    return SLOW.waiting(sock, recv)

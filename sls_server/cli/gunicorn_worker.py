"""gunicorn's workers, with a read timeout on every client connection (``sls serve``, ``sls demo``).

gunicorn's ``gthread`` worker waits up to 5 s for a new connection's first bytes without holding a thread;
once any have come, a thread reads the request's headers, and then the app its body, from a blocking socket
with no timeout. An attack review opened twelve connections that each sent a request's headers and one byte
of a 100-byte body: every thread of both workers waited on them, and ``/healthz`` went unanswered for as long
as the sockets stayed open (over 40 s; a login, a trainer's console the same). Anyone on a classroom's LAN
could hold the server so with a dozen sockets.

Here each connection's socket gets a timeout, :data:`CLIENT_READ_TIMEOUT_S`, every time a thread takes it up
(a new connection, or a kept-alive one with its next request): a read that waits longer fails, and the thread
is free. Stalled in its headers, the connection is closed (``gunicorn_errors.QuietRefusals`` says so in one
line, no traceback); stalled in its body, the app answers ``400 body_incomplete`` (``http.bodies``) and the
connection is closed. This bounds what one stalled connection costs. A client that trickles a byte more often
than the timeout, or keeps opening new stalled connections, is :mod:`.slow_clients`'s: one address keeps at
most half a worker's threads on its slow requests. Many addresses together still can hold them all: on a
network whose clients are not trusted, put a reverse proxy that buffers whole requests before passing them
on (nginx's default) in front of ``sls serve``.

Over TLS (``sls gateway --tls``) the handshake is a read too, and the threaded worker does it inside
``TConn.init``, right after making the socket blocking (no timeout): a client that sent one byte of a
ClientHello held a thread for good. The TLS context (gunicorn's ``ssl_context`` hook, :func:`paced_tls`)
makes sockets whose handshake runs under the same timeout.

On a graceful stop (SIGTERM) gunicorn's master closes its listening socket, but each worker kept its copy
open until it had drained (up to 10 s): the kernel went on completing new connections into the accept queue,
nobody took them up, and they were reset when the last worker exited. A client connecting during a rolling
restart hung for the whole drain, then was reset not knowing whether its login was judged. Each worker now
closes its copy as soon as it stops taking connections (the threaded one first takes up those already
queued, which were sent before the stop), so a new connection is refused at once, as by a stopped server,
and a client or load balancer tries another instance (``tests/e2e/test_drain_refuses_new.py``).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from collections.abc import Callable
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker
from gunicorn.workers.sync import SyncWorker

from .slow_clients import SLOW, PacedSocket, install, tls_recv

#: The longest a thread waits on one read from a client (or one write to it) before giving the connection
#: up: gunicorn's own wait for a new connection's first bytes and its keep-alive, both 5 s; beyond a LAN's or
#: a slow phone link's pause inside one request.
CLIENT_READ_TIMEOUT_S = 5.0


class PacedTLSSocket(ssl.SSLSocket):
    """A TLS socket whose handshake times out as its reads do (gunicorn made the socket blocking first)."""

    def do_handshake(self, block: bool = False) -> None:
        self.settimeout(CLIENT_READ_TIMEOUT_S)  # kept after it: PacedConn sets the same
        super().do_handshake(block)

    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes:
        """Counted when it must wait (``slow_clients``): an address keeps only so many threads waiting."""
        return tls_recv(self, lambda: super(PacedTLSSocket, self).recv(buflen, flags))


def paced_tls(config: Any, default_context: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    """gunicorn's ``ssl_context`` hook (``cli.gunicorn_app``): its own context, wrapping in
    :class:`PacedTLSSocket` (``sslsocket_class``: the type ``wrap_socket`` makes)."""
    context = default_context()
    context.sslsocket_class = PacedTLSSocket
    return context


class PacedConn(TConn):
    """A connection whose socket times out (the worker re-types each connection it takes up)."""

    def init(self) -> None:
        super().init()  # once per connection: the TLS wrap and the parser; made blocking before each request
        self.sock.settimeout(CLIENT_READ_TIMEOUT_S)
        if type(self.sock) is socket.socket:  # plain HTTP: its reads counted as PacedTLSSocket's are
            self.sock.__class__ = PacedSocket


class PacedThreadWorker(ThreadWorker):
    """``gthread`` with :class:`PacedConn`: ``worker_class`` of ``cli.gunicorn_app`` when threads > 1; its
    listening socket closed as it starts to drain."""

    listeners_closed = False

    def init_process(self) -> None:
        install(self.cfg.threads)  # this process's count of slow requests, half its threads per address
        super().init_process()

    def handle(self, conn: Any) -> Any:
        if type(conn) is TConn:  # made by gunicorn's accept; the class adds no state, only init's timeout
            conn.__class__ = PacedConn
        address = conn.client[0] if isinstance(conn.client, tuple) and conn.client else ""
        with SLOW.taking_up(str(address)):
            kept = super().handle(conn)
            if not kept and SLOW.stalled():
                _stop_reading(conn.sock)
        return kept

    def set_accept_enabled(self, enabled: bool | None) -> None:
        """gunicorn's, and on a graceful stop (called with ``False`` once ``alive`` is off, from the event
        loop's thread, before the drain) the connections already queued taken up, then the listening
        sockets closed: the drain serves what came before the stop, and what comes after is refused."""
        super().set_accept_enabled(enabled)
        # alive: only full (``worker_connections``), it takes them up again; and they are closed once
        if enabled or self.alive or self.listeners_closed:
            return
        self.listeners_closed = True
        for listener in self.sockets:
            while True:  # gunicorn's accept answers EAGAIN quietly: a count that stops growing ends it
                taken = self.nr_conns
                self.accept(listener)
                if self.nr_conns == taken:
                    break
            listener.close()  # gunicorn's closes again as the worker ends, which does nothing


def _stop_reading(sock: socket.socket) -> None:
    """A connection given up for its stalled reads stops being read here, in its thread. gunicorn closes it
    next on the worker's one event-loop thread, gracefully: up to 2 s reading what the client still sends,
    and a client trickling on held the whole worker (every connection, new ones too) that long for each
    such connection; with its reading side shut, that close finds the end at once."""
    with contextlib.suppress(OSError):  # the client gone already: nothing left to read
        sock.shutdown(socket.SHUT_RD)


class PacedSyncWorker(SyncWorker):
    """``sync`` (``--threads 1``), whose one request at a time waited as long on a stalled client; its
    listening socket closed when a graceful stop comes during a request."""

    serving = False

    def handle(self, listener: Any, client: Any, addr: Any) -> Any:
        client.settimeout(CLIENT_READ_TIMEOUT_S)  # a TLS wrap made of it keeps it
        self.serving = True
        try:
            return super().handle(listener, client, addr)
        finally:
            self.serving = False

    def handle_exit(self, sig: int, frame: Any) -> None:
        """gunicorn's (``alive`` off: the loop ends after this request), and the listening sockets closed
        while a request is served, the drain's whole length. Not while the worker waits in ``select`` or
        ``accept`` on them, where a closed socket would raise: there it leaves at once anyway."""
        super().handle_exit(sig, frame)
        if self.serving:
            for listener in self.sockets:
                listener.close()

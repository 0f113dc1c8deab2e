"""A TCP front for a Redis that loses one answer: a connection cut after Redis ran a request, before its
reply came back (a reset, a proxy's cut, a CLIENT KILL), when a client cannot tell whether its request ran.

In front of one Redis it is the client's URL (:attr:`AnswerCutter.url`); in front of one master of a Redis
Cluster the client is told to reach that master through it (:func:`route_through`), while every other node and
the slot map stay as the cluster says; behind Sentinel, the master is looked up there instead
(:func:`master_through`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any


class AnswerCutter:
    """Passes bytes both ways until armed with some bytes; then it passes on the first request holding them
    and closes the client's connection instead of passing on Redis's answer: Redis ran it, the client never
    hears. ``upstream``: a unix socket's path, or ``(host, port)``."""

    def __init__(self, upstream: str | tuple[str, int]) -> None:
        self._upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.armed: bytes | None = None
        #: Bytes that must follow the armed ones before the cut (a transaction's EXEC: Redis answers each
        #: queued command as it comes, and a cut on those answers would drop the EXEC still on its way).
        self.then: bytes | None = None
        self.cut = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _connect_upstream(self) -> socket.socket:
        if isinstance(self._upstream, str):
            side = socket.socket(socket.AF_UNIX)
            side.connect(self._upstream)
            return side
        return socket.create_connection(self._upstream)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # closed: the test is over
                return
            redis_side = self._connect_upstream()
            cutting = threading.Event()
            turn = threading.Lock()  # a request passed on and judged before an answer is looked at
            args = (client, redis_side, cutting, turn)
            threading.Thread(target=self._requests, args=args, daemon=True).start()
            threading.Thread(target=self._answers, args=args, daemon=True).start()

    def _requests(
        self, client: socket.socket, redis_side: socket.socket, cutting: threading.Event, turn: threading.Lock
    ) -> None:
        tail = b""  # the end of what came before: TCP is a stream, and a request can arrive in two reads
        awaited: bytes | None = None  # ``then`` (or nothing), once the armed bytes went by
        while data := _received(client):
            seen = tail + data
            armed = self.armed
            # in this read, or across it and the last (never wholly in the last: a request from before arming)
            if armed is not None and armed in seen and armed not in tail:
                self.armed = None
                awaited = self.then or b""
                seen = seen[seen.index(armed) :]  # what follows them: ``then`` looked for from there
            tail = seen[-256:]
            with (
                turn
            ):  # passed on before the cut is set, so all of it reaches Redis; judged before any answer
                if not _passed(redis_side, data):
                    break
                if awaited is not None and awaited in seen:
                    awaited = None
                    cutting.set()
        _close(client, redis_side)  # a client gone is gone for Redis too (a replica's link, say)

    def _answers(
        self, client: socket.socket, redis_side: socket.socket, cutting: threading.Event, turn: threading.Lock
    ) -> None:
        while data := _received(redis_side):
            with turn:
                cut = cutting.is_set()
            if cut:
                self.cut += 1
                break
            if not _passed(client, data):
                break
        _close(client, redis_side)


def _passed(end: socket.socket, data: bytes) -> bool:
    try:
        end.sendall(data)
    except OSError:  # that side closed, or the other thread closed it
        return False
    return True


def _close(*ends: socket.socket) -> None:
    for end in ends:
        with contextlib.suppress(OSError):  # the other side, or the other thread, closed it first
            end.shutdown(socket.SHUT_RDWR)
        end.close()


def _received(end: socket.socket) -> bytes:
    try:
        return end.recv(65536)
    except OSError:  # the other thread closed it
        return b""


def route_through(cluster_client: Any, master: str, cutter: AnswerCutter) -> None:
    """Have a Redis Cluster client reach the node at ``master`` ("host:port") through ``cutter``: redis-py's
    ``address_remap``, set after the client was made by the store's own ``connect``, and the slot map read
    again so that every slot of that master now names the cutter."""
    host, port = master.rsplit(":", 1)

    def remap(address: tuple[str, int]) -> tuple[str, int]:
        return ("127.0.0.1", cutter.port) if address == (host, int(port)) else address

    cluster_client.nodes_manager.address_remap = remap
    cluster_client.nodes_manager.initialize()


@contextlib.contextmanager
def master_through(sentinel_client: Any, cutter: AnswerCutter) -> Iterator[None]:
    """For the block, have a client found through Sentinel reach its master through ``cutter``: the Sentinels'
    answer replaced by the cutter's address, and the open connections closed so the next ones go there."""
    manager = sentinel_client.connection_pool.sentinel_manager
    manager.discover_master = lambda _name: ("127.0.0.1", cutter.port)
    sentinel_client.connection_pool.disconnect()
    try:
        yield
    finally:
        del manager.discover_master
        sentinel_client.connection_pool.disconnect()


class RequestCutter(AnswerCutter):
    """A connection lost in the middle of a request: armed with some bytes, it passes on what came before them
    and closes both sides there, as a Redis killed (or a link cut) while the client was still writing. Redis
    ran what it received whole; the rest never reaches it."""

    def _requests(
        self, client: socket.socket, redis_side: socket.socket, cutting: threading.Event, turn: threading.Lock
    ) -> None:
        while data := _received(client):
            armed = self.armed
            if armed is not None and armed in data:
                self.armed = None
                _passed(redis_side, data[: data.index(armed)])
                self.cut += 1
                break
            if not _passed(redis_side, data):
                break
        _close(client, redis_side)

    def _answers(
        self, client: socket.socket, redis_side: socket.socket, cutting: threading.Event, turn: threading.Lock
    ) -> None:
        while data := _received(redis_side):
            if not _passed(client, data):
                break
        _close(client, redis_side)

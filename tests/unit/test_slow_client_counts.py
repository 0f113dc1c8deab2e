"""One address keeps at most its cap of a worker's threads on slow requests (``cli.slow_clients``): judged on
real sockets, the threshold made short so the waits are brief."""

from __future__ import annotations

import os
import resource
import socket
import threading
from collections.abc import Iterator

import pytest

from sls_server.cli import slow_clients
from sls_server.cli.slow_clients import PacedSocket, SlowRequests


@pytest.fixture(autouse=True)
def short_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slow_clients, "SLOW_AFTER_S", 0.05)


@pytest.fixture
def pairs() -> Iterator[list[tuple[socket.socket, socket.socket]]]:
    made: list[tuple[socket.socket, socket.socket]] = []
    yield made
    for server_side, client_side in made:
        server_side.close()
        client_side.close()


#: A descriptor number past ``select``'s FD_SETSIZE (1,024).
HIGH_FD = 1500


@pytest.fixture
def descriptors_past_select() -> Iterator[None]:
    """Room for descriptor ``HIGH_FD`` in this process. A Debian login's soft open-file limit is 1,024 (the
    hard one far higher), where ``os.dup2`` to 1,500 fails with EBADF: the README's ``pytest`` failed there on
    a fresh machine. A worker under load has the room (a container's limit, or the hard limit raised to), so
    the soft limit is raised for this test alone, and put back."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft > HIGH_FD:
        yield
        return
    if hard != resource.RLIM_INFINITY and hard <= HIGH_FD:
        pytest.skip(f"the hard open-file limit here is {hard}: no descriptor {HIGH_FD} can be made")
    resource.setrlimit(resource.RLIMIT_NOFILE, (HIGH_FD + 1, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def paced_pair(made: list[tuple[socket.socket, socket.socket]]) -> tuple[socket.socket, socket.socket]:
    server_side, client_side = socket.socketpair()
    server_side.settimeout(2.0)
    server_side.__class__ = PacedSocket
    made.append((server_side, client_side))
    return server_side, client_side


def test_an_address_at_its_cap_is_refused_and_another_is_not(
    monkeypatch: pytest.MonkeyPatch, pairs: list[tuple[socket.socket, socket.socket]]
) -> None:
    counts = SlowRequests(cap=1)
    monkeypatch.setattr(slow_clients, "SLOW", counts)
    holding = threading.Event()
    release = threading.Event()
    held_side, held_client = paced_pair(pairs)

    def slow_request() -> None:  # waits past the threshold, then reads what finally comes: now slow
        with counts.taking_up("198.51.100.7"):
            assert held_side.recv(10) == b"late"
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=slow_request)
    thread.start()
    threading.Event().wait(0.2)  # the client's own pause, past the threshold
    held_client.sendall(b"late")
    assert holding.wait(5)
    try:
        same_side, _ = paced_pair(pairs)
        with counts.taking_up("198.51.100.7"), pytest.raises(TimeoutError):
            same_side.recv(10)  # would wait: the address is at its cap, so no grace at all
        assert counts.stalled()
        other_side, other_client = paced_pair(pairs)
        other_client.sendall(b"now")
        with counts.taking_up("203.0.113.9"):
            assert other_side.recv(10) == b"now"  # bytes there: never judged
            assert not counts.stalled()
    finally:
        release.set()
        thread.join()
    fresh_side, fresh_client = paced_pair(pairs)
    fresh_client.sendall(b"again")
    with counts.taking_up("198.51.100.7"):  # the slow one ended: the address is under its cap again
        assert fresh_side.recv(10) == b"again"


def test_the_cap_is_half_the_threads_and_at_least_one() -> None:
    assert [slow_clients.cap_for(n) for n in (1, 2, 4, 8)] == [1, 1, 2, 4]


def test_a_connection_numbered_past_select_s_limit_is_read(
    descriptors_past_select: None, pairs: list[tuple[socket.socket, socket.socket]]
) -> None:
    """A worker holding many connections (a container's open-file limit is often far above 1,024) gives a
    client a descriptor past ``select``'s FD_SETSIZE: its read must work as any other (``select.select``
    raised ``ValueError``, and every such client's connection was dropped unanswered)."""
    server_side, client_side = paced_pair(pairs)
    high = os.dup2(server_side.fileno(), HIGH_FD)
    far = socket.socket(fileno=high)
    far.settimeout(2.0)
    far.__class__ = PacedSocket
    pairs.append((far, socket.socket(fileno=os.dup(client_side.fileno()))))
    client_side.sendall(b"GET / HTTP/1.1\r\n")
    assert far.recv(64) == b"GET / HTTP/1.1\r\n"

"""Clients that stop sending in the middle of a request do not hold the server (``cli.gunicorn_worker``).

gunicorn's threaded worker read a request's headers and body from a socket with no timeout: an attack review
held every thread of a running ``sls demo`` with twelve connections that each sent headers and one byte of a
100-byte body, and ``/healthz`` went unanswered for as long as they stayed open. Here one worker of two
threads meets one client stalled in its body and one in its headers, which take both threads; ``/healthz``,
asked next, must be answered once the read timeout has freed them (without the timeout it never was), the
body's staller told ``400 body_incomplete``, the header's connection closed, and the log say it in a line
with no traceback."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from gateway_process import sls_gateway  # noqa: F401 - the fixture
from serve_processes import ServerProcess

from sls_server.cli.gunicorn_worker import CLIENT_READ_TIMEOUT_S
from sls_server.cli.slow_clients import SLOW_AFTER_S

#: How long gunicorn's graceful close of a connection given up held the worker's event loop, read on
#: (``gunicorn_worker._stop_reading``).
GRACEFUL_HOLD_S = 2.0


def stalled(server: Any, first_bytes: bytes) -> socket.socket:
    """A connection that sent ``first_bytes`` of a request and nothing more."""
    address = urlsplit(server.url)
    connection = socket.create_connection((address.hostname, address.port))
    connection.sendall(first_bytes)
    return connection


def answer_to(connection: socket.socket) -> bytes:
    """Everything the server sent before it closed the connection (waiting for that, with a bound)."""
    connection.settimeout(3 * CLIENT_READ_TIMEOUT_S)
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    connection.close()
    return received


def test_clients_stalled_in_headers_or_body_free_their_threads(
    sls_serve: Callable[..., ServerProcess],
) -> None:
    server = sls_serve(workers=1, SLS_THREADS="2")
    in_body = stalled(
        server,
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{",
    )
    in_headers = stalled(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")

    asked = time.monotonic()
    ready = requests.get(f"{server.url}/healthz", timeout=3 * CLIENT_READ_TIMEOUT_S)
    waited = time.monotonic() - asked

    assert ready.status_code == 200
    assert waited < 2 * CLIENT_READ_TIMEOUT_S, f"/healthz waited {waited:.1f} s"
    head, _, body = answer_to(in_body).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), head
    assert json.loads(body)["error"] == "body_incomplete"
    assert answer_to(in_headers) == b""  # closed, nothing answered to half a request
    log = server.log()
    assert "A client sent nothing for the read timeout: connection closed." in log
    assert "Traceback" not in log and "Socket error processing request" not in log


def test_a_client_stalled_in_its_body_frees_a_single_threaded_worker(
    sls_serve: Callable[..., ServerProcess],
) -> None:
    """``--threads 1`` runs gunicorn's ``sync`` worker, one request at a time: it waited as long."""
    server = sls_serve(workers=1, SLS_THREADS="1")
    in_body = stalled(
        server,
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{",
    )

    ready = requests.get(f"{server.url}/healthz", timeout=3 * CLIENT_READ_TIMEOUT_S)

    assert ready.status_code == 200
    head, _, body = answer_to(in_body).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and json.loads(body)["error"] == "body_incomplete", head


def test_clients_stalled_in_the_tls_handshake_free_their_threads(sls_gateway: Any) -> None:  # noqa: F811
    """``sls gateway --tls``: gunicorn's threaded worker clears a socket's timeout (``setblocking``) and then
    wraps it and shakes hands, all before the read timeout was set, so a client that sent one byte of a
    ClientHello held a thread for as long as it kept the socket open. Two such clients took both threads of
    the one worker, and ``/healthz`` went unanswered."""
    server = sls_gateway("--tls", SLS_THREADS="2")
    hellos = [stalled(server, b"\x16") for _ in range(2)]  # a TLS record's first byte: a handshake

    asked = time.monotonic()
    ready = requests.get(
        f"{server.url}/healthz", verify=str(server.certificate), timeout=4 * CLIENT_READ_TIMEOUT_S
    )
    waited = time.monotonic() - asked

    assert ready.status_code == 200
    assert waited < 2 * CLIENT_READ_TIMEOUT_S, f"/healthz waited {waited:.1f} s"
    for hello in hellos:
        answer_to(hello)  # closed by the server (an alert at most), not held open
    assert "Traceback" not in server.log()


def test_clients_trickling_their_headers_from_one_address_leave_threads_for_others(
    sls_serve: Callable[..., ServerProcess],
) -> None:
    """The read timeout bounds one wait, so a client that sends a header line a second never meets it: eight
    connections from one address, each trickling its headers, held all four threads of the one worker for as
    long as they kept it up (a pen test held a class's ``sls demo`` so with sixteen sockets). An address may
    keep only half the threads waiting on its slow requests: the connection that would hold more is closed,
    and ``/healthz`` is answered all along."""
    server = sls_serve(workers=1, SLS_THREADS="4")
    tricklers = [stalled(server, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n") for _ in range(8)]
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.5):  # the client's own pace, well inside the read timeout
            for connection in tricklers:
                with contextlib.suppress(OSError):  # closed by the server: what the defence does
                    connection.sendall(b"X-Slow: 1\r\n")

    pacer = threading.Thread(target=trickle, daemon=True)
    pacer.start()
    try:
        waits = []
        for _ in range(3):  # over two read timeouts: the tricklers never stall long enough to meet it
            asked = time.monotonic()
            ready = requests.get(f"{server.url}/healthz", timeout=4 * CLIENT_READ_TIMEOUT_S)
            waits.append(time.monotonic() - asked)
            assert ready.status_code == 200
            stop.wait(CLIENT_READ_TIMEOUT_S / 2)
    finally:
        stop.set()
        pacer.join()
        for connection in tricklers:
            connection.close()
    # An answer waits out the grace of the requests ahead of it (SLOW_AFTER_S), never a graceful close's hold
    # of the event loop too (with those, the second waited 9.5 s): a bound of 2 s left a loaded machine less
    # than one second over the grace; this one leaves it the whole hold.
    assert max(waits) < SLOW_AFTER_S + GRACEFUL_HOLD_S, f"/healthz waited {[round(w, 1) for w in waits]} s"
    assert "Traceback" not in server.log()

"""A redirect does not carry the CLI's tokens to another server. urllib copies every header of a request to
wherever a redirect points, so a proxy or a server answering 307 to another host sent it the admin token (or
the sim token, or a login's binding); ``requests`` drops it there. To the same server it still goes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sls_server.cli.admin_client import AdminClient

TOKEN = "admin-token-0123456789"
SECRET_HEADERS = {"authorization", "x-login-token"}


@contextmanager
def server(redirect_to: Callable[[str], str | None]) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A server on a free loopback port that records each request's headers and answers 307 to
    ``redirect_to(its own url)`` + ``/landed`` (when that is not None and the path is not already there),
    else 200 with a JSON body."""
    seen: list[dict[str, str]] = []
    own: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            target = redirect_to(own["url"])
            if target is not None and not self.path.startswith("/landed"):
                self.send_response(307)
                self.send_header("Location", target + "/landed")
                self.end_headers()
                return
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    own["url"] = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield own["url"], seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_redirect_to_another_server_carries_no_token() -> None:
    with server(lambda _: None) as (elsewhere, landed), server(lambda _: elsewhere) as (url, asked):
        answer = AdminClient(url, TOKEN).request(
            "GET", "/admin/v1/users", headers={"X-Login-Token": "binding-0123456789"}
        )
    assert answer == {"ok": True}
    assert asked[0]["Authorization"] == f"Bearer {TOKEN}"  # the server it was meant for
    (there,) = landed
    assert not {name.lower() for name in there} & SECRET_HEADERS, there


def test_a_redirect_within_the_same_server_keeps_the_token() -> None:
    with server(lambda itself: itself) as (url, seen):
        assert AdminClient(url, TOKEN).request("GET", "/admin/v1/users") == {"ok": True}
    assert [headers.get("Authorization") for headers in seen] == [f"Bearer {TOKEN}"] * 2

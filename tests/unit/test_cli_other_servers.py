"""Something else answering at the URL (another web server on the port, a proxy's 502 page): the error is
one line naming the status and asking whether another server is there, never the page's HTML, which came
out as ten lines of markup in the red "one line"."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from json_error_kit import json_error
from served_kit import handled_over_http

PAGE = b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>502</body>\n</html>\n"


class HtmlErrors(BaseHTTPRequestHandler):
    """A reverse proxy whose upstream is down: every request gets an HTML 502 page."""

    def _answer(self) -> None:
        self.send_response(502, "Bad Gateway")
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def proxy() -> Iterator[str]:
    with handled_over_http(HtmlErrors) as url:
        yield url


@pytest.mark.parametrize(
    "args",
    [
        ("user", "list"),
        ("status",),
        ("login", "card-carl", "--password", "x" * 12),
        ("phone", "inbox", "+1555"),
    ],
    ids=" ".join,
)
def test_an_html_error_page_is_named_not_printed(
    runner: CliRunner, proxy: str, args: tuple[str, ...]
) -> None:
    result = sls(runner, *args, "--url", proxy, "--json", env={"SLS_ADMIN_TOKEN": "t" * 20})
    assert result.exit_code == 1, result.output
    json_error(result, "http_502", "Bad Gateway", f"is another server at {proxy}?", status=502)
    assert "<" not in result.stderr

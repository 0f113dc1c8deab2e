"""What IBeam reads of the emulator's refusals, read as IBeam reads them: urllib's ``HTTPError``, whose
text is the status line's reason phrase (``HTTP Error 503: Service Unavailable``). IBeam's
``HttpHandler.try_request`` matches ``'Service Unavailable'`` in it to tell a gateway that cannot serve;
werkzeug's upper-case phrases (``SERVICE UNAVAILABLE``) never matched, through gunicorn as in the test
client (``tests/api/test_reason_phrases.py``)."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest
from gateway_process import sls_gateway  # noqa: F401  (the fixture)

from sls_server.store.embedded import EmbeddedRedis

pytestmark = pytest.mark.e2e


def ibeam_post(url: str) -> tuple[int, str]:
    """``HttpHandler.url_request(url, method='POST')``: a POST without a body; the error's code and text."""
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=15).close()
    except HTTPError as error:
        with error:  # its socket closed
            return error.code, str(error)
    raise AssertionError(f"{url} was not refused")


def test_ibeam_recognises_the_gateways_refusals(sls_gateway: Any, tmp_path: Path) -> None:  # noqa: F811
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()
    try:
        gateway = sls_gateway("--redis-url", own.url, SLS_REDIS_TIMEOUT="0.5")
        assert ibeam_post(f"{gateway.url}/v1/api/tickle") == (401, "HTTP Error 401: Unauthorized")
        own.stop()
        code, text = ibeam_post(f"{gateway.url}/v1/api/tickle")
        assert code == 503 and "Service Unavailable" in text, text
    finally:
        own.stop()

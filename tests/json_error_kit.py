"""How an error reads, checked one way wherever a test meets it.

``json_error``: what a failing ``sls`` command given ``--json`` tells, for the in-process and the e2e CLI
tests alike: one JSON object on stderr, ``{"error": {"code": ..., "message": ..., "status": ...}}``, and
nothing on stdout. ``told_to_wait``: an HTTP answer that asks the client to come back later (``429
rate_limited``, a timed ``423 account_locked``), its wait in the body's ``retry_after`` and RFC 9110's
``Retry-After`` alike."""

from __future__ import annotations

import json
from typing import Any, Protocol

from werkzeug.test import TestResponse


class Ran(Protocol):
    """A finished command: click's ``Result`` or a ``subprocess.CompletedProcess``."""

    @property
    def stdout(self) -> str: ...

    @property
    def stderr(self) -> str: ...


def json_error(
    ran: Ran, code: str, *needles: str, status: int | None = None, after_prompt: bool = False
) -> dict[str, Any]:
    """The error object, checked: its code and status (``None``: a local failure, no HTTP answer), each
    needle in its message, stdout empty. ``after_prompt``: stderr first holds the prompt the command asked
    with; the error is its last line."""
    lines = ran.stderr.strip().splitlines()
    assert lines and (after_prompt or len(lines) == 1), ran.stderr
    told = json.loads(lines[-1])
    assert list(told) == ["error"], told
    error: dict[str, Any] = told["error"]
    assert {"code", "message", "status"} <= set(error), error
    assert (error["code"], error["status"]) == (code, status), error
    for needle in needles:
        assert needle in error["message"], error
    assert ran.stdout == "", ran.stdout
    return error


def told_to_wait(
    answer: TestResponse, window: float, *, status: int = 429, error: str = "rate_limited"
) -> Any:
    """The wait an answer asks for, checked: its status and error code, a ``retry_after`` above nothing and
    within ``window`` (a client is never told to wait longer than the limit's window), and the ``Retry-After``
    header saying the same (a client may read either). Returned for the test that expects an exact wait."""
    body = answer.get_json()
    assert answer.status_code == status, body
    assert body["error"] == error, body
    wait = body["retry_after"]
    assert 0 < wait <= window, body
    assert answer.headers["Retry-After"] == str(wait), (body, dict(answer.headers))
    return wait

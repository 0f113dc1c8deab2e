"""What a failing ``sls`` command given ``--json`` tells, for the in-process and the e2e CLI tests alike: one
JSON object on stderr, ``{"error": {"code": ..., "message": ..., "status": ...}}``, and nothing on stdout."""

from __future__ import annotations

import json
from typing import Any, Protocol


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

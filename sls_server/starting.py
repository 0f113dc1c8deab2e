"""Whether this ``sls gateway`` process's start step has yet to run, for the workers gunicorn forks.

A start ends the session the instance held unless another process serves it (``cli.gateway_restart``);
started while Redis does not answer, the master runs that step once Redis does (``cli.gateway_lease``). Its
workers, forked meanwhile, would have served the old session in between, for the second or so before the
step: the master marks the start pending here before they fork (they inherit it), and the gateway answers
503, as for Redis down, until the step's mark (the master's lease, which the step takes) is in Redis.
"""

from __future__ import annotations

_pending: str | None = None


def pend(token: str) -> None:
    """The start's step is to run, and will take the lease ``token``."""
    global _pending
    _pending = token


def pending() -> str | None:
    """The token whose lease says the start's step ran; None once it is known to have run (or none is due)."""
    return _pending


def settle() -> None:
    """The step ran: no more looking, in this process."""
    global _pending
    _pending = None

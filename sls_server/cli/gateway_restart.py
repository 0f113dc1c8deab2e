"""``sls gateway``'s start as the real gateway's restart: the session the instance held ends.

The Client Portal Gateway keeps its session in its own process, so a new process asks for a login. Here the
session lives in Redis (the embedded one persists it in the data folder), and without this step a gateway
stopped and started again answered ``authenticated: true`` with the old session: a tool that restarts a
stuck gateway and then logs in (IBeam) could not be tested on that path. The master ends it once, before
any worker serves; ``--keep-session`` skips it for a process joining others on one ``SLS_GATEWAY_INSTANCE``.

The ending runs in a forked child: it records events, whose module loads prometheus-client, and the master
must not load that before ``serve.run`` names the workers' metrics folder (``tests/unit/test_metrics_mode``),
or every worker would count in memory and ``/metrics`` would show none of it.
"""

from __future__ import annotations

import logging
import os
import sys

from ..config import Settings
from ..errors import StoreUnavailable

log = logging.getLogger(__name__)
#: The child's exit code when it ended a live session (0: there was none; anything else: it could not look).
ENDED = 3


def end_previous_session(settings: Settings) -> bool:
    """End the instance's gateway session, if one is live (``gateway_restarted``, with its events); whether
    one was. When Redis does not answer (or the child fails), a warning says the session was left: the server
    starts and answers 503 until Redis is back, as ``sls serve`` does."""
    sys.stdout.flush()  # the child must not inherit (and repeat) buffered output
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected; tests/e2e/test_gateway_restart
        code = 1
        try:
            code = ENDED if _end(settings) else 0
        except StoreUnavailable:  # the store's own warning said why; the master's below says what it means
            pass
        except Exception as exc:  # its kind only: a Redis URL (and its password) stays out of the log
            log.warning("could not end the gateway session the last run held (%s)", type(exc).__name__)
        finally:
            os._exit(code)  # no atexit (the master's embedded Redis stop), no buffers flushed twice
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    if code not in (0, ENDED):
        log.warning(
            "the gateway session of instance %r, if any, was not ended: stop and start sls gateway again "
            "once Redis answers, for a login to be asked",
            settings.gateway_instance,
        )
    return code == ENDED


def _end(settings: Settings) -> bool:
    from ..store import Store  # in the child only (see the module's docstring)
    from ..wiring import build_core

    assert settings.redis_url is not None
    store = Store.from_url(settings.redis_url, timeout_s=settings.redis_timeout)
    try:
        core = build_core(settings, store)
        return core.gateway.restarted(now=core.clock.now())
    finally:
        store.close()

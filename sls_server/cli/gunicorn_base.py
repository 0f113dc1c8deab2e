"""gunicorn's application class, imported without the environment variables gunicorn reads for defaults
``sls`` never uses.

gunicorn's settings module reads three variables as it is imported, each the default of a setting the
server always sets itself: ``WEB_CONCURRENCY`` (workers: ``--workers``), ``PORT`` (the address to bind:
the listener ``sls`` binds and hands over) and ``FORWARDED_ALLOW_IPS`` (whose X-Forwarded-* to believe:
``SLS_TRUSTED_PROXIES``, ``gunicorn_app.forwarded_allow_ips``). A value gunicorn could not parse, left in the
environment by another tool (a platform's ``WEB_CONCURRENCY=auto``), stopped ``sls`` for a setting it
does not read: ``WEB_CONCURRENCY`` with a traceback from every command that lists the commands (``sls
--help``), ``FORWARDED_ALLOW_IPS`` with gunicorn's ``Error:`` line and exit code 1 after the banner. They
are set aside for the import, so gunicorn's defaults are its own, and put back.
"""

from __future__ import annotations

import os

#: The variables gunicorn's settings module reads at import, for settings ``sls`` sets itself.
UNREAD = ("WEB_CONCURRENCY", "PORT", "FORWARDED_ALLOW_IPS")

_set_aside = {name: os.environ.pop(name) for name in UNREAD if name in os.environ}
try:
    from gunicorn.app.base import BaseApplication
    from gunicorn.arbiter import Arbiter
finally:
    os.environ.update(_set_aside)

__all__ = ["UNREAD", "Arbiter", "BaseApplication"]

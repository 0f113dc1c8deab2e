"""The ``sls`` command line: run the emulator (``serve``, ``demo``), drive it, answer card challenges.

Talks to a running server over HTTP like any client; only ``serve``/``demo`` reach for the app factory,
settings and runtime to start one. May import devices (offline card responses); never ``store``'s
repositories or the core's services.
"""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    try:
        return metadata.version("sls-emulator")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree never installed
        return "0+unknown"

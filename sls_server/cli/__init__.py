"""The ``sls`` command line: run the emulator (``serve``, ``demo``), log in as its users, set it up and
watch it (the admin API), play the user's side (the simulated cards and phones).

Talks to a running server over HTTP like any client, ``sls demo``'s seeding included; only ``serve`` and
``demo`` reach for the settings and runtime, to start one. May import devices (offline card responses, a TOTP
app's code); never ``store``'s repositories or the core's services.
"""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    try:
        return metadata.version("sls-emulator")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree never installed
        return "0+unknown"

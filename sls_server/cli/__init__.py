"""The ``sls`` command line: run the emulator (``serve``, ``demo``), drive it, answer card challenges."""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    try:
        return metadata.version("sls-emulator")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree never installed
        return "0+unknown"

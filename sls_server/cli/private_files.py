"""Files the CLI writes that hold a secret (an exported world, a TOTP secret's QR code, a TLS key, the demo's
passwords): readable by their owner only, from the first byte."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def write_private(target: Path, data: bytes) -> None:
    """``data`` at ``target``, mode 0600: a new file is created so, an existing one is narrowed before a byte
    is written (``O_CREAT``'s mode applies only to a file it creates). A device or pipe (``-o /dev/stdout``)
    is written as it is."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.fchmod(descriptor, 0o600)
        handle.write(data)

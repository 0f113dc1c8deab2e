"""``<data dir>/gateway.json``: where a running ``sls gateway`` listens, for ``sls gateway-state`` (and the
admin commands without a demo) to find it beside a demo. Kept as ``sls serve``'s serve.json is
(``listen_file``)."""

from __future__ import annotations

from pathlib import Path

from . import listen_file

#: Where a running ``sls gateway`` says it listens, for ``sls gateway-state`` to find it beside a demo.
GATEWAY_FILE = "gateway.json"


def write_gateway(data_dir: Path, url: str, instance_id: str) -> None:
    """``sls gateway`` says where it listens, and which run it is, until it stops (:func:`forget_gateway`)."""
    listen_file.record(data_dir, GATEWAY_FILE, url, instance_id)


def forget_gateway(data_dir: Path) -> None:
    """The gateway stopped: the file names the newest gateway still running, if any."""
    listen_file.forget(data_dir, GATEWAY_FILE)


def gateway_url(data_dir: Path | None = None) -> str | None:
    """Where the newest gateway still running on the data folder listens, if one said so (with several, a
    note on stderr names the others)."""
    newest = listen_file.newest(data_dir, GATEWAY_FILE, "gateways")
    return newest["url"] if newest else None

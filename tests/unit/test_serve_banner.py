"""The start-up banner says where the world lives: a server started beside another on one data folder (``sls
gateway`` next to ``sls demo``) shares that server's embedded Redis, and says so."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.console import Console

from sls_server.cli.serve import start
from sls_server.cli.serve_banner import banner, describe


def shown(facts: dict[str, object]) -> str:
    console = Console(width=300, record=True)
    console.print(banner(facts))
    return " ".join(console.export_text().split())


def test_a_second_server_on_one_data_folder_says_it_shares_the_first_ones_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It said "(embedded, data in the data dir)" for both, as if the second had started a Redis of its
    own; the README says the gateway shares the demo's."""
    for name in [n for n in os.environ if n.startswith("SLS_")]:
        monkeypatch.delenv(name)
    overrides = {"data_dir": str(tmp_path), "hash_profile": "test"}
    first = start(overrides, "127.0.0.1", 0)
    try:
        second = start(overrides, "127.0.0.1", 0)
        try:
            owner, sharer = describe(first, 1, 1), describe(second, 1, 1)
            assert owner["redis_shared"] is False and sharer["redis_shared"] is True
            assert "(embedded, data in the data dir)" in shown(owner)
            assert "(embedded, shared with the sls server already running on this data dir)" in shown(sharer)
        finally:
            second.listener.close()
            assert second.embedded is not None
            second.embedded.stop()
    finally:
        first.listener.close()
        assert first.embedded is not None
        first.embedded.stop()

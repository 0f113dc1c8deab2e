"""``sls demo --host 0.0.0.0`` for a class on the LAN: the pages it prints (the banner, the ready panel,
``--json``, demo.json and so ``sls world``) are at this machine's network address, where a trainee's laptop
reaches them. They were all at ``http://127.0.0.1:PORT``, which on the trainee's laptop is the laptop.

Real processes, each demo on its own port, data folder and HOME; the pages are fetched at the address printed
(so with that ``Host``), as a browser elsewhere would."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests
from over_http_kit import network_address
from test_cli_demo import (
    demo,  # noqa: F401 - the fixture that starts sls demo and waits for its world
    stop,
)
from test_cli_e2e import clean_env, sls

pytestmark = pytest.mark.e2e
PAGES = {"login_page": "/", "trainer": "/trainer", "simulators": "/sim", "docs": "/docs"}


def test_on_every_interface_the_pages_printed_are_at_this_machines_network_address(
    demo: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    address = network_address()
    server = demo("--host", "0.0.0.0", HOME=str(tmp_path))
    port = server.url.rsplit(":", 1)[1]
    lan, here = f"http://{address}:{port}", f"http://127.0.0.1:{port}"
    info = json.loads((demo.data_dir / "demo.json").read_text())
    assert (info["url"], info["public_url"]) == (here, lan)  # the sls commands keep to loopback
    for key, path in PAGES.items():
        assert info[key] == f"{lan}{path}", key
        answered = requests.get(info[key], timeout=10)  # Host: the address printed, admitted by the guard
        assert answered.status_code == 200, (key, answered.text[:300])
    world = sls("world", env=clean_env(demo.data_dir, HOME=str(tmp_path))).stdout
    assert f"{lan}/trainer" in world and f"{here}/" not in world
    assert re.search(rf"This machine\s+{re.escape(here)}\s+\(for a browser here", world), world
    assert stop(server) == 0
    output = server.log()
    assert re.search(rf"sls demo \S+\s+{re.escape(lan)} ", output), output[:2000]
    assert re.search(rf"Login page\s+{re.escape(lan)}/\s", output)
    assert f"{here}/" not in output  # no page at loopback alone: that one line, labelled
    assert re.search(rf"This machine\s+{re.escape(here)}\s", output)


def test_on_every_interface_the_json_line_names_the_pages_at_the_network_address(
    demo: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    address = network_address()
    server = demo("--json", SLS_HOST="0.0.0.0", HOME=str(tmp_path))
    port = server.url.rsplit(":", 1)[1]
    assert stop(server) == 0
    printed = next(json.loads(line) for line in server.log().splitlines() if line.startswith('{"url"'))
    assert printed["url"] == f"http://127.0.0.1:{port}"
    assert printed["public_url"] == f"http://{address}:{port}"
    assert printed["login_page"] == f"http://{address}:{port}/"


def test_on_loopback_the_pages_stay_at_loopback(demo: Any, tmp_path: Path) -> None:  # noqa: F811
    server = demo("--host", "127.0.0.1", HOME=str(tmp_path))
    info = json.loads((demo.data_dir / "demo.json").read_text())
    assert info["url"] == info["public_url"] == server.url and info["login_page"] == f"{server.url}/"
    assert stop(server) == 0
    assert "This machine" not in server.log()

"""The start-up banner says where the world lives: a server started beside another on one data folder (``sls
gateway`` next to ``sls demo``) shares that server's embedded Redis, and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from rich.console import Console

from sls_server import create_app
from sls_server.cli.gateway_cmd import gateway_facts
from sls_server.cli.serve_banner import banner, describe
from sls_server.cli.serve_startup import start, startup_warnings
from sls_server.config import load_settings
from sls_server.exposure import simulators_exposure
from sls_server.reach import http_url, outward_address

#: Settings for a server that is only described: a Redis that is not there (none is needed to say where the
#: pages are).
NO_REDIS = {"hash_profile": "test", "redis_url": "redis://127.0.0.1:1/0"}


pytestmark = pytest.mark.usefixtures("no_sls_env")  # the servers started here read no SLS_* of the shell


def described(tmp_path: Path, host: str) -> tuple[dict[str, Any], int]:
    """The banner's facts of a server started on ``host`` (any free port), and that port."""
    startup = start({"data_dir": str(tmp_path), **NO_REDIS}, host, 0)
    try:
        return describe(startup, 1, 1), startup.listener.port
    finally:
        startup.listener.close()


def shown(facts: dict[str, object]) -> str:
    console = Console(width=300, record=True)
    console.print(banner(facts))
    return " ".join(console.export_text().split())


def test_a_second_server_on_one_data_folder_says_it_shares_the_first_ones_redis(tmp_path: Path) -> None:
    """It said "(embedded, data in the data dir)" for both, as if the second had started a Redis of its
    own; docs/gateway.md says the gateway shares the demo's."""
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


@pytest.mark.parametrize(
    ("host", "environ", "warned"),
    [
        ("0.0.0.0", {}, True),
        ("", {}, True),
        ("::", {}, True),
        ("192.0.2.10", {}, True),
        ("emulator.example", {}, True),
        ("0.0.0.0", {"SLS_SIM_TOKEN": "a-sim-token-of-twenty-chars"}, False),
        ("0.0.0.0", {"SLS_SIM_ENABLED": "false"}, False),
        ("127.0.0.1", {}, False),
        ("127.0.0.2", {}, False),
        ("::1", {}, False),
        ("localhost", {}, False),
    ],
)
def test_open_simulators_beyond_loopback_are_a_start_up_warning(
    host: str, environ: dict[str, str], warned: bool
) -> None:
    """Anyone reaching such a server reads every user's texted codes and approves their pushes."""
    said = simulators_exposure(load_settings({}, environ=environ), host)
    assert (said is not None) is warned, said
    if said is not None:
        assert "SLS_SIM_TOKEN" in said and "SLS_SIM_ENABLED=false" in said and "127.0.0.1" in said


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])
def test_the_server_about_to_start_says_the_warning_its_address_calls_for(
    host: str, warned: bool, tmp_path: Path
) -> None:
    startup = start({"data_dir": str(tmp_path), **NO_REDIS}, host, 0)
    try:
        said = [warning for warning in startup_warnings(startup) if "/sim/v1" in warning]
    finally:
        startup.listener.close()
    assert bool(said) is warned, said


def test_the_apis_in_the_banner_say_how_they_are_called(tmp_path: Path) -> None:
    """Printed as bare URLs beside the pages, a newcomer opened them in a browser: 405 for the login route,
    404 for the admin API's prefix. Every bare URL the banner shows is a page or a document to open."""
    startup = start({"data_dir": str(tmp_path), "hash_profile": "test"}, "127.0.0.1", 0)
    try:
        facts = describe(startup, 1, 1)
    finally:
        startup.listener.close()
        assert startup.embedded is not None
        startup.embedded.stop()
    text = shown(facts)
    assert f"Login API POST {facts['login_api']} " in text
    assert f"Admin API {facts['admin_api']}/... " in text
    for key in ("login_page", "trainer", "docs", "openapi", "readyz"):  # these open as they are
        assert f" {facts[key]} " in f"{text} ", key


def test_on_every_interface_the_pages_are_named_where_the_other_machines_reach_them(
    tmp_path: Path, app_config: dict[str, Any]
) -> None:
    """``--host 0.0.0.0`` (a class on the LAN): the banner and ``--json`` named every page at 127.0.0.1,
    which on a trainee's laptop is the laptop. They are named at this machine's network address, which the
    Host guard admits; the loopback URL stays, labelled, and ``url`` (the ``sls`` commands') is still it."""
    facts, port = described(tmp_path, "0.0.0.0")
    public = http_url(outward_address(), port)
    assert (facts["url"], facts["public_url"]) == (f"http://127.0.0.1:{port}", public)
    for key in ("login_page", "trainer", "simulators", "docs", "login_api", "admin_api", "openapi", "readyz"):
        assert facts[key].startswith(f"{public}/"), key
    text = shown(facts)
    assert f"sls serve {facts['version']} {public} " in text
    assert f"This machine http://127.0.0.1:{port} (for a browser here;" in text
    assert text.count("http://127.0.0.1") == 1, text
    # the address printed is one the server answers to (an address, or with no route out, this machine's name)
    page = create_app(app_config).test_client().get("/", headers={"Host": urlsplit(public).netloc})
    assert page.status_code == 200, page.get_data(as_text=True)[:300]


def test_on_loopback_the_pages_are_where_they_were(tmp_path: Path) -> None:
    facts, port = described(tmp_path, "127.0.0.1")
    url = f"http://127.0.0.1:{port}"
    assert facts["url"] == facts["public_url"] == url and facts["login_page"] == f"{url}/"
    assert "This machine" not in shown(facts)


def test_a_gateway_over_tls_names_its_pages_in_https_at_the_network_address() -> None:
    """``sls gateway --tls --host 0.0.0.0``: the addresses printed for other machines are https too."""
    facts = {
        "url": "http://127.0.0.1:5000",
        "public_url": "http://192.0.2.10:5000",
        "login_page": "http://192.0.2.10:5000/",
        "redis_url": "redis://127.0.0.1:6379/0",
    }
    made = gateway_facts(facts, tls=True, cert=None, match="x")
    assert (made["url"], made["public_url"]) == ("https://127.0.0.1:5000", "https://192.0.2.10:5000")
    assert made["login_page"] == "https://192.0.2.10:5000/"
    assert made["gateway_login"].startswith("https://192.0.2.10:5000/sso/Login?")
    assert made["redis_url"] == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize("door", ["metrics_token", "sim_token"])
def test_a_token_that_is_the_admin_token_is_said_at_start_up(door: str, tmp_path: Path) -> None:
    """``/metrics`` and ``/sim/v1`` are doors of their own, and the admin token opens neither
    (docs/operations.md); a metrics or sim token set to the admin token's value opens the admin API to
    whoever holds it (Prometheus's config, the trainer's phone) without a word. Said once, naming both
    variables, never the value."""
    token = "one-token-for-every-door-0123"
    settings = {"data_dir": str(tmp_path), **NO_REDIS, "admin_token": token, door: token}
    startup = start(settings, "127.0.0.1", 0)
    try:
        said = [warning for warning in startup_warnings(startup) if "SLS_ADMIN_TOKEN" in warning]
    finally:
        startup.listener.close()
    variable = f"SLS_{door.upper()}"
    assert len(said) == 1 and variable in said[0] and token not in said[0], said
    startup = start({**settings, door: token[::-1]}, "127.0.0.1", 0)
    try:
        assert not [warning for warning in startup_warnings(startup) if "SLS_ADMIN_TOKEN" in warning]
    finally:
        startup.listener.close()

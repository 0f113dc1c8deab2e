"""Reading the name out of a ``Host`` header, and which names need no setting to be answered
(``sls_server/hostnames.py``): the guard against DNS rebinding is only as good as this parsing."""

from __future__ import annotations

import socket

import pytest

from sls_server.cli.serve_startup import answering_to
from sls_server.config import Settings
from sls_server.hostnames import admitted, host_name, own_names


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:5000", "localhost"),
        ("localhost", "localhost"),
        ("localhost.", "localhost"),
        ("localhost.:8000", "localhost"),
        ("LOCALHOST:8000", "localhost"),
        ("Example.ORG", "example.org"),
        ("[::1]:5000", "::1"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("[0:0:0:0:0:0:0:1]:80", "::1"),
        ("[::FFFF:127.0.0.1]", "::ffff:7f00:1"),
        ("127.0.0.1:8000", "127.0.0.1"),
        (" 192.168.1.10 ", "192.168.1.10"),
    ],
)
def test_the_name_in_a_host_header(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    "header",
    [
        "",
        ":8000",
        "user@localhost",
        "user:pass@127.0.0.1",
        "localhost:abc",
        "localhost:",
        "localhost:123456",
        "localhost:80:80",
        "[::1",
        "[::1]x",
        "[localhost]:80",
        "[127.0.0.1]",
        "local host",
        "localhost/path",
        "evil.example\\@127.0.0.1",
        "..",
        "localhost..",
    ],
)
def test_garbage_names_no_host(header: str) -> None:
    assert host_name(header) is None


@pytest.mark.parametrize(
    ("name", "answered"),
    [
        ("127.0.0.1", True),
        ("203.0.113.9", True),
        ("::1", True),
        ("fe80::1", True),
        ("localhost", True),
        ("sls.localhost", True),
        ("localhost.attacker.example", False),
        ("attacker-localhost", False),
        ("127.0.0.1.attacker.example", False),
        ("attacker.example", False),
        ("sls", False),
        (None, False),
    ],
)
def test_what_no_dns_of_anyone_else_decides_is_answered(name: str | None, answered: bool) -> None:
    assert admitted(name, frozenset()) is answered


def test_a_configured_name_is_answered() -> None:
    assert admitted("sls", frozenset({"sls"}))


def test_this_machines_name_and_its_mdns_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a trainee on the LAN types, and what `sls scenario demo` hands out with no outward address."""
    monkeypatch.setattr(socket, "gethostname", lambda: "Trainer-PC")
    assert own_names() == ("trainer-pc", "trainer-pc.local")
    monkeypatch.setattr(socket, "gethostname", lambda: "box.corp.example.")
    assert own_names() == ("box.corp.example",)
    monkeypatch.setattr(socket, "gethostname", lambda: "")
    assert own_names() == ()


def test_the_name_host_gives_is_admitted() -> None:
    """`sls serve --host trainer-pc`: clients call it by that name; an address or a wildcard needs nothing."""
    settings = Settings(allowed_hosts=("sls.internal",))
    assert answering_to(settings, "Trainer-PC").allowed_hosts == ("sls.internal", "trainer-pc")
    assert answering_to(settings, "sls.internal").allowed_hosts == ("sls.internal",)
    for host in ("0.0.0.0", "::", "127.0.0.1", "192.168.1.10", "localhost", ""):
        assert answering_to(settings, host) is settings, host

"""The client-address rule: the socket peer unless a trusted proxy vouches for X-Forwarded-For."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from sls_server.accounts.clientip import client_block, resolve_client_ip
from sls_server.ipnets import network_text, normalise_ip, parse_network

PROXIES = ("10.0.0.0/8", "2001:db8:ffff::/48")


@pytest.mark.parametrize(
    ("remote", "xff", "trusted", "expected"),
    [
        # no proxies configured: the header is never read
        ("203.0.113.5", None, (), "203.0.113.5"),
        ("203.0.113.5", "198.51.100.7", (), "203.0.113.5"),
        ("10.0.0.1", "198.51.100.7", (), "10.0.0.1"),
        # a spoofed header from a peer that is not a trusted proxy is ignored
        ("203.0.113.5", "198.51.100.7", PROXIES, "203.0.113.5"),
        # one trusted proxy
        ("10.0.0.1", "198.51.100.7", PROXIES, "198.51.100.7"),
        ("10.0.0.1", None, PROXIES, "10.0.0.1"),
        ("10.0.0.1", "", PROXIES, "10.0.0.1"),
        # the right-most untrusted entry wins; what the client prepended is ignored
        ("10.0.0.1", "1.2.3.4, 198.51.100.7", PROXIES, "198.51.100.7"),
        # client, proxy2 -> proxy1 (the peer): both proxies trusted, the client is found
        ("10.0.0.1", "198.51.100.7, 10.0.0.2", PROXIES, "198.51.100.7"),
        ("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.3 , 10.0.0.2", PROXIES, "198.51.100.7"),
        # every hop trusted: the left-most one is as far as anyone vouches
        ("10.0.0.1", "10.0.0.9, 10.0.0.2", PROXIES, "10.0.0.9"),
        # malformed entries stop the walk at the last good address
        ("10.0.0.1", "198.51.100.7, garbage", PROXIES, "10.0.0.1"),
        ("10.0.0.1", "198.51.100.7, garbage, 10.0.0.2", PROXIES, "10.0.0.2"),
        ("10.0.0.1", "garbage, 198.51.100.7", PROXIES, "198.51.100.7"),
        ("10.0.0.1", ",", PROXIES, "10.0.0.1"),
        ("10.0.0.1", "unknown", PROXIES, "10.0.0.1"),
        ("10.0.0.1", "999.1.1.1", PROXIES, "10.0.0.1"),
        ("10.0.0.1", "[2001:db8::1", PROXIES, "10.0.0.1"),
        ("10.0.0.1", "1.2.3.4:http", PROXIES, "10.0.0.1"),
        # forms some proxies write
        ("10.0.0.1", "198.51.100.7:4711", PROXIES, "198.51.100.7"),
        ("10.0.0.1", "[2001:db8::7]:443", PROXIES, "2001:db8::7"),
        ("10.0.0.1", "[2001:db8::7]", PROXIES, "2001:db8::7"),
        ("10.0.0.1", "2001:DB8:0::7", PROXIES, "2001:db8::7"),
        # IPv6 proxies, IPv4-mapped addresses compare as IPv4 everywhere
        ("2001:db8:ffff::1", "198.51.100.7", PROXIES, "198.51.100.7"),
        ("::ffff:10.0.0.1", "198.51.100.7", PROXIES, "198.51.100.7"),
        ("10.0.0.1", "::ffff:198.51.100.7", PROXIES, "198.51.100.7"),
        ("10.0.0.1", "198.51.100.7, ::ffff:10.0.0.2", PROXIES, "198.51.100.7"),
        ("::ffff:203.0.113.5", None, (), "203.0.113.5"),
        ("fe80::1%eth0", None, (), "fe80::1"),
        ("10.0.0.1", "198.51.100.7", ("::ffff:10.0.0.0/104",), "198.51.100.7"),
        # no usable socket address (a Unix socket): nothing to go on
        (None, "198.51.100.7", PROXIES, None),
        ("", "198.51.100.7", PROXIES, None),
        ("not-an-ip", None, PROXIES, None),
    ],
)
def test_resolve_client_ip(
    remote: str | None, xff: str | None, trusted: tuple[str, ...], expected: str | None
) -> None:
    assert resolve_client_ip(remote, xff, trusted) == expected


def test_a_very_long_chain_of_trusted_hops_stops_without_error() -> None:
    header = ", ".join(["198.51.100.7"] + ["10.0.0.2"] * 500)
    assert resolve_client_ip("10.0.0.1", header, PROXIES) == "10.0.0.2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("203.0.113.5", "203.0.113.5"),
        (" 203.0.113.5 ", "203.0.113.5"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("::1", "::1"),
    ],
)
def test_normalise_ip(text: str, expected: str) -> None:
    assert normalise_ip(text) == expected


@pytest.mark.parametrize(
    ("ip", "expected"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("::1", "::/64"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_per_address_limits_count_an_ipv6_client_by_its_64(ip: str, expected: str) -> None:
    assert client_block(ip) == expected
    assert client_block(ip) == expected  # and again, as remembered


def test_a_clients_block_is_worked_out_once_per_address() -> None:
    """A login asks for its client's block twice (the password's throttle, then its refund or count), and a
    client sends many: ``ipaddress`` parses an address in some 15 µs of Python, so the answers of this pure
    function are remembered, a bounded number (a flood of addresses only evicts)."""
    client_block("2001:db8:7:7::1")
    calls: list[str] = []

    def watch(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename.endswith("ipaddress.py"):
            calls.append(frame.f_code.co_name)

    sys.setprofile(watch)
    try:
        again = client_block("2001:db8:7:7::1")
    finally:
        sys.setprofile(None)
    assert again == "2001:db8:7:7::/64"
    assert calls == []


@pytest.mark.parametrize("text", ["", "hello", "203.0.113.0/24", "1.2.3", "010.0.0.1"])
def test_normalise_ip_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        normalise_ip(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.1/8", "10.0.0.0/8"),
        ("10.0.0.1", "10.0.0.1"),
        ("10.0.0.1/32", "10.0.0.1"),
        ("::ffff:203.0.113.0/120", "203.0.113.0/24"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("::ffff:0:0/96", "0.0.0.0/0"),
        ("::ffff:0:0/95", "::fffe:0:0/95"),
        ("2001:db8::1/32", "2001:db8::/32"),
        ("10.0.0.0/255.0.0.0", "10.0.0.0/8"),
    ],
)
def test_parse_network(text: str, expected: str) -> None:
    assert network_text(parse_network(text)) == expected


@pytest.mark.parametrize(
    ("trusted_hops", "expected"),
    [(63, "198.51.100.7"), (64, "10.0.0.2")],
    ids=["client-at-the-last-hop-walked", "client-one-hop-beyond"],
)
def test_the_walk_reads_at_most_max_hops_entries(trusted_hops: int, expected: str) -> None:
    """The header's last 64 entries (``MAX_HOPS``) are read, no more: a client behind 63 trusted hops is
    found, one behind 64 is not (the walk stops at the last trusted hop it read)."""
    header = ", ".join(["198.51.100.7"] + ["10.0.0.2"] * trusted_hops)
    assert resolve_client_ip("10.0.0.1", header, PROXIES) == expected


@pytest.mark.parametrize(
    "entry",
    [
        "[2001:db8::7]x",
        "[2001:db8::7]:",
        "[2001:db8::7]:44a",
        "[2001:db8::7]:a4",
        "[2001:db8::7]443",
        "198.51.100.7:",
        "198.51.100.7:\u00b2",  # a superscript two: str.isdigit() takes it, a port is ASCII digits
        "[2001:db8::7]:\u0664\u0664\u0663",  # Arabic-Indic digits
    ],
)
def test_a_bracket_or_port_that_is_not_one_stops_the_walk(entry: str) -> None:
    assert resolve_client_ip("10.0.0.1", entry, PROXIES) == "10.0.0.1"


def test_a_network_with_a_zone_is_refused_in_words() -> None:
    """``SLS_TRUSTED_PROXIES`` and an allowlist's entries say this to whoever wrote the zone."""
    with pytest.raises(ValueError, match=r"^a zone is not part of a network: 'fe80::/64%eth0'$"):
        parse_network("fe80::/64%eth0")

"""Where another machine reaches a server bound to every interface (``sls_server/reach.py``), on networks
this machine is not on: each case runs in a network namespace of its own (``unshare``, as root), with only
the routes it sets up and a host name of its own, so the routing table the probe reads is a real one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from sls_server.hostnames import admitted, host_name, own_names
from sls_server.reach import named

#: An IPv6-only network: a link with an IPv6 address and the default route through it, no IPv4 at all.
IPV6_ONLY = (
    "ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up"
    " && ip -6 addr add 2001:db8:5::2/64 dev v0 nodad && ip -6 route add default dev v0"
)
ASKED = (
    "import json; from sls_server.reach import public_url;"
    " print(json.dumps([public_url(h, 5000) for h in ('::', '0.0.0.0', '')]))"
)


def elsewhere(hostname: str, network: str = "true") -> list[str]:
    """``public_url`` for ``::``, ``0.0.0.0`` and ``""`` (port 5000), on a machine named
    ``hostname`` whose network is only loopback and what the shell command ``network`` sets up."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        # .ci/run installs ip (iproute2): under CI, a missing one is a failure, not a silent skip
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            "no unshare or ip here (apt-get install iproute2)"
        )
    if subprocess.run(["unshare", "-n", "-u", "true"], capture_output=True).returncode != 0:
        pytest.skip("no network namespace of its own here (unshare needs root)")
    built = subprocess.run(
        ["unshare", "-n", "-u", "sh", "-c", f"ip link set lo up && {network}"], capture_output=True
    )
    if built.returncode != 0:  # a container may grant the namespace but not a veth pair in it
        pytest.skip(f"this network cannot be built here: {built.stderr.decode(errors='replace').strip()}")
    name = f"import socket; socket.sethostname({hostname!r})"
    script = (
        f'{sys.executable} -c "{name}" && ip link set lo up && {network} && {sys.executable} -c "{ASKED}"'
    )
    done = subprocess.run(["unshare", "-n", "-u", "sh", "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def guard_admits(address: str) -> bool:
    return admitted(host_name(address if ":" not in address else f"[{address}]"), frozenset(own_names()))


def test_an_ipv6_only_network_names_a_server_on_every_family_by_its_ipv6_address() -> None:
    """``--host ::`` with no IPv4 route: only IPv4 was probed, and the class was told the machine's name,
    which an IPv6-only network may well not resolve. An IPv4-only bind is not named by the IPv6 address
    (the server does not listen on it)."""
    every_family, *ipv4_only = elsewhere("lab-3", IPV6_ONLY)
    assert every_family == "http://[2001:db8:5::2]:5000"
    assert ipv4_only == ["http://lab-3:5000"] * 2


def test_no_route_out_names_the_machine_when_the_host_guard_admits_its_name() -> None:
    assert elsewhere("lab-3") == ["http://lab-3:5000"] * 3


def test_no_route_out_and_a_name_the_guard_refuses_prints_an_ip_literal() -> None:
    """A host name that is no DNS name (``-lab``, ``büro-pc``) printed as the class's URL is a URL the Host
    guard answers with 400: an IP literal is printed instead, which the guard admits."""
    for hostname in ("-lab", "büro-pc"):
        assert elsewhere(hostname) == ["http://[::1]:5000", "http://127.0.0.1:5000", "http://127.0.0.1:5000"]


@pytest.mark.parametrize("hostname", ["-lab", "box..lan", "büro-pc", "x" * 64])
def test_a_name_the_guard_refuses_is_never_printed(hostname: str) -> None:
    assert not guard_admits(hostname)
    for bound in ("0.0.0.0", "::", ""):
        printed = named(hostname, bound)
        assert printed != hostname and guard_admits(printed), (bound, printed)


def test_this_machine_s_own_name_is_printed_as_it_is() -> None:
    """The guard answers to this machine's name (``own_names``): it stays the one printed with no route."""
    names = own_names()
    if not names:
        pytest.skip("this machine's name is one the guard refuses")
    assert named(names[0], "::") == names[0]

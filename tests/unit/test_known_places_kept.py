"""The addresses a user has logged in from (``keys.known_ips``, read to tell a new place) are bounded: each
login from a new address added one for good, so a kept demo whose class logs in from a new machine each week,
or a QA farm giving each run its own address, grew every user's set without end (``scripts/soak_state.py``).
At :data:`KNOWN_IPS_KEPT`, remembering a new one forgets another at random, never the one just remembered; a
forgotten address's next login is a new place again (a notice), nothing worse. On a real redis-server."""

from __future__ import annotations

from sls_server.store import Store
from sls_server.store.lockout import KNOWN_IPS_KEPT


def address(n: int) -> str:
    return f"198.51.{n // 250}.{n % 250 + 1}"


def test_the_addresses_kept_are_bounded_and_the_newest_stays(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    for n in range(KNOWN_IPS_KEPT + 25):
        store.lockout.remember_ip("alice", address(n))
        assert store.lockout.is_known_ip("alice", address(n))
    assert len(store.lockout.known_ips("alice")) == KNOWN_IPS_KEPT


def test_an_address_known_already_forgets_none(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    for n in range(KNOWN_IPS_KEPT):
        store.lockout.remember_ip("alice", address(n))
    before = store.lockout.known_ips("alice")
    store.lockout.remember_ip("alice", address(0))
    assert store.lockout.known_ips("alice") == before

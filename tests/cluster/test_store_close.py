"""``Store.close`` on a Cluster closes every connection the store opened: the pooled ones, each thread's own
and the clock's subscription, counted on the nodes themselves. (Through Sentinel: ``test_sentinel.py``.)"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from cluster.topology import LocalCluster, poll
from sls_server.store import Store


def _clients(cluster: LocalCluster) -> dict[int, int]:
    return {node.port: node.clients() for node in cluster.live_nodes()}


def _connections_opened_by(store: Store, user: str) -> None:
    """A batch on this thread's own connection to the master of ``user``'s address window."""
    with store.write_behind():
        store.lockout.remember_ip(user, "192.0.2.9")


def test_closing_the_store_closes_every_connection_it_opened_on_every_master(cluster: LocalCluster) -> None:
    """redis-py's cluster close leaves open a node's pool it was given (the store's ``LeanPool``), and its
    connections stayed open until the cycle collector came to them."""
    before = _clients(cluster)
    store = Store.from_url(cluster.url)
    users = ["alice", "bob", "carol", "dave"]
    for user in users:
        _connections_opened_by(store, user)
    with ThreadPoolExecutor(max_workers=2) as pool:  # other threads' own connections
        list(pool.map(lambda user: _connections_opened_by(store, user), users))
    store.clock.state()  # the clock's subscription, and a read
    opened = _clients(cluster)
    assert sum(opened.values()) >= sum(before.values()) + 3, (before, opened)
    store.close()
    poll(  # Redis notices a closed connection at its next look at the socket
        "every connection the store opened to be closed",
        lambda: all(count <= before[port] for port, count in _clients(cluster).items()),
        timeout_s=10,
    )

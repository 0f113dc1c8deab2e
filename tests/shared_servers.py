"""Servers shared by tests that need one over HTTP and nothing of their own of it (settings, its log from its
start, its stop), each handed to the next test on an emptied Redis with its workers told the clock is gone
(``serve_processes.fresh``), as ``demo_server`` is; ``served_once``, for a module's tests that share
settings; and ``shared_serve``, for tests in any file that ask for the same settings.
A server start costs 1 to 1.7 s of CPU with its workers (docs/performance.md, the suite's time). Loaded by
``tests/conftest.py`` as a plugin, so its fixtures reach every test."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cluster.sentinel_topology import LocalSentinel
from cluster.topology import LocalCluster
from conftest import empty
from serve_processes import ServerProcess, fresh, start_server, stop_server

from sls_server.store.embedded import EmbeddedRedis


def served_once(
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel, folder: Path, workers: int, **env: str
) -> Iterator[ServerProcess]:
    """For a fixture of a wider scope than a test's: one ``sls serve`` on the session's Redis, flushed first
    (it may hold another server's sealed secrets), stopped when the fixture ends. Each test takes it through
    ``fresh``, on an emptied Redis (its ``redis_url``)."""
    server = start_server(empty(redis_session), folder, workers, **env)
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def plain_server_once(
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One ``sls serve --workers 1`` on the default settings for this process's tests that need a server
    over HTTP and nothing of their own of it (settings, its log from its start, its stop): a start each was
    about 1 s of CPU a test (docs/performance.md, the suite's time)."""
    yield from served_once(redis_session, tmp_path_factory.mktemp("plain-server"), workers=1)


@pytest.fixture
def plain_server(plain_server_once: ServerProcess, redis_url: str) -> ServerProcess:
    """The session's one-worker server on an emptied Redis, as if just started (``fresh``)."""
    return fresh(plain_server_once, redis_url)


@pytest.fixture(scope="session")
def racing_server_once(
    redis_session: EmbeddedRedis | LocalCluster | LocalSentinel, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One ``sls serve --workers 2`` on the default settings for this process's tests that race requests
    across a server's workers and need no settings of their own: a start of its own was about 1.7 s of CPU
    a test (docs/performance.md, the suite's time). Started on a flushed Redis, as ``demo_server``."""
    yield from served_once(redis_session, tmp_path_factory.mktemp("racing-server"), workers=2)


@pytest.fixture
def racing_server(racing_server_once: ServerProcess, redis_url: str) -> ServerProcess:
    """The session's two-worker server on an emptied Redis, as if just started (``fresh``)."""
    return fresh(racing_server_once, redis_url)


@pytest.fixture(scope="session")
def servers_by_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ServerProcess]]:
    """The servers ``shared_serve`` started in this process, by their settings; stopped when it ends."""
    started: dict[str, ServerProcess] = {}
    yield started
    for server in started.values():
        stop_server(server)


@pytest.fixture
def shared_serve(
    servers_by_settings: dict[str, ServerProcess],
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., ServerProcess]:
    """``sls_serve``'s call for a test that needs settings of its own but nothing else of its server (its log
    from its start, its stop, a Redis of its own): one server per distinct settings per xdist worker, handed
    to each test on an emptied Redis (``fresh``). Tests in several files ask for the same few settings
    (a trusted proxy, concurrent sessions, a simulators' token), and a start of its own was about 1 s of CPU
    a test (docs/performance.md, the suite's time). Once a test: a server starting on a Redis that holds
    another's key check (written at its start) refuses it, as a second server with a data folder of its own
    would, so a test that wants two takes ``sls_serve`` for the other, with this one's ``SLS_DATA_DIR``."""

    def serve(workers: int = 1, **env: str) -> ServerProcess:
        settings = json.dumps([workers, sorted(env.items())])
        if settings not in servers_by_settings:
            folder = tmp_path_factory.mktemp("shared-serve")
            servers_by_settings[settings] = start_server(redis_url, folder, workers, **env)
        return fresh(servers_by_settings[settings], redis_url)

    return serve

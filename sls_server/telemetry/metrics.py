"""Prometheus metrics, counted in the process that served the request, summed across gunicorn workers.

Why in-process and not in Redis: every login already writes its audit event, and a counter in Redis would be
one more round trip on the hot path. So the counters are derived from the events as ``EventLog`` records
them (:func:`observe_event`, one call, no I/O) and from each request's route and duration
(:func:`observe_request`, called by an ``after_request`` hook). What only Redis knows (the live sessions,
the trail's totals) is read when Prometheus scrapes, never while a request is served.

Across workers: ``sls serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` to a private folder of its own before it
forks (:mod:`.multiproc`), so prometheus_client keeps each worker's values in files there and a scrape by
any worker sums them.
Without that variable (the Flask test client, the scenario runner) the values live in this process.
"""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar, cast

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    values,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from ..errors import StoreUnavailable
from ..store.faults import StoreBug
from ..store.records import Event
from .multiproc import MULTIPROC_ENV

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_PID = [os.getpid()]
os.register_at_fork(after_in_child=lambda: _PID.__setitem__(0, os.getpid()))


def _kept_pid() -> int:
    """This process's id, renewed in every forked child: what prometheus_client watches to notice a fork."""
    return _PID[0]


if os.environ.get(MULTIPROC_ENV):
    # In multiprocess mode each inc and observe asks os.getpid(), a system call, to notice a fork (some
    # four a request); the documented identifier hook takes the kept one instead. Set before any value is
    # made: the labelled children below make theirs on first use.
    values.ValueClass = values.MultiProcessValue(process_identifier=_kept_pid)  # type: ignore[no-untyped-call]  # unannotated upstream

disable_created_metrics()  # type: ignore[no-untyped-call]  # unannotated upstream; no ``*_created`` series: Prometheus reads resets from the counters themselves

#: The process's own metrics; in multiprocess mode their values go to files and this registry is unused.
REGISTRY = CollectorRegistry(auto_describe=True)

LOGIN_ATTEMPTS = Counter(
    "sls_login_attempts",
    "Login steps judged, by result (success, invalid_credentials, account_locked, rate_limited, "
    "ip_restricted, invalid_response, ...) and factor (password for the first step).",
    ["result", "factor"],
    registry=REGISTRY,
)
LOCKOUTS = Counter(
    "sls_lockouts",
    "Locks that began: kind account (wrong passwords), device (wrong responses), card_pin (the card's own).",
    ["kind"],
    registry=REGISTRY,
)
MESSAGES_SENT = Counter(
    "sls_messages_sent",
    "Codes and notifications sent, by channel (sms, voice, push) and outcome: delivered (reason none, or "
    "sim_swapped: to the handset holding a swapped SIM) or dropped by the network (reason carrier_blocked, "
    "needs_restart, roaming_lost).",
    ["channel", "outcome", "reason"],
    registry=REGISTRY,
)
REDIS_ERRORS = Counter(
    "sls_redis_errors",
    "Requests that Redis failed: kind unavailable (503 store_unavailable) or bug (500, a refused command).",
    ["kind"],
    registry=REGISTRY,
)
REQUESTS = Counter(
    "sls_http_requests",
    "Requests served, by route pattern, method and status.",
    ["route", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "sls_http_request_duration_seconds",
    "Time from the first to the last hook of a request, by route pattern and method.",
    ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
#: Gauges of each worker's budget of long-held requests (``sls_server.long_held``), summed over the live
#: workers; set only when an app is built and when such a request starts or ends, never by a login.
LONG_HELD_BUDGET = Gauge(
    "sls_long_held_budget",
    "Requests that may hold a worker thread for seconds at once (outbox waits, trainer feeds): half of "
    "each worker's threads, summed over the live workers.",
    multiprocess_mode="livesum",
    registry=REGISTRY,
)
LONG_HELD = Gauge(
    "sls_long_held_requests",
    "Requests holding a worker thread for seconds now, by kind (outbox_wait, trainer_feed), summed over the "
    "live workers.",
    ["kind"],
    multiprocess_mode="livesum",
    registry=REGISTRY,
)

#: event type -> (result, factor) of a login step; ``None`` takes it from the event.
_LOGIN_STEPS: dict[str, tuple[str | None, str | None]] = {
    "login.password_ok": ("success", "password"),
    "login.password_failed": ("invalid_credentials", "password"),
    "login.refused": (None, "password"),
    "ip.rejected": ("ip_restricted", "password"),
    "login.second_factor_failed": ("invalid_response", None),
    "login.succeeded": ("success", None),
}
_LOCKS = {"account.locked": "account", "device.locked": "device", "card.pin_locked": "card_pin"}
_SENT = {"sms.sent": "sms", "voice.called": "voice", "push.sent": "push"}
#: Why the network dropped a text (``sls_devices.phone.route_sms``'s notes), and where one went instead of
#: the subscriber's phone: a bounded set, the label's only values besides ``none``.
DROP_REASONS = ("carrier_blocked", "needs_restart", "roaming_lost")
DIVERTED = "sim_swapped"
#: Every (channel, outcome, reason) a message can be counted under, at zero from the first scrape.
MESSAGE_SERIES = (
    *(("sms", "dropped", reason) for reason in DROP_REASONS),
    *((channel, "delivered", reason) for channel in ("sms", "voice") for reason in ("none", DIVERTED)),
    ("push", "delivered", "none"),
)


def _message_outcome(event: Event) -> tuple[str, str]:
    """(outcome, reason) of a message's event. A text the network dropped was counted as sent like one
    delivered, and one a swapped SIM took to another handset as the subscriber's: the event says which, in
    its result and its notes."""
    notes = (event.detail or {}).get("notes") or ()
    if event.result == "dropped":
        return "dropped", next((note for note in notes if note in DROP_REASONS), "unknown")
    return "delivered", DIVERTED if DIVERTED in notes else "none"


def observe_event(event: Event) -> None:
    """Count what ``event`` says happened. Called for every event recorded, folded floods included."""
    step = _LOGIN_STEPS.get(event.type)
    if step is not None:
        if event.type == "ip.rejected" and event.result != "login_refused":
            return
        result, factor = step
        _child(LOGIN_ATTEMPTS, result or event.result or "unknown", factor or event.factor or "unknown").inc()
    elif event.type in _LOCKS:
        _child(LOCKOUTS, _LOCKS[event.type]).inc()
    elif event.type in _SENT:
        _child(MESSAGES_SENT, _SENT[event.type], *_message_outcome(event)).inc()


#: (metric, label values) -> its labelled child: ``labels()`` validates and locks on every call, and these
#: are every request's and every event's bookkeeping. Bounded as the labels are: routes are patterns,
#: methods a fixed set, results, factors and kinds the server's own words.
_children: dict[tuple[MetricWrapperBase, tuple[str, ...]], MetricWrapperBase] = {}
_M = TypeVar("_M", bound=MetricWrapperBase)


def _child(metric: _M, *labels: str) -> _M:
    key = (metric, labels)
    found = _children.get(key)
    if found is None:
        found = _children[key] = metric.labels(*labels)
    return found  # type: ignore[return-value]  # the child of a _M is a _M; ``cast`` is a call (12 a flow)


#: Methods counted by name; any other token a client sends is counted as ``other``, so the series a client
#: can create stay bounded (a route pattern is already bounded: an unmatched path counts as one pattern).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    counted = method if method in METHODS else "other"
    _child(REQUESTS, route, counted, str(status)).inc()
    _child(LATENCY, route, counted).observe(seconds)


def set_long_held_budget(size: int) -> None:
    """This process's budget (with several apps in one process, as in tests: the last one built)."""
    LONG_HELD_BUDGET.set(size)


def observe_long_held(kind: str, change: int) -> None:
    _child(LONG_HELD, kind).inc(change)


def zero_known_series() -> None:
    """Make every series of the counters and gauges that mostly stay at zero, at zero in this process (a
    labelled child is made at zero; in multiprocess mode that writes its zero to this process's file): each
    is there from the first scrape, so an alert on ``increase(...)`` or on a series' absence tells zero from
    "not scraped". Idempotent."""
    from ..long_held import KINDS  # it counts into this module: imported here, not at the top

    for kind in _LOCKS.values():
        _child(LOCKOUTS, kind)
    for series in MESSAGE_SERIES:
        _child(MESSAGES_SENT, *series)
    for failure in REDIS_ERROR_KINDS:
        _child(REDIS_ERRORS, failure)
    for held in KINDS:
        _child(LONG_HELD, held)


#: ``sls_redis_errors_total``'s kinds: Redis unreachable (503), or a command it refused (500).
REDIS_ERROR_KINDS = ("unavailable", "bug")


def observe_redis_error(kind: str) -> None:
    _child(REDIS_ERRORS, kind).inc()


class _StoreBugCounter(logging.Handler):
    """Counts the requests that failed on a command Redis refused (``StoreBug``): the app's last-resort
    handler logs each with its exception, and that record is the one place the HTTP layer sees it."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and isinstance(record.exc_info[1], StoreBug):
            observe_redis_error("bug")


def count_store_bugs(logger: logging.Logger) -> None:
    """Attach the counter to ``logger`` once, however many apps this process builds."""
    if not any(isinstance(handler, _StoreBugCounter) for handler in logger.handlers):
        logger.addHandler(_StoreBugCounter(logging.ERROR))


class ScrapeTime(Collector):
    """Metrics read from Redis when Prometheus asks (a scrape may cost round trips; a request may not):
    ``sls_active_sessions`` and the trail's ``sls_events_total`` by type, the same from every worker."""

    def __init__(self, live_sessions: Callable[[], int], event_totals: Callable[[], dict[str, int]]) -> None:
        self._live_sessions = live_sessions
        self._event_totals = event_totals

    def collect(self) -> Iterator[Metric]:
        """Nothing from Redis while it cannot serve (counted as a Redis error): the workers' own counters are
        still worth a scrape, and Prometheus shows the gap."""
        try:
            live, totals_by_type = self._live_sessions(), self._event_totals()
        except StoreUnavailable:
            observe_redis_error("unavailable")
            return
        sessions = GaugeMetricFamily("sls_active_sessions", "Sessions live now (not ended, idle or expired).")
        sessions.add_metric([], live)
        yield sessions
        totals = CounterMetricFamily(
            "sls_events",
            "Audit events recorded, by type (kept in Redis: every instance agrees).",
            labels=["type"],
        )
        for type_, count in sorted(totals_by_type.items()):
            totals.add_metric([type_], count)
        yield totals


class _OwnMetrics(Collector):
    """This process's metrics, when there are no worker files to sum."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


class _WorkerFiles(MultiProcessCollector):
    """Every worker's metric files, but those a worker is still making. prometheus_client creates a file
    empty, then sizes it: a scrape reading it in between (a worker booting, at start-up or after gunicorn
    replaced one) failed on the empty header (``struct.error``), and the whole scrape was a 500. A file too
    short for its header holds no value yet: left out, it is read at the next scrape."""

    def collect(self) -> Iterable[Metric]:
        files = [name for name in glob.glob(os.path.join(self._path, "*.db")) if _sized(name)]
        merged = self.merge(files, accumulate=True)  # type: ignore[no-untyped-call]  # prometheus_client: unannotated
        return cast(Iterable[Metric], merged)


def _sized(name: str) -> bool:
    """Whether the file has its 8-byte header (the used size, padding); a file gone (a dead worker's live
    gauge) is left out too."""
    try:
        return os.path.getsize(name) >= 8
    except FileNotFoundError:
        return False


def render(scrape_time: ScrapeTime) -> bytes:
    """The Prometheus text of every worker's metrics (or this process's) and the scrape-time ones."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(scrape_time)  # first: a Redis error it meets is in the counters read after it
    folder = os.environ.get(MULTIPROC_ENV)
    if folder:
        _WorkerFiles(registry, path=folder)  # type: ignore[no-untyped-call]  # registers itself
    else:
        registry.register(_OwnMetrics())
    return generate_latest(registry)

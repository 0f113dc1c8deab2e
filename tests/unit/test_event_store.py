"""The audit trail's store: retention by age on a real redis-server, and flood counts exact under racing
threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import redis
from freezegun import freeze_time

from sls_bench.redis_stats import masters
from sls_server.events import EventLog
from sls_server.store import Store, keys

RETENTION = 3600


def _log(redis_url: str, window_s: int = 60) -> tuple[EventLog, redis.Redis]:
    store = Store.from_url(redis_url)
    return EventLog(store.events, retention_s=RETENTION, window_s=window_s), store.client


def test_events_older_than_the_retention_are_trimmed_and_younger_ones_kept(redis_url: str) -> None:
    events, r = _log(redis_url)
    pipe = r.pipeline(transaction=False)
    for n in range(1, 1001):  # ids are Redis's clock in ms: these were written in January 1970
        pipe.xadd(keys.EVENTS, {"e": '{"at":0,"type":"ancient"}'}, id=f"{n}-0")
    pipe.execute()
    events.record("recent.one", at=1)
    events.record("recent.two", at=2)
    ancient = sum(1 for _, fields in r.xrange(keys.EVENTS) if "ancient" in fields["e"])
    assert ancient <= 100  # whole stream nodes go: at most one node of expired events lingers
    assert [e["type"] for e in events.page(limit=1000)[0] if e["type"].startswith("recent")] == [
        "recent.one",
        "recent.two",
    ]


def test_no_count_of_recent_events_pushes_the_oldest_out(redis_url: str) -> None:
    events, r = _log(redis_url)
    events.record("user.created", at=1, user="alice")
    first = r.xrange(keys.EVENTS)[0][0]
    pipe = r.pipeline(transaction=False)
    for _ in range(100_500):  # well past the old MAXLEN cap (100,000), all inside the retention
        pipe.xadd(keys.EVENTS, {"e": '{"at":2,"type":"filler"}'})
    pipe.execute()
    events.record("user.deleted", at=3, user="alice")
    assert r.xlen(keys.EVENTS) == 100_502
    assert events.page(limit=1)[0][0]["id"] == first


def test_flood_counts_are_exact_under_racing_threads(redis_url: str) -> None:
    events, _ = _log(redis_url)

    def refuse(n: int) -> str | None:
        ip = "203.0.113.1" if n % 2 else "203.0.113.2"
        return events.record_flood("login.refused", per="ip", at=1000 + n % 7, ip=ip, result="rate_limited")

    with ThreadPoolExecutor(16) as pool:
        written = [event_id for event_id in pool.map(refuse, range(2000)) if event_id]
    assert len(written) == 2  # one per address in the window
    page, _ = events.page(limit=1000, now=1060)  # reading after the window closed summarises it
    summaries = [e for e in page if e["type"] == "events.summary"]
    assert sorted((s["ip"], s["detail"]["count"], s["detail"]["suppressed"]) for s in summaries) == [
        ("203.0.113.1", 1000, 999),
        ("203.0.113.2", 1000, 999),
    ]
    assert {s["detail"]["window_start"] for s in summaries} == {960}
    assert {s["detail"]["window_end"] for s in summaries} == {1020}
    assert events.counters()["login.refused"] == 2000


def test_a_new_window_writes_again_and_summarises_the_last(redis_url: str) -> None:
    events, _ = _log(redis_url, window_s=60)
    for at in (600, 601, 602, 660):
        events.record_flood("ip.rejected", per="ip", at=at, ip="203.0.113.9", result="login_refused")
    events.record_flood("push.rate_limited", per="user", at=661, user="alice")
    page, _ = events.page(limit=100)
    assert [(e["type"], e["at"]) for e in page] == [
        ("ip.rejected", 600),
        ("events.summary", 660),
        ("ip.rejected", 660),
        ("push.rate_limited", 661),
    ]
    assert page[1]["detail"] == {
        "type": "ip.rejected",
        "window_start": 600,
        "window_end": 660,
        "count": 3,
        "suppressed": 2,
    }


def test_a_clock_moved_back_closes_the_open_window(redis_url: str) -> None:
    events, _ = _log(redis_url, window_s=60)
    for _ in range(3):
        events.record_flood("login.refused", per="ip", at=5000, ip="203.0.113.9", result="account_locked")
    events.record("clock.moved", at=100)  # any event closes windows that are no longer current
    summaries = [e for e in events.page(limit=100)[0] if e["type"] == "events.summary"]
    assert [(s["detail"]["count"], s["detail"]["window_start"]) for s in summaries] == [(3, 4980)]


def test_a_lone_event_in_its_window_gets_no_summary(redis_url: str) -> None:
    events, r = _log(redis_url, window_s=60)
    events.record_flood("login.refused", per="ip", at=10, ip="203.0.113.9", result="rate_limited")
    events.page(now=500)
    assert [e["type"] for e in events.page(limit=100)[0]] == ["login.refused"]
    assert r.hlen(keys.EVENT_WINDOWS) == r.zcard(keys.EVENT_WINDOWS_DUE) == 0  # nothing left behind


def _summary_of(events: EventLog, *refused: tuple[str | None, dict[str, object] | None]) -> dict[str, object]:
    """The summary of one address's flood of refusals, each naming a user or a name no user has."""
    for user, detail in refused:
        events.record_flood(
            "login.refused",
            per="ip",
            at=600,
            user=user,
            ip="203.0.113.9",
            result="rate_limited",
            detail=detail,
        )
    (summary,) = [e for e in events.page(limit=100, now=700)[0] if e["type"] == "events.summary"]
    return summary


def test_a_flood_by_address_at_one_user_names_that_user(redis_url: str) -> None:
    """A summary by address lost whom its events named, and the console said "Login as a user refused"."""
    events, _ = _log(redis_url)
    summary = _summary_of(events, *[("card-carl", None)] * 3)
    assert summary["user"] == "card-carl"
    assert summary["detail"] == {
        "type": "login.refused",
        "window_start": 600,
        "window_end": 660,
        "count": 3,
        "suppressed": 2,
    }


def test_a_flood_by_address_at_one_unknown_name_names_it_by_its_reference(redis_url: str) -> None:
    events, _ = _log(redis_url)
    summary = _summary_of(events, *[(None, {"unknown_username": True, "name_ref": "3f9a"})] * 2)
    assert "user" not in summary
    assert (summary["detail"]["unknown_username"], summary["detail"]["name_ref"]) == (True, "3f9a")


def test_a_flood_by_address_at_several_names_counts_them(redis_url: str) -> None:
    events, _ = _log(redis_url)
    unknown = {"unknown_username": True, "name_ref": "3f9a"}
    summary = _summary_of(
        events, ("carl", None), (None, unknown), ("sam", None), ("carl", None), (None, unknown)
    )
    assert "user" not in summary
    detail = summary["detail"]
    assert (detail["users"], detail["unknown_names"], "more_names" in detail) == (2, 1, False)


def test_a_flood_by_address_keeps_ten_names_and_says_more_came(redis_url: str) -> None:
    events, r = _log(redis_url)
    events.record_flood(
        "login.refused", per="ip", at=600, user="user-0", ip="203.0.113.9", result="rate_limited"
    )
    for n in range(1, 30):  # a stuffing list: the window's value stays small whatever its length
        events.record_flood(
            "login.refused", per="ip", at=600, user=f"user-{n}", ip="203.0.113.9", result="rate_limited"
        )
    (value,) = r.hvals(keys.EVENT_WINDOWS)
    assert value.split()[2:] == [f"user-{n}" for n in range(10)] + ["+"]
    (summary,) = [e for e in events.page(limit=100, now=700)[0] if e["type"] == "events.summary"]
    assert (summary["detail"]["users"], summary["detail"]["more_names"]) == (10, True)


def test_a_flood_by_user_keeps_no_names(redis_url: str) -> None:
    events, r = _log(redis_url)
    for _ in range(2):
        events.record_flood("push.rate_limited", per="user", at=600, user="ivy", ip="203.0.113.9")
    assert r.hvals(keys.EVENT_WINDOWS) == ["600 2"]
    (summary,) = [e for e in events.page(limit=100, now=700)[0] if e["type"] == "events.summary"]
    assert summary["user"] == "ivy" and "users" not in summary["detail"]


def test_a_worker_trims_the_trail_at_most_once_a_second(redis_url: str) -> None:
    """A trim asks Redis for its clock (``TIME``, for the trim point) and does the trim's work: once a second
    is enough to keep the trail within the retention (and a second), and the appends between skip both."""
    events, _ = _log(redis_url)

    def times() -> int:
        return sum(
            int(n.info("commandstats").get("cmdstat_time", {}).get("calls", 0)) for n in masters(redis_url)
        )

    with freeze_time("2026-12-05 09:00:00") as frozen:
        before = times()
        for n in range(5):
            events.record("user.updated", at=n, user="heidi")
        assert times() == before + 1
        frozen.tick(1.0)
        events.record("user.updated", at=9, user="heidi")
        assert times() == before + 2

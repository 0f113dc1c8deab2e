"""What the flow's scripts ask of Redis inside a round trip, counted by Redis itself (``INFO commandstats``,
which counts a script's own commands too). Each ``redis.call`` costs Redis some microseconds of conversion
beyond its command (docs/performance.md, "What Redis and the collector cost"), and Redis shares the
machine's cores with the workers: the writes that would change nothing are skipped, and a hash is read
once. ``test_round_trips.py`` holds the round trips; this holds the calls those diets took out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from conftest import EnrolledUser
from freezegun import freeze_time
from round_trip_kit import flow

from sls_bench.redis_stats import masters
from sls_server.store import Store
from sls_server.store.records import UserRecord

NOW = 1_900_000_000


def _commands(redis_url: str) -> Counter[str]:
    """Every command's calls so far, summed over the masters."""
    calls: Counter[str] = Counter()
    for node in masters(redis_url):
        for name, value in node.info("commandstats").items():
            calls[name.removeprefix("cmdstat_")] += int(value["calls"])
        node.close()
    return calls


def _counted_flow(alice: EnrolledUser, redis_url: str) -> dict[str, Counter[str]]:
    """The commands each step of one flow ran (the observer's own INFO left out)."""
    counted: dict[str, Counter[str]] = {}

    def step(name: str, run: Callable[[], Any]) -> Any:
        before = _commands(redis_url)
        answer = run()
        counted[name] = _commands(redis_url) - before
        counted[name].pop("info", None)
        return answer

    flow(alice, step)
    return counted


def test_requests_in_the_second_of_the_last_write_nothing_to_the_session(
    alice: EnrolledUser, redis_url: str
) -> None:
    """The session is made with its idle expiry and last activity of that second: a request in the same
    second would write them as they are (``session_touch.lua``)."""
    with freeze_time("2026-12-05 09:00:00"):
        flow(alice, lambda _, run: run())  # scripts loaded, the card remembered as the one offered first
        counted = _counted_flow(alice, redis_url)
    assert counted["session"]["hset"] == 0
    assert counted["tickle"]["hset"] == 0


def test_a_login_through_the_card_offered_first_does_not_write_it_again(
    alice: EnrolledUser, redis_url: str
) -> None:
    """The verify reads which device the user is offered first with the login (the same round trip); a login
    through that one leaves the user's record alone (``UserRepo.remember_device``, ``hset_if_exists.lua``,
    the step's only ``EXISTS``)."""
    with freeze_time("2026-12-05 09:00:00"):
        flow(alice, lambda _, run: run())
        counted = _counted_flow(alice, redis_url)
    assert counted["verify"]["exists"] == 0


def test_a_password_attempts_reservation_reads_its_lockout_bucket_once(redis_url: str) -> None:
    """``lockout_reserve.lua`` reads the bucket's lock and counts in one ``HMGET`` (and the user's disabled
    flag, on another key)."""
    store = Store.from_url(redis_url)
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    before = _commands(redis_url)
    assert store.lockout.reserve("alice", "all", now=NOW, threshold=5, attempt_id="a1") == ("ok", 0, 0)
    counted = _commands(redis_url) - before
    assert (counted["hmget"], counted["hget"]) == (1, 1)


def test_a_challenge_claim_asks_the_cards_record_for_its_newest_at_once(
    alice: EnrolledUser, redis_url: str
) -> None:
    """``claim_challenge.lua`` asks for the card's newest remembered challenge straight away; only a record
    kept before the bound (a set, refused with WRONGTYPE) makes it ask the key's type and carry it over
    (``test_challenge_issuance.py`` holds that)."""
    flow(alice, lambda _, run: run())
    assert _counted_flow(alice, redis_url)["login"]["type"] == 0

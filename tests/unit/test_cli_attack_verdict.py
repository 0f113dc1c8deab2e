"""``sls attack``'s verdict line for a report whose logins still wait on the victim's phone (push bombing, a
relay's push): not "The defences held." while her pick can still let the attacker in, as the console says."""

from __future__ import annotations

from datetime import UTC, datetime

from sls_server.cli.attack_cmd import pending_verdict

UNTIL = int(datetime(2026, 12, 5, 0, 47, 30, tzinfo=UTC).timestamp())


def test_a_report_waiting_on_the_victim_is_not_over() -> None:
    report = {
        "target": "ivy",
        "verdict": "defences_held",
        "waiting": {"ip": "198.51.100.200", "until": UNTIL},
    }
    assert pending_verdict(report) == (
        "Not over yet: the attacker waits on ivy's phone until 00:47 UTC.",
        "bold yellow",
    )


def test_a_report_with_nothing_waiting_keeps_its_verdict() -> None:
    assert pending_verdict({"target": "ivy", "verdict": "defences_held"}) is None
    got_in = {
        "target": "ivy",
        "verdict": "attacker_got_in",
        "waiting": {"ip": "198.51.100.200", "until": UNTIL},
    }
    assert pending_verdict(got_in) is None

"""What a ``/metrics`` scrape reads: the process's (or every worker's) counters, plus what only Redis knows.

Kept here rather than in the view because the views never reach the store (``tests/unit/test_layout.py``);
the core's services do, and this is one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import metrics

if TYPE_CHECKING:
    from ..wiring import Core


def scrape(core: Core) -> bytes:
    """The Prometheus text; costs the live-session walk and one ``HGETALL`` of the event totals."""
    inventory = core.store.inventory
    return metrics.render(
        metrics.ScrapeTime(
            live_sessions=lambda: inventory.live_sessions(now=core.clock.now()),
            event_totals=core.events.counters,
        )
    )

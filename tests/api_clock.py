"""The frozen instant API tests run at (``conftest.frozen_time``), started once for a run of them.

Each ``freeze_time`` start walks every module loaded (some 2,600 in a worker that collected the whole suite)
to swap the time functions any of them imported by name: about 45 ms, once per API test, more than many of
those tests' own work (docs/performance.md, the suite's time). Started once, the freeze stays on from one
API test to the next in a worker and is only moved back to the instant before each. It ends (``conftest``'s
hooks) as soon as the next test the worker runs is no API test, or none is left, and before a fixture wider
than a test is made or torn down between tests: those ran in real time before and still do (a server's
start waits against a deadline). A test's own ``freeze_time`` inside it costs nothing extra: freezegun walks
the modules only for the outermost freeze."""

from __future__ import annotations

from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory, _freeze_time, freeze_factories


class SharedFreeze:
    """One freeze of the clock at ``instant``, started at most once until :meth:`thaw`."""

    def __init__(self, instant: str) -> None:
        self.instant = instant
        self.freezer: _freeze_time | None = None
        self.clock: FrozenDateTimeFactory | None = None
        self.in_test = False
        """Between the freeze of a test's set-up and the start of the next test's: a fixture made then (one
        a test asks for by name as it runs) is made frozen, as it always was."""

    @property
    def on(self) -> bool:
        return self.clock is not None

    def freeze(self) -> None:
        """The clock at ``instant``: frozen now if it was not, else moved back there (a test before may have
        moved it with its own freezegun, whose own freeze ended with it)."""
        self.in_test = True
        if self.clock is not None:
            self.clock.move_to(self.instant)
            return
        freezer = freeze_time(self.instant)
        clock = freezer.start()
        assert isinstance(clock, FrozenDateTimeFactory)  # no tick asked for
        self.freezer, self.clock = freezer, clock

    def thaw(self) -> None:
        """Real time again, for whatever runs next that is no API test."""
        if self.freezer is None:
            return
        if not freeze_factories or freeze_factories[-1] is not self.clock:
            raise RuntimeError(
                "a freeze_time started in a test was never stopped: the API tests' clock is under it"
            )
        self.freezer.stop()
        self.freezer = self.clock = None

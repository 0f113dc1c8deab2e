"""What the clock's one Redis key holds, as a value: :class:`ClockState`, a running clock's offset from system
time or a frozen clock's instant, and what "now" is under it.

Apart from the repository (``clock``) because the value is plain (no Redis, no lock): the repository's
scripts return it, the process's cache keeps it and parses it from pub/sub messages, and
``sls_server.clock`` turns it into what the admin API shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import text

_FROZEN = "frozen:"


@dataclass(frozen=True)
class ClockState:
    """What the clock's key holds: running ``offset`` seconds ahead of system time, or ``frozen_at``: standing
    at that instant whatever the system time does, until a move (scenarios need the same instants every run).
    """

    offset: int = 0
    frozen_at: int | None = None

    @classmethod
    def parse(cls, value: object) -> ClockState:
        """From the key's (or a message's) value; nothing stored is a running clock at offset 0."""
        raw = text(value) if value else "0"
        if raw.startswith(_FROZEN):
            return cls(frozen_at=int(raw[len(_FROZEN) :]))
        return cls(offset=int(raw))

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def now(self, system_now: int) -> int:
        return self.frozen_at if self.frozen_at is not None else system_now + self.offset

    def offset_at(self, system_now: int) -> int:
        """Seconds ahead of ``system_now`` (a frozen clock falls behind as real time passes)."""
        return self.now(system_now) - system_now

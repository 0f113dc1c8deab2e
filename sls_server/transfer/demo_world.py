"""The demo world kept to go back to: ``sls demo`` seeds its world, then asks the server to keep it
(``PUT /admin/v1/state/demo``); between two runs of a demo the trainer puts it back ("Back to the demo
world" in the console, ``POST /admin/v1/state/demo/restore``, ``sls state restore-demo``): its users,
devices, keys, accounts, apps, phones and clock as they were when kept, the rest wiped.

It is kept as the state document the export writes (``service``), in Redis beside the world, where every
process of the server finds it; a reset and a replacing import keep it (``Store.reset``), as they are what
comes between two runs. Restoring is that document imported with ``replace``, so it is checked whole first
and a refusal changes nothing.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from ..errors import Conflict
from ..shapes.state import DemoWorldHeld, StateCounts, StateDocument
from .export import counts_of
from .service import StateTransfer

if TYPE_CHECKING:
    from ..wiring import Core

NO_DEMO_WORLD = (
    "no demo world is kept on this server: `sls demo` keeps the world it seeds (or `sls state keep-demo` "
    "the world as it is now)"
)


class DemoWorld:
    def __init__(self, core: Core) -> None:
        self._store = core.store
        self._transfer = StateTransfer.of(core)

    @classmethod
    def of(cls, core: Core) -> DemoWorld:
        return cls(core)

    def kept(self) -> bool:
        """Is there a demo world to go back to (the console offers it only then)?"""
        return self._store.has_demo_world()

    def held(self) -> DemoWorldHeld:
        """Whether a demo world is kept, and when (``GET /admin/v1/state/demo``)."""
        kept = self.kept()
        return {"kept": kept, "kept_at_ms": self._store.demo_world_kept_at() if kept else None}

    def keep(self) -> StateCounts:
        """Keep the world as it is now as the demo world; what it holds. Its ``state.exported`` is recorded
        once it is kept (``detail.demo_world``): a console open meanwhile offers the way back from then on."""
        document = self._transfer.export(demo_world=True)
        kept_at_ms = time.time_ns() // 1_000_000  # the trail's ids' clock, not the emulator's
        self._store.keep_demo_world(json.dumps(document, separators=(",", ":")), kept_at_ms=kept_at_ms)
        self._transfer.recorded(document, demo_world=True)
        return counts_of(document)

    def restore(self) -> StateCounts:
        """Wipe the world and put the demo world back; ``Conflict`` when none is kept. Its
        ``state.imported`` says when the world was kept (``detail.kept_at_ms``): a CLI that changed a demo
        user's password before then knows the world brought back holds the changed one (the keep's own
        event went with the trail)."""
        kept = self._store.demo_world()
        if kept is None:
            raise Conflict(NO_DEMO_WORLD)
        document = StateDocument.model_validate_json(kept)
        kept_at_ms = self._store.demo_world_kept_at()
        return self._transfer.import_(document, replace=True, demo_world=True, kept_at_ms=kept_at_ms)

"""The only code that talks to Redis: every key (``keys``), Lua script (``lua/``) and repository, and the
typed records the repositories take and return (``records``: no raw hash leaves the store).

May import redis and ``sls_server.errors`` only; never Flask or the core above it. Every read-modify-write
is one Lua script, registered once per client (one ``Scripts``, made by ``Store`` for all its repositories).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import redis
from redis.cluster import RedisCluster

from ..errors import StoreUnavailable
from . import keys
from .access import AccessRepo
from .attacker_waits import AttackerWaitRepo
from .base import Scripts, guarded, text
from .clock import ClockRepo
from .cluster_ready import ClusterReadiness
from .connection import Client, connect
from .console import ConsoleSignInRepo
from .devices import DeviceRepo
from .events import EventRepo
from .faults import OUTAGE_ERRORS, StoreBug, is_outage
from .gateway import GatewayRepo
from .hints import DeviceHints
from .ibkey import IbKeyRepo
from .inventory import InventoryRepo
from .last_attack import LastAttackRepo
from .lockout import LockoutRepo
from .logins import LoginRepo
from .phone_changes import PhoneChangeRepo
from .phones import PhoneRepo
from .push_bombings import PushBombingRepo
from .recoveries import RecoveryRepo
from .sessions import SessionRepo
from .totp import TotpRepo
from .transaction import Recorder, commit
from .users import UserRepo
from .writebehind import write_behind

__all__ = ["OUTAGE_ERRORS", "Store", "StoreBug", "connect", "is_outage"]

#: Lifetime of the key /readyz writes: long enough to outlive one probe, short enough to leave nothing.
READY_PROBE_TTL_MS = 10_000
#: Keys a reset leaves (beside the console's sign-ins): not the world (``reset``).
KEPT_OVER_RESET = (keys.SECRET_KEY_CHECK, keys.STATE_FORM, keys.DEMO_WORLD, keys.DEMO_WORLD_KEPT_AT)


@guarded
class Store:
    """Every repository, on one client and one :class:`Scripts` (each Lua script registered once)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.scripts = scripts = Scripts(client)
        hints = DeviceHints()
        self.clock = ClockRepo(client, scripts)
        self.users = UserRepo(client, scripts, hints)
        self.devices = DeviceRepo(client, scripts)
        self.logins = LoginRepo(client, scripts, hints)
        self.attacker_waits = AttackerWaitRepo(client, scripts)
        self.push_bombings = PushBombingRepo(client, scripts)
        self.last_attack = LastAttackRepo(client)
        self.lockout = LockoutRepo(client, scripts)
        self.phones = PhoneRepo(client, scripts)
        self.phone_changes = PhoneChangeRepo(client, scripts)
        self.recoveries = RecoveryRepo(client, scripts)
        self.sessions = SessionRepo(client, scripts)
        self.events = EventRepo(client, scripts)
        self.access = AccessRepo(client, scripts)
        self.totp = TotpRepo(client, scripts)
        self.ibkey = IbKeyRepo(client, scripts)
        self.inventory = InventoryRepo(client, scripts)  # operators' whole-keyspace reads
        self.gateway = GatewayRepo(client, scripts)
        self.console = ConsoleSignInRepo(client, scripts)  # the console's and simulators' sign-ins
        self._cluster_ready = (
            ClusterReadiness(client, READY_PROBE_TTL_MS) if isinstance(client, RedisCluster) else None
        )

    @classmethod
    def from_url(cls, url: str, *, timeout_s: float = 2.0) -> Store:
        """A store on ``url``; ``StoreUnavailable`` when it is a Cluster none of whose nodes answers (its
        client reads the slot map when made; the other clients connect on first use)."""
        try:
            client = connect(url, timeout_s=timeout_s)
        except (redis.exceptions.RedisError, redis.exceptions.RedisClusterException) as exc:
            raise StoreUnavailable() from exc
        return cls(client)

    def write_behind(self) -> AbstractContextManager[None]:
        """A block whose unanswered writes (events, bookkeeping) go to Redis together at its end
        (:mod:`.writebehind`)."""
        return write_behind(self.client)

    def ping(self) -> bool:
        return bool(self.client.ping())

    def check_writable(self) -> None:
        """What /readyz asks: can Redis take a write now? Raises ``StoreUnavailable`` if not.

        PING is not enough: Redis answers PONG while it refuses every write, out of memory under
        ``noeviction``, a read-only replica after a failover, stopped after a failed save (MISCONF), short
        of replicas (NOREPLICAS); and every login writes. So write a tiny key that expires by itself.
        Chosen over comparing INFO's ``used_memory`` with ``maxmemory``, which sees only the OOM case and
        misreads an evicting policy (where sitting at maxmemory is normal) as an outage. On a Cluster every
        master takes such a write and must see every slot served (``cluster_ready``), and the error's
        message names what is wrong.
        """
        if self._cluster_ready is not None:
            self._cluster_ready.check()
            return
        self.client.set(keys.READY_PROBE, "1", px=READY_PROBE_TTL_MS)

    def claim_key_check(self, check: str, *, first_form: str) -> str:
        """The key check (``secretbox.key_check``) of the key this Redis's secrets are sealed under: the one
        recorded, else ``check``, recorded now; a recorded ``first_form`` (the same key's check as written
        before) is replaced by ``check``. Kept over :meth:`reset`: the servers of the fleet still run with
        that key, and one started after a wipe with another must still be refused."""
        return text(self.scripts("key_check_claim", [keys.SECRET_KEY_CHECK], [check, first_form]))

    def reset(self) -> int:
        """Delete every key of ours (not FLUSHDB: the Redis may be shared with other data) but the sign-ins
        to the console and the simulator pages, the secret key's check, and the demo world kept to go back
        to (a reset is what a trainer does between two runs of the demo, which then puts it back). A
        trainer who resets the world from the console stays signed in to it (they are the operator's
        access, not the world). The check
        names the key every server on this Redis runs with, which a wipe does not change: gone, the next
        server to start with another key (or none: it makes one) would claim it, and answer 500 for every
        card enrolled through the others, which would then be refused at their next start."""
        deleted = 0
        found = self.world_keys()
        for start in range(0, len(found), 500):
            deleted += self.client.unlink(*found[start : start + 500])
        self.clock.announce_reset()
        return deleted

    def world_keys(self) -> list[str]:
        """Every key a :meth:`reset` deletes: ours, but the console's sign-ins and :data:`KEPT_OVER_RESET`."""
        return [
            text(key)
            for key in self.client.scan_iter(match=keys.EVERY_KEY, count=1000)
            if not text(key).startswith(keys.CONSOLE) and text(key) not in KEPT_OVER_RESET
        ]

    @property
    def transactional(self) -> bool:
        """Whether writes can go as one MULTI/EXEC (:meth:`in_one_step`): on one Redis, not a Cluster."""
        return isinstance(self.client, redis.Redis)

    def recording(self) -> tuple[Store, Recorder]:
        """A store whose writes are recorded, not sent (``transaction``), and its recorder."""
        assert isinstance(self.client, redis.Redis), "a Cluster has no transaction across slots"
        recorder = Recorder(self.client)
        store = Store(recorder)
        recorder.names = store.scripts.names()
        return store, recorder

    def in_one_step(
        self, watched: list[str], checks: Callable[[], None], record: Callable[[], Recorder]
    ) -> list[str] | None:
        """``transaction.commit`` on this store's Redis, its failures told as every store call's are (a lost
        connection: ``StoreUnavailable``)."""
        assert isinstance(self.client, redis.Redis), "a Cluster has no transaction across slots"
        return commit(self.client, watched, checks, record)

    def keep_demo_world(self, document: str, *, kept_at_ms: int) -> None:
        """Keep ``document`` (a state document, JSON) as the demo world, over the one kept before, and when
        (wall-clock ms), in one step."""
        both = self.client.pipeline(transaction=True)
        both.set(keys.DEMO_WORLD, document)
        both.set(keys.DEMO_WORLD_KEPT_AT, kept_at_ms)
        both.execute()

    def demo_world_kept_at(self) -> int | None:
        """When the demo world was kept (wall-clock ms); None for one kept by a server before it was said."""
        found = self.client.get(keys.DEMO_WORLD_KEPT_AT)
        return int(found) if found is not None and text(found).isdigit() else None

    def demo_world(self) -> str | None:
        """The demo world's state document as kept, or None when no ``sls demo`` kept one."""
        found = self.client.get(keys.DEMO_WORLD)
        return None if found is None else text(found)

    def has_demo_world(self) -> bool:
        return bool(self.client.exists(keys.DEMO_WORLD))

    def close(self) -> None:
        self.client.close()

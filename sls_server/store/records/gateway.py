"""The gateway's one session (``keys.gateway_session``): the real session a browser login established, and
the brokerage session's state beside it (what the gateway's REST routes report)."""

from __future__ import annotations

from typing import NamedTuple, TypedDict

from ...frozen import frozen
from .codec import Fields, dataclass_fields, to_hash


@frozen
class GatewayRecord:
    session_id: str
    """The public id of the session the login created (never its token): every rule of that session
    (automatic logoff, the absolute lifetime, a disabled user, IP rules) still applies to the gateway."""
    username: str
    established_at: int
    paper: bool = False
    """Logged in in paper trading mode."""
    authenticated: bool = True
    """The brokerage session is up."""
    connected: bool = True
    """The gateway reaches the brokerage's servers."""
    competing: bool = False
    """Another platform's session competes for the brokerage session."""

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> GatewayRecord:
        f = Fields("gateway session", raw)
        return cls(
            session_id=f.text("session_id"),
            username=f.text("username"),
            established_at=f.integer("established_at"),
            paper=f.flag("paper"),
            authenticated=f.flag("authenticated"),
            connected=f.flag("connected"),
            competing=f.flag("competing"),
        )

    def to_hash(self) -> dict[str, str]:
        return to_hash(dataclass_fields(self))


class BrokerageChanges(TypedDict, total=False):
    """What staging or a reauthentication changes on the gateway's session."""

    authenticated: bool
    connected: bool
    competing: bool


class GatewayEnding(NamedTuple):
    """How the gateway's last session ended, while that is news (``GatewayRepo.ended``): the 401's ``reason``,
    its cause (None when a version that did not keep it wrote the reason) and when, on the app clock."""

    reason: str
    ended_by: str | None
    at: int


class GatewayProcess(NamedTuple):
    """One live ``sls gateway`` process of the instance, as its lease says (``GatewayRepo.processes``): where
    it runs and since when, in real time (Unix s: a lease is about the process, not the app clock)."""

    host: str
    pid: int
    port: int
    since: int
    #: The master's pid namespace (``cli.gateway_liveness``): where its pid means it; '' unknown.
    ns: str = ""


class GatewayLease(NamedTuple):
    """A live process's lease as Redis holds it now (``GatewayRepo.leases``): whose (its token, its process),
    and in ms of real time how long ago it was taken or renewed and how long it has left. A live process
    renews it every third of it; a process killed without its stop lets it run down to nothing."""

    token: str
    process: GatewayProcess
    age_ms: int
    left_ms: int

"""A login transaction (``keys.login``): a second-factor step of a login or a step-up, and how it settled.

``state`` is ``second_factor`` until a Lua script settles it: ``authenticated``, ``approved`` (a push,
until the first poll collects it), ``failed``, ``denied``, ``expired``, ``exhausted``, ``revoked`` (its user
was disabled or deleted) or ``device_revoked`` (an approved push whose device was revoked or replaced before
the poll collected it). A pending step whose device was revoked or replaced stays pending, marked
``device_gone``: no answer on that device settles it, and a switch to another factor moves it off the mark.
"""

from __future__ import annotations

from dataclasses import field
from typing import TypedDict

from ...frozen import frozen
from .codec import Fields, dataclass_fields, to_hash


class PromptFields(TypedDict, total=False):
    """What a factor's prompt leaves on the transaction to check the answer (``factors.Prompt``), and what
    the login or step-up adds (``binding``, ``session_id``); a switch to another factor writes these too,
    ``None`` clearing one (``mode``: a push must not stay a push after a switch)."""

    factor: str
    device_id: str
    binding: str
    session_id: str
    challenge: str
    mode: str | None
    match: str
    nonce: str
    notification_id: str
    code_sealed: str


@frozen
class LoginTxn:
    txn_id: str
    username: str
    purpose: str
    """``login``, or the step-up's purpose (``withdrawal``...)."""
    state: str
    factor: str
    device_id: str
    created_at: int
    expires_at: int
    """The current prompt's deadline."""
    attempts_left: int
    dies_at: int | None = None
    """The transaction's absolute end, whatever is switched or resent (None: a transaction from before
    the limit, which ends with its prompt)."""
    switches_left: int | None = None
    """Switches and new codes the step may still ask for: one is reserved before its prompt is sent
    (``login_switch_reserve.lua``), and given back if the prompt is refused before anything was sent."""
    prompt_no: int | None = None
    """Names the current prompt: 0 for the step's first, else the ticket of the switch that wrote it (its
    reservation's number, 1 up: ``login_switch_reserve.lua``, ``login_switch_commit.lua``). None: a step from
    before prompts were named."""
    epoch: str | None = None
    ip: str | None = None
    failed_before: int | None = None
    """Wrong passwords since the user's last login, as the password step found them (None: none); the
    login tells the user if it succeeds (``auth/suspicious.py``), and so for ``new_place``."""
    new_place: bool | None = None
    """The password step's address is none the user logged in from before (None: not new, or a step-up)."""
    lock_bucket: str | None = None
    """The lockout bucket the login's password was counted in (``auth.lockout``): while it is locked the
    login's answer is refused (423) and no session is made; None for a step-up (whose request's bucket is
    judged when it is answered)."""
    binding: str | None = field(default=None, repr=False)
    """SHA-256 of the login token that binds the login to its client."""
    session_id: str | None = None
    challenge: str | None = None
    mode: str | None = None
    """IB Key: ``push`` or ``challenge``; None for factors answered one way only."""
    match: str | None = None
    nonce: str | None = None
    notification_id: str | None = None
    code_sealed: str | None = field(default=None, repr=False)

    @property
    def prompt(self) -> str:
        """Which prompt of the step this copy holds (:data:`prompt_no`). The scripts that settle an answer
        compare it with the stored one, so an answer checked against a prompt replaced meanwhile does not
        settle ('' for a step from before prompts were named: not compared). Not ``switches_left``: that
        count moves when a switch is reserved, before its prompt is sent and written, and an answer read in
        between would then be checked against the old prompt under the new one's name."""
        return "" if self.prompt_no is None else str(self.prompt_no)

    settled_at: int | None = None
    collected_at: int | None = None
    device_gone: str | None = None
    """The device this step was on when it was revoked or replaced (``logins_device_revoked.lua``)."""

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> LoginTxn:
        f = Fields("login", raw)
        get = raw.get  # a text that may be absent, read inline: ``Fields.maybe_text``
        return cls(
            txn_id=f.text("txn_id"),
            username=f.text("username"),
            purpose=f.text("purpose"),
            state=f.text("state"),
            factor=f.text("factor"),
            device_id=f.text("device_id"),
            created_at=f.integer("created_at"),
            expires_at=f.integer("expires_at"),
            attempts_left=f.count("attempts_left"),
            dies_at=f.maybe_integer("dies_at"),
            switches_left=f.maybe_integer("switches_left"),
            prompt_no=f.maybe_integer("prompt_no"),
            epoch=get("epoch") or None,
            ip=get("ip") or None,
            failed_before=f.maybe_integer("failed_before"),
            new_place=f.maybe_flag("new_place"),
            lock_bucket=get("lock_bucket") or None,
            binding=get("binding") or None,
            session_id=get("session_id") or None,
            challenge=get("challenge") or None,
            mode=get("mode") or None,
            match=get("match") or None,
            nonce=get("nonce") or None,
            notification_id=get("notification_id") or None,
            code_sealed=get("code_sealed") or None,
            settled_at=f.maybe_integer("settled_at"),
            collected_at=f.maybe_integer("collected_at"),
            device_gone=get("device_gone") or None,
        )

    def to_hash(self) -> dict[str, str]:
        return to_hash(dataclass_fields(self))

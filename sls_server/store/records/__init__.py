"""Typed records in and out of the store: what each Redis hash (or JSON value) holds, as `@frozen` classes
(``sls_server.frozen``: frozen for the type checker, plain slotted dataclasses at run time).

Repositories take and return these, never raw ``dict[str, str]``. Each record's ``from_hash``/``to_hash``
(``from_json``/``to_json`` for JSON values) is the one place its fields are decoded and encoded, by the rules
of :mod:`.codec`: flags are booleans, instants integers, absent fields ``None``.
"""

from __future__ import annotations

from .access import AccountDeletionLeft, AccountRecord, UserAccess
from .codec import CorruptRecord
from .devices import DeviceChanges, DeviceRecord
from .events import Event, EventRecord
from .ibkey import AppRecord, AppUser, PushNotification
from .lockout import LockoutState
from .logins import LoginTxn, PromptFields
from .phones import PhoneConditions, TextMessage, VoiceCall
from .sessions import SessionRecord
from .users import DeletionLeft, LoginView, UserChanges, UserRecord

__all__ = [
    "AccountDeletionLeft",
    "AccountRecord",
    "AppRecord",
    "AppUser",
    "CorruptRecord",
    "DeletionLeft",
    "DeviceChanges",
    "DeviceRecord",
    "Event",
    "EventRecord",
    "LockoutState",
    "LoginTxn",
    "LoginView",
    "PhoneConditions",
    "PromptFields",
    "PushNotification",
    "SessionRecord",
    "TextMessage",
    "UserAccess",
    "UserChanges",
    "UserRecord",
    "VoiceCall",
]

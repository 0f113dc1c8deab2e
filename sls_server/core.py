"""Wire the core services together once per app; nothing here knows about HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Clock
from .config import Settings
from .enrolment import DeviceService
from .events import EventLog
from .factors import FactorRegistry
from .factors.dscplus import DscPlusFactor
from .iprules import IpRestrictions
from .lockout import Lockout, LockoutPolicy
from .login import LoginService
from .passwords import PasswordHasher
from .secretbox import SecretBox
from .sessions import SessionService
from .simulator import CardSimulator
from .store import Store
from .users import UserService


@dataclass(frozen=True)
class Core:
    settings: Settings
    store: Store
    clock: Clock
    events: EventLog
    users: UserService
    devices: DeviceService
    factors: FactorRegistry
    sessions: SessionService
    logins: LoginService
    cards: CardSimulator
    lockout: Lockout
    ip_rules: IpRestrictions


def build_core(settings: Settings, store: Store) -> Core:
    if settings.secret_key is None:
        raise ValueError("build_core needs a resolved secret key (see runtime.resolve_secrets)")
    box = SecretBox(settings.secret_key)
    events = EventLog(store.events)
    hasher = PasswordHasher(settings.hash_profile)
    dscplus = DscPlusFactor(box, store.devices, pin_attempts=settings.card_pin_attempts)
    factors = FactorRegistry([dscplus])
    users = UserService(store, hasher, events)
    devices = DeviceService(store, factors, events)
    ip_rules = IpRestrictions(store, events)
    sessions = SessionService(
        store,
        events,
        idle_timeout=settings.idle_timeout,
        absolute_timeout=settings.absolute_timeout,
        concurrency=settings.session_concurrency,
        ip_guard=ip_rules.allowed,
    )
    lockout = Lockout(store.lockout, events, LockoutPolicy.from_settings(settings))
    logins = LoginService(
        store,
        users,
        devices,
        factors,
        sessions,
        events,
        challenge_ttl=settings.challenge_ttl,
        verify_attempts=settings.verify_attempts,
        lockout=lockout,
        checks=[ip_rules],
    )
    return Core(
        settings=settings,
        store=store,
        clock=Clock(store.clock),
        events=events,
        users=users,
        devices=devices,
        factors=factors,
        sessions=sessions,
        logins=logins,
        cards=CardSimulator(devices, dscplus, events),
        lockout=lockout,
        ip_rules=ip_rules,
    )

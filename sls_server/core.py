"""Wire the core services together once per app; nothing here knows about HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Clock
from .config import Settings
from .enrolment import DeviceService
from .events import EventLog
from .factors import FactorRegistry
from .factors.dscplus import DscPlusFactor
from .factors.totp import TotpFactor
from .iprules import IpRestrictions
from .lockout import Lockout, LockoutPolicy
from .login import LoginService
from .second_factor import SecondFactor
from .passwords import PasswordHasher
from .phones import PhoneService
from .secretbox import SecretBox
from .sessions import SessionService
from .simulator import CardSimulator
from .store import Store
from .store.base import Scripts
from .store.totp import TotpRepo
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
    steps: SecondFactor
    logins: LoginService
    cards: CardSimulator
    lockout: Lockout
    phones: PhoneService
    ip_rules: IpRestrictions


def build_core(settings: Settings, store: Store) -> Core:
    if settings.secret_key is None:
        raise ValueError("build_core needs a resolved secret key (see runtime.resolve_secrets)")
    box = SecretBox(settings.secret_key)
    events = EventLog(store.events)
    phones = PhoneService(store, events, send_limit=settings.sms_send_limit, send_window=settings.sms_send_window)
    hasher = PasswordHasher(settings.hash_profile)
    dscplus = DscPlusFactor(box, store.devices, pin_attempts=settings.card_pin_attempts)
    factors = FactorRegistry([dscplus, TotpFactor(box, TotpRepo(store.client, Scripts(store.client)))])
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
    steps = SecondFactor(
        store, devices, factors, events, lockout,
        challenge_ttl=settings.challenge_ttl, verify_attempts=settings.verify_attempts,
    )
    logins = LoginService(store, users, steps, sessions, events, checks=[ip_rules], lockout=lockout)
    return Core(
        settings=settings,
        store=store,
        clock=Clock(store.clock),
        events=events,
        users=users,
        devices=devices,
        factors=factors,
        sessions=sessions,
        steps=steps,
        logins=logins,
        cards=CardSimulator(devices, dscplus, events),
        lockout=lockout,
        phones=phones,
        ip_rules=ip_rules,
    )

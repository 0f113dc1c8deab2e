"""Wire the core services together once per app; nothing here knows about HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from .accounts.access import IpRestrictions
from .accounts.devices import DeviceService
from .accounts.name_refs import NameRefs
from .accounts.opening import AccountOpening
from .accounts.passwords import PasswordHasher
from .accounts.users import UserService
from .auth.address_limits import AddressLimits
from .auth.console import ConsoleSignIns
from .auth.console_access import ConsoleAccess
from .auth.device_lockout import DeviceLockout
from .auth.lockout import Lockout
from .auth.lockout_policy import LockoutPolicy
from .auth.login import LoginService
from .auth.metrics_access import MetricsAccess
from .auth.password_recovery import PasswordRecovery
from .auth.password_reset import PasswordResets
from .auth.password_step import IpCheck, PasswordStep
from .auth.phone_change import PhoneChanges
from .auth.phone_change import pepper_from as phone_change_pepper
from .auth.prompts import Prompts
from .auth.recovery_codes import pepper_from as recovery_pepper
from .auth.second_factor import SecondFactor
from .auth.sessions import SessionService
from .auth.stepup import StepUp
from .auth.suspicious import NewPlaceCheck, SuspiciousNotices
from .auth.tasks import SensitiveTasks
from .auth.token_guesses import TokenGuesses
from .clock import Clock, ClockService
from .config import Settings
from .errors import StoreUnavailable
from .events import EventLog
from .factors import FactorRegistry
from .factors.challenges import ChallengeIssuer, ChallengePolicy
from .factors.dscplus import DscPlusFactor
from .factors.ibkey.factor import IbKeyFactor
from .factors.sms import SmsFactor, VoiceFactor
from .factors.temporary import TemporaryPasscodeFactor
from .factors.totp import TotpFactor
from .gateway import GatewayService, Outbox
from .long_held import LongHeld
from .secretbox import device_box
from .sim.attacker_waits import AttackerWaits
from .sim.authenticator import AuthenticatorApp
from .sim.card import CardSimulator
from .sim.card_keypad import CardKeypads
from .sim.ibkey.app import IbKeyAppService
from .sim.ibkey.phone_storage import PhoneApps
from .sim.notices import Notifier
from .sim.phones import PhoneService
from .store import Store
from .store.faults import outage_words_unaddressed
from .transfer.reseal import Resealer


@dataclass(frozen=True)
class Core:
    settings: Settings
    store: Store
    clock: Clock
    clock_service: ClockService
    events: EventLog
    users: UserService
    devices: DeviceService
    opening: AccountOpening
    factors: FactorRegistry
    sessions: SessionService
    steps: SecondFactor
    logins: LoginService
    cards: CardSimulator
    keypads: CardKeypads
    authenticator: AuthenticatorApp
    lockout: Lockout
    device_lockout: DeviceLockout
    address_limits: AddressLimits
    phones: PhoneService
    notifier: Notifier
    stepup: StepUp
    tasks: SensitiveTasks
    password_resets: PasswordResets
    recovery: PasswordRecovery
    phone_changes: PhoneChanges
    ip_rules: IpRestrictions
    ibkey: IbKeyAppService
    attacker_waits: AttackerWaits
    gateway: GatewayService
    outbox: Outbox
    long_held: LongHeld
    console: ConsoleSignIns
    console_access: ConsoleAccess
    metrics_access: MetricsAccess
    resealer: Resealer

    def check_ready(self) -> None:
        """Raise ``StoreUnavailable`` unless Redis takes a write (``/readyz``), its message saying why: an
        operator reading the 503 (a load balancer's log, ``curl``) learns which check failed, the Redis error
        code and the system's words for a failed connection ("Connection refused"), as a Cluster's probe says.
        Never where Redis is: ``/readyz`` answers anyone who can reach the port, and a host, port or socket
        path tells a classroom where an unauthenticated Redis may listen. The store's warning for the failed
        write (``Redis cannot serve Store.check_writable: ...``) keeps redis-py's words with the address."""
        try:
            self.store.check_writable()
        except StoreUnavailable as exc:
            cause = exc.__cause__
            if cause is None or exc.message != StoreUnavailable.message:  # the Cluster's probe said why
                raise
            words = outage_words_unaddressed(cause)  # a code ("OOM"), or with the system's words
            raise StoreUnavailable(
                f"Redis did not take the readiness probe's write (a short-lived key): {words}."
            ) from cause

    def reset_world(self) -> int:
        """Wipe every key of the emulator (users, devices, sessions, lockouts, inboxes, events) and record
        that it happened as the new trail's first event; how many keys went."""
        deleted = self.store.reset()
        self.events.record("emulator.reset", at=self.clock.now(), detail={"keys_deleted": deleted})
        return deleted


def build_core(settings: Settings, store: Store) -> Core:
    if settings.secret_key is None:
        raise ValueError("build_core needs a resolved secret key (see runtime.resolve_secrets)")
    box = device_box(settings.secret_key)
    name_refs = NameRefs(settings.secret_key)
    events = EventLog(
        store.events,
        retention_s=settings.event_retention,
        window_s=settings.event_summary_window,
        name_refs=name_refs,
    )
    phones = PhoneService(
        store, events, send_limit=settings.sms_send_limit, send_window=settings.sms_send_window
    )
    hasher = PasswordHasher(settings.hash_profile)
    issuer = ChallengeIssuer(store.devices, events, ChallengePolicy.from_settings(settings))
    dscplus = DscPlusFactor(box, issuer, pin_attempts=settings.card_pin_attempts)
    ibkey_factor = IbKeyFactor.from_settings(settings, box, store, phones, events, dscplus)
    totp = TotpFactor(box, store.totp)
    factors = FactorRegistry(
        [
            dscplus,
            totp,
            TemporaryPasscodeFactor(box, default_days=settings.temporary_passcode_days),
            SmsFactor(box, phones, store.users, code_ttl=settings.sms_code_ttl),
            VoiceFactor(box, phones, store.users, code_ttl=settings.sms_code_ttl),
            ibkey_factor,
        ]
    )
    notifier = Notifier(store, phones)
    devices = DeviceService(store, factors, events, notify=notifier.notify)
    users = UserService(
        store,
        hasher,
        events,
        notify=notifier.notify,
        phone_moved=devices.following_phone,
        leave_apps=PhoneApps(store, ibkey_factor.repo, box).leaving,
    )
    ip_rules = IpRestrictions(store, events)
    sessions = SessionService(
        store,
        events,
        idle_timeout=settings.idle_timeout,
        absolute_timeout=settings.absolute_timeout,
        concurrency=settings.session_concurrency,
        limit=settings.session_limit,
        ip_guard=ip_rules.allowed,
    )
    notices = SuspiciousNotices(notifier.notify)
    lockout = Lockout(store.lockout, events, LockoutPolicy.from_settings(settings), notices)
    device_lockout = DeviceLockout(store.lockout, store.devices, events, lockout.policy.device_limit)
    prompts = Prompts(
        store,
        devices,
        factors,
        events,
        challenge_ttl=settings.challenge_ttl,
        verify_attempts=settings.verify_attempts,
    )
    steps = SecondFactor(store, devices, factors, events, lockout, device_lockout)
    ip_check = IpCheck(ip_rules, events, silent=settings.ip_refusal == "silent")
    password = PasswordStep(
        users, events, name_refs, checks=[ip_check, lockout, NewPlaceCheck(store.lockout)]
    )
    logins = LoginService(store, password, prompts, steps, sessions.issuer, events, notices)
    stepup = StepUp(prompts, steps, sessions, events, password, validity=settings.stepup_validity)
    clock = Clock(store.clock)
    long_held = LongHeld(settings.threads)
    phone_changes = PhoneChanges(
        store.phone_changes,
        users,
        phones,
        events,
        pepper=phone_change_pepper(settings.secret_key),
        code_ttl=settings.sms_code_ttl,
    )
    recovery = PasswordRecovery(
        store.recoveries,
        users,
        phones,
        prompts,
        steps,
        sessions,
        events,
        ip_rules,
        store.phones,
        pepper=recovery_pepper(settings.secret_key),
        code_ttl=settings.sms_code_ttl,
        validity=settings.stepup_validity,
        ip_limit=settings.ip_throttle_limit,
        ip_window=settings.ip_throttle_window,
        known=store.lockout.is_known_ip,
    )
    attacker_waits = AttackerWaits(store.attacker_waits, logins, events, recovery, store.push_bombings)
    authenticator = AuthenticatorApp(devices, totp)
    ibkey_apps = IbKeyAppService(
        store,
        box,
        ibkey_factor,
        devices=devices,
        users=users,
        password=password,
        phones=phones,
        steps=steps,
        events=events,
        attacker_waits=attacker_waits,
    )
    prompts.pushed = lambda txn, now: ibkey_apps.approve_by_itself(txn, now=now)
    console = ConsoleSignIns(
        store,
        idle_timeout=settings.console_idle_timeout,
        absolute_timeout=settings.console_absolute_timeout,
    )
    return Core(
        settings=settings,
        store=store,
        clock=clock,
        clock_service=ClockService(clock, events),
        events=events,
        users=users,
        devices=devices,
        opening=AccountOpening(users, devices),
        factors=factors,
        sessions=sessions,
        steps=steps,
        logins=logins,
        cards=CardSimulator(devices, dscplus, events),
        keypads=CardKeypads(devices, dscplus, events, settings.secret_key),
        authenticator=authenticator,
        lockout=lockout,
        device_lockout=device_lockout,
        address_limits=AddressLimits(store.lockout, events, lockout.policy),
        phones=phones,
        notifier=notifier,
        stepup=stepup,
        tasks=SensitiveTasks(
            stepup, phone_changes, events, sessions, password, users, ip_rules, notifier.notify
        ),
        phone_changes=phone_changes,
        password_resets=PasswordResets(users, sessions),
        recovery=recovery,
        ip_rules=ip_rules,
        ibkey=ibkey_apps,
        attacker_waits=attacker_waits,
        resealer=Resealer(box, factors, ibkey_apps),
        gateway=GatewayService(
            store,
            sessions,
            events,
            instance=settings.gateway_instance,
            daily_reset=settings.gateway_daily_reset,
        ),
        outbox=Outbox(
            store,
            users,
            phones,
            clock,
            code_ttl=settings.sms_code_ttl,
            long_held=long_held,
            authenticator=authenticator,
        ),
        long_held=long_held,
        console=console,
        console_access=ConsoleAccess(console, events, settings, TokenGuesses(store.lockout, lockout.policy)),
        metrics_access=MetricsAccess(
            settings, TokenGuesses(store.lockout, lockout.policy, pool="metrics"), events, clock
        ),
    )

"""Start-up work shared by ``create_app`` and the CLI: secrets from the data folder, and the store.

Generated secrets are made once, whole, mode 0600, in a folder only their owner may write
(``private_files``), so gunicorn workers starting together on one machine all read the same key instead of
each making its own, and another local user cannot read them or put their own in their place.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import os
import secrets
import tempfile
from pathlib import Path

from . import start_files
from .config import ADMIN_TOKEN_FILE, SECRET_KEY_FILE, Settings
from .config_values import bearer_token, parse_key_text
from .errors import InvalidConfig, StoreUnavailable
from .private_files import create_once, private_folder
from .secretbox import key_check
from .store import Store
from .store.base import outage_said_by_caller
from .store.connection import database
from .store.embedded import EmbeddedRedis, EmbeddedRedisError
from .store.faults import StoreBug, outage_reason
from .store.upgrade import upgrade_stored_state

log = logging.getLogger(__name__)


def new_instance_id() -> str:
    """A server run's id (``/healthz`` says it; the data folder's records name it): random, 32 hex digits.
    Not a secret: it tells which run answers at a URL, and opens nothing."""
    return secrets.token_hex(16)


def read_or_create(path: Path, make: str) -> str:
    """The secret kept at ``path``, made from ``make`` if none is (whole before its name appears, so workers
    starting together read one value; a start that fails takes it back: ``start_files``); refused,
    ``OSError``, when the file is not this user's own or is empty (a crash while it was written, before this
    module made it whole first)."""
    start_files.lock(path.parent)  # a start on the folder that may yet take back its secrets ends first
    kept = create_once(path, make + "\n").strip()
    if kept == make:
        start_files.made(path, make + "\n")  # taken back if this start fails (``start_files``)
        log.info("generated %s", path)
    if not kept:
        raise OSError(f"{path} is empty: remove it to have a new one made")
    return kept


def data_folder(path: Path) -> Path:
    """The data folder, made if missing (0700, this user's: ``private_folder``), before anything is written in
    it. One that cannot be (a file in its place or on its path, a folder of another user's) stops the start
    naming ``SLS_DATA_DIR``: it was told as the first file that could not be written in it
    (``SLS_SECRET_KEY: unset, and <dir>/secret.key could not be used: File exists``), or as a traceback
    from the embedded Redis's folder when both secrets were set."""
    try:
        folder = private_folder(path)
        if not os.access(folder, os.W_OK | os.X_OK):  # a folder of ours made read-only (chmod 500)
            raise PermissionError("this user may not write in it")
        # Root passes the mode check: a folder it still cannot write in (a read-only kernel file system, an
        # NFS export mapping root to nobody) was told by the first file written, as SLS_SECRET_KEY's fault.
        try:
            descriptor, probe = tempfile.mkstemp(dir=folder, prefix=".sls-write-probe.")
        except OSError as exc:
            raise PermissionError(f"a file cannot be written in it ({exc.strerror or exc})") from None
        os.close(descriptor)
        os.unlink(probe)
        return folder
    except FileExistsError:
        reason = "a file is there, where a folder must be"
    except NotADirectoryError:
        reason = "a file is on its path, where a folder must be"
    except OSError as exc:
        reason = why(exc)
    raise InvalidConfig("SLS_DATA_DIR", f"{path} cannot be the data folder: {reason}")


def why(exc: OSError) -> str:
    """An ``OSError`` in words without its errno and file descriptor (``[Errno 21] Is a directory: 4``)."""
    if exc.strerror and exc.filename is not None:
        return f"{exc.strerror}: {exc.filename}" if not isinstance(exc.filename, int) else exc.strerror
    return exc.strerror or str(exc)


def resolve_secrets(settings: Settings) -> Settings:
    """Fill in the secret key and admin token from the data folder where they were not configured."""
    if settings.secret_key is None or settings.admin_token is None:
        data_folder(settings.data_dir)
    secret_key = settings.secret_key
    if secret_key is None:
        path = settings.data_dir / SECRET_KEY_FILE
        try:
            secret_key = parse_key_text(read_or_create(path, secrets.token_bytes(32).hex()))
        except OSError as exc:
            raise InvalidConfig(
                "SLS_SECRET_KEY", f"unset, and {path} could not be used: {why(exc)}"
            ) from None
        except ValueError as exc:
            raise InvalidConfig("SLS_SECRET_KEY", f"unset, and {path} could not be used: {exc}") from None
        if len(secret_key) != 32:
            raise InvalidConfig("SLS_SECRET_KEY", f"unset, and {path} does not hold 32 bytes")
    admin_token = settings.admin_token
    if admin_token is None:
        path = settings.data_dir / ADMIN_TOKEN_FILE
        try:
            # held to the rule of SLS_ADMIN_TOKEN here, before a worker exists: each worker's settings check
            # refused a short one after the banner, naming a variable the operator never set
            admin_token = bearer_token(read_or_create(path, secrets.token_urlsafe(32)))
        except OSError as exc:
            raise InvalidConfig(
                "SLS_ADMIN_TOKEN", f"unset, and {path} could not be used: {why(exc)}"
            ) from None
        except ValueError as exc:
            raise InvalidConfig("SLS_ADMIN_TOKEN", f"unset, and {path} could not be used: {exc}") from None
    return dataclasses.replace(settings, secret_key=secret_key, admin_token=admin_token)


def start_embedded_redis(settings: Settings) -> EmbeddedRedis:
    data_folder(settings.data_dir)
    try:
        server = EmbeddedRedis(settings.data_dir / "redis").start()
    except EmbeddedRedisError as exc:
        raise InvalidConfig(
            "SLS_REDIS_URL", f"unset, and the embedded Redis could not start: {exc}"
        ) from None
    atexit.register(server.stop)
    return server


def open_store(settings: Settings) -> tuple[Settings, Store]:
    """The store for ``settings``; with no Redis URL, an embedded redis-server started for this process."""
    if settings.redis_url is None:
        server = start_embedded_redis(settings)
        settings = dataclasses.replace(settings, redis_url=server.url)
    assert settings.redis_url is not None
    try:
        return settings, Store.from_url(settings.redis_url, timeout_s=settings.redis_timeout)
    except StoreUnavailable as exc:
        # only a Cluster client connects when made (to read the slot map): say which setting to check
        reason = exc.__cause__ or exc
        raise InvalidConfig("SLS_REDIS_URL", f"no node of the Redis Cluster answered ({reason})") from None


def claim_secret_key(settings: Settings, *, quiet: bool = False) -> bool:
    """Refuse to serve a Redis whose secrets are sealed under another ``SLS_SECRET_KEY``: two instances on
    one Redis with keys of their own (each data folder makes one) would each answer 500 for the other's
    cards and apps. The first server records its key's check (``Store.claim_key_check``); a later one must
    match it, after a world wipe too (the check outlives it). A Redis that does not answer now is not judged
    (False; said in a warning unless ``quiet``): the server starts and answers 503 until it is back, as
    always, and ``cli.key_watch`` judges it then."""
    assert settings.secret_key is not None and settings.redis_url is not None
    mine = key_check(settings.secret_key)
    try:
        store = Store.from_url(settings.redis_url, timeout_s=settings.redis_timeout)
        index = database(store.client)
        try:
            with outage_said_by_caller():  # below, naming the setting: one line for one cause
                recorded = store.claim_key_check(mine, first_form=key_check(settings.secret_key, form=1))
        finally:
            store.close()
    except StoreUnavailable as exc:
        if not quiet:
            log.warning(
                "SLS_REDIS_URL: Redis did not answer at start-up (%s): every request that needs it answers "
                "503 store_unavailable until it does, and the secret key is checked against it then",
                outage_reason(exc.__cause__ or exc),
            )
        return False
    except StoreBug as exc:  # it answered, and refused: the URL's options or the user's rights are wrong
        if exc.database_refused:
            raise InvalidConfig(
                "SLS_REDIS_URL",
                f"the database index {index} is out of range for this Redis (it has 16 databases, 0 to 15, "
                "unless its `databases` setting says more)",
            ) from None
        raise InvalidConfig("SLS_REDIS_URL", f"Redis refused the start-up check: {exc}") from None
    if recorded != mine:
        raise InvalidConfig(
            "SLS_SECRET_KEY",
            "this Redis holds secrets sealed under another key (another server's, or an earlier one of "
            "this data folder's): start with that server's SLS_SECRET_KEY (its data folder's secret.key) "
            "or on a Redis of its own; a wipe keeps the key's check, so to change the key stop every "
            "server on this Redis and delete the emulator's keys first (docs/operations.md#scaling-out)",
        )
    return True


def upgrade_state(settings: Settings) -> None:
    """Carry over what an earlier release stored on this Redis (``store.upgrade``), once, before any request
    is served: a scan at start-up, never on a request's path. A Redis that does not answer now is left for
    the next start (``claim_secret_key`` has said so); requests meanwhile read the state as it is."""
    assert settings.redis_url is not None
    try:
        store = Store.from_url(settings.redis_url, timeout_s=settings.redis_timeout)
        try:
            upgrade_stored_state(store)
        finally:
            store.close()
    except StoreUnavailable as exc:
        log.warning(
            "SLS_REDIS_URL: the stored state of an earlier release was not carried over (%s): it will be at "
            "the next start",
            outage_reason(exc.__cause__ or exc),
        )

"""The start-up steps ``sls serve``, ``sls demo`` and ``sls gateway`` share, before gunicorn runs
(``serve_run``).

Order matters: validate the configuration, bind the port, resolve the secrets, then start the embedded
Redis (once, here in the master). Anything wrong stops the start before a worker exists, as one red line
and exit code 2.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

import click

from ..config import ADMIN_TOKEN_FILE, Settings, load_settings, unknown_variables
from ..errors import InvalidConfig
from ..exposure import admin_token_reused, metrics_exposure, simulators_exposure
from ..hostnames import admitted, host_name
from ..runtime import claim_secret_key, new_instance_id, resolve_secrets, start_embedded_redis, upgrade_state
from ..store.embedded import EmbeddedRedis
from .gunicorn_app import Listener
from .gunicorn_logs import log_to_stderr
from .output import EXIT_USAGE, JSON_ASKED, CliError
from .server_options import CLI_ENV, json_logs_asked
from .start_lines import held_until_started

#: ``SLS_*`` variables that are no setting yet are read: the command line's own, and the test suite's Redis.
NOT_SETTINGS = frozenset({*CLI_ENV, "SLS_SESSION_TOKEN", "SLS_TEST_REDIS", "SLS_TEST_REDIS_SERVER"})


@contextlib.contextmanager
def config_errors() -> Iterator[None]:
    """A InvalidConfig becomes ``error: SLS_X: message`` and exit code 2."""
    try:
        yield
    except InvalidConfig as exc:
        raise CliError(exc.message, EXIT_USAGE, code=exc.code) from None


@dataclasses.dataclass
class Startup:
    """What the master resolved before forking: the settings the workers get, and where things are."""

    settings: Settings
    listener: Listener
    embedded: EmbeddedRedis | None
    token_source: str
    #: Whether the secret key was checked against Redis (False: Redis did not answer; ``key_watch`` then).
    key_checked: bool = True
    #: This start's run of the server (``runtime.new_instance_id``): every worker says it (``/healthz``),
    #: and the data folder's record of the server names it (``recorded_process``). Made here, in the
    #: process that starts the workers, once a start.
    instance_id: str = dataclasses.field(default_factory=new_instance_id)


def answering_to(settings: Settings, host: str) -> Settings:
    """The settings with the name ``--host`` gives among ``allowed_hosts``: clients call the server by it.
    An address, a wildcard or localhost needs no admitting (``hostnames``), so it is not added."""
    name = host_name(host)
    if admitted(name, frozenset()) or name is None:
        return settings
    return dataclasses.replace(settings, allowed_hosts=tuple(dict.fromkeys((*settings.allowed_hosts, name))))


def errors_as_json_logs() -> None:
    """Under ``SLS_LOG_FORMAT=json`` every line is a JSON object, the one that stops the server too: its
    error (a bad setting, a Redis that holds another key) is told as ``--json`` tells it. It was the one
    text line, ``error: ...``, that a log collector could not read, and the one that mattered most."""
    if json_logs_asked():
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.meta[JSON_ASKED] = True


def start(overrides: dict[str, Any], host: str, port: int) -> Startup:
    """Settings, the bound port, the secrets and the embedded Redis (when no URL is configured). A start that
    cannot happen raises ``CliError`` (exit code 2) with nothing left running and its log lines dropped
    (``start_lines``): the error is its one line."""
    errors_as_json_logs()
    with held_until_started():
        return _start(overrides, host, port)


def _start(overrides: dict[str, Any], host: str, port: int) -> Startup:
    with config_errors():
        settings = answering_to(load_settings(overrides), host)
    # the master's lines before gunicorn runs (an unanswering Redis, below) in the format the rest will have
    log_to_stderr(settings.log_format == "json", settings.log_level)
    token_source = (
        "SLS_ADMIN_TOKEN" if settings.admin_token is not None else str(settings.data_dir / ADMIN_TOKEN_FILE)
    )
    listener = Listener(host, port)  # before anything is written or started: a busy port changes nothing
    embedded = None
    try:
        with config_errors():
            settings = resolve_secrets(settings)
            if settings.redis_url is None:
                embedded = start_embedded_redis(settings)
                settings = dataclasses.replace(settings, redis_url=embedded.url)
            key_checked = claim_secret_key(settings)
            if key_checked:  # on the Redis the key was checked on: ours to bring to this release's form
                upgrade_state(settings)
    except BaseException:
        listener.close()
        if embedded is not None:
            embedded.stop()
        raise
    return Startup(settings, listener, embedded, token_source, key_checked)


def startup_warnings(startup: Startup) -> list[str]:
    """Valid settings an operator should still hear about once: each warning says what is exposed, and how
    to close it."""
    said = (
        metrics_exposure(startup.settings, startup.listener.host),
        simulators_exposure(startup.settings, startup.listener.host),
        admin_token_reused(startup.settings),
    )
    return [warning for warning in said if warning] + unknown_variables(NOT_SETTINGS)

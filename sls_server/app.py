"""The app factory. No module-level app and no environment read at import: ``create_app`` does it all."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, request

from .config import MAX_BODY_BYTES, load_settings
from .http.routing import CachedBuilderRule
from .key_gate import KeyGate
from .runtime import new_instance_id, open_store, resolve_secrets
from .wiring import build_core


class SlsFlask(Flask):
    """Flask, with each hook's and view's sync check made once rather than on every call, and each URL rule's
    builders compiled once a process (:class:`~.http.routing.CachedBuilderRule`).

    Flask asks ``ensure_sync`` about every before- and after-request hook and the view on every request, and
    each answer is an ``inspect`` walk over the function (a few microseconds, some seven times a request).
    The answer for a function never changes, so it is kept: at most :data:`SYNC_CACHE` of them, the hooks,
    views and handlers an app registers being far fewer (a function made per call, as
    ``copy_current_request_context`` makes, is asked about anew once the cache is full)."""

    SYNC_CACHE = 1024
    url_rule_class = CachedBuilderRule

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync = _SyncAnswers(self, self.SYNC_CACHE)
        # The kept answers' own lookup, a C method, stands in for this method on the instance: an answer
        # kept costs Flask no call of Python (seven a request); one not kept is worked out by ``__missing__``.
        self.ensure_sync = self._sync.__getitem__  # type: ignore[method-assign, assignment]  # the same call

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return self._sync[func]


class _SyncAnswers(dict[Callable[..., Any], Callable[..., Any]]):
    """Flask's ``ensure_sync`` answers for ``app`` by function, at most ``limit`` of them kept."""

    def __init__(self, app: Flask, limit: int) -> None:
        super().__init__()
        self._app = app
        self._limit = limit

    def __missing__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        found = Flask.ensure_sync(self._app, func)
        if len(self) < self._limit:
            self[func] = found
        return found


def create_app(
    config: Mapping[str, Any] | None = None, *, instance_id: str | None = None, key_checked: bool = True
) -> Flask:
    """The app, from ``config`` (``load_settings``). ``instance_id``: the server run it serves, which
    ``/healthz`` and ``/readyz`` say; the process that starts the workers makes it once a start and gives it
    to each (``cli.serve_run``), so every worker of a run says the same. None: one of its own (a test
    client, another WSGI server), since no run is named. ``key_checked``: False when the start could not
    check the secret key against Redis (it did not answer): the app checks it before it serves
    (``key_gate``)."""
    settings = resolve_secrets(load_settings(config))
    settings, store = open_store(settings)
    core = build_core(settings, store)

    from .http import register
    from .http.bodies import BodyRequest
    from .http.files import FileResponse
    from .http.json_provider import SafeJSONProvider
    from .http.ops import INSTANCE_ID

    app = SlsFlask(__name__)
    # A body read whole as declared, under gunicorn too: never its first part taken for all of it (bodies.py);
    # a file's failed If-Match is an error, not a 412 carrying the file (files.py); status lines say RFC
    # 9110's phrases, which tools match (reason_phrases.py).
    app.request_class = BodyRequest
    app.response_class = FileResponse
    # An encoded slash in a path segment (/users/%2F/devices) arrives decoded; merged, it answered an HTML
    # redirect to another route (the user named "devices"). Unmerged, it matches no route: a JSON 404.
    app.url_map.merge_slashes = False
    # No answer to OPTIONS of Flask's own (a 200 with an empty text/html body): the service serves no CORS
    # preflight (cross-site requests are refused), so an OPTIONS is a 405 in the contract's JSON, with Allow.
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json = SafeJSONProvider(app)  # answers in build order; a nesting limit on every body parsed
    app.extensions["sls"] = core
    app.extensions[INSTANCE_ID] = instance_id or new_instance_id()
    logging.getLogger("sls_server").setLevel(settings.log_level)

    register(app)
    if not key_checked:
        assert settings.secret_key is not None
        _check_the_key_first(app, KeyGate(store, settings.secret_key))
    return app


#: What a worker serves before its key is checked: liveness and the workers' own counters need no key.
KEY_FREE_PATHS = frozenset({"/healthz", "/metrics"})


def _check_the_key_first(app: Flask, gate: KeyGate) -> None:
    """The gate, after every other ``before_request`` hook (a refused Host goes no further, as before)."""

    def check_key() -> None:
        if request.path not in KEY_FREE_PATHS:
            gate.check()

    app.before_request(check_key)

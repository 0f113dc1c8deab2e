"""The request's body read as it was declared, or refused: never a part of it taken for the whole.

Werkzeug trusts a server that terminates the input itself (``wsgi.input_terminated``, which gunicorn sets)
and then reads the body up to the body limit only, without its ``Content-Length``. Two bodies were read
short, and used:

- one that ended before its ``Content-Length`` (a client or proxy that closed early) was read as the bytes
  that came: a JSON body was "not valid JSON", a page's form was parsed without its last fields;
- one sent in chunks (no ``Content-Length``) past the limit was cut at the limit, silently: a JSON body was
  "not valid JSON" rather than too large, and a form's fields before the cut were read and acted on.

:class:`BodyRequest` reads such a body as werkzeug reads one under its own server: to its declared length,
raising werkzeug's ``ClientDisconnected`` when it ends first (``body_incomplete``); a chunked one to one byte
past the limit, raising ``RequestEntityTooLarge`` there (``invalid_request`` naming ``body``), so nothing is
read from a body that is refused (``http.refusals`` words both).
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Any, NoReturn, cast

from flask import Request
from gunicorn.http.errors import NoMoreData, ParseException
from werkzeug.exceptions import BadRequest, ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_input_stream

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class BodyOverLimit(RequestEntityTooLarge):
    """The body itself is over the limit (werkzeug raises its 413 for a form's parts too: ``refusals``)."""


class BodyUnreadable(BadRequest):
    """A body that is not what its ``Content-Type`` says: a form werkzeug cannot parse (read as no form at
    all, it was refused as a missing CSRF token), JSON that is none (Flask's ``BadRequest`` named no field).
    ``refusals`` answers its description as 400 ``invalid_request`` naming ``body``."""


class StrictFormParser(FormDataParser):
    """Werkzeug's form parser, which refuses a malformed form rather than reading it as an empty one."""

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        self.silent = False
        try:
            return super().parse(*args, **kwargs)
        except ValueError as exc:  # werkzeug's words for the form's fault ("Missing boundary"), no input
            raise BodyUnreadable(f"the form is malformed ({exc})") from None


class CappedBody(io.RawIOBase):
    """A body of no declared length, readable up to ``limit`` bytes; a byte more raises the 413."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        super().__init__()
        self._raw = raw
        self._limit = limit
        self._taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        try:
            data = self._raw.read(min(len(view), self._limit + 1 - self._taken))
        except (ParseException, NoMoreData):
            # gunicorn's words for bad chunk framing quote the line it choked on, which may be the body
            # itself, password and all: never passed on (an unexpected error is logged with its message)
            raise BodyUnreadable("the body's chunked framing is malformed") from None
        except TimeoutError:  # the client stopped sending (``cli.gunicorn_worker``): as a declared body's
            raise ClientDisconnected() from None
        self._taken += len(data)
        if self._taken > self._limit:
            raise BodyOverLimit()
        view[: len(data)] = data
        return len(data)


class BodyRequest(Request):
    """Flask's request, whose body stream keeps to the declared length under gunicorn too (the module's),
    and whose form or JSON, malformed, is refused naming the body."""

    form_data_parser_class = StrictFormParser

    def on_json_loading_failed(self, e: ValueError | None) -> NoReturn:
        if e is None:
            raise BodyUnreadable("the body must be JSON, sent with Content-Type: application/json")
        raise BodyUnreadable("the body is not valid JSON")

    @cached_property
    def stream(self) -> IO[bytes]:
        if self.shallow or "wsgi.input_terminated" not in self.environ:
            return super().stream  # werkzeug's own: it raises for a shallow request, and limits the rest
        raw = cast(IO[bytes], self.environ["wsgi.input"])
        declared, limit = self.content_length, self.max_content_length
        if declared is not None:
            if limit is not None and declared > limit:
                raise BodyOverLimit()
            return cast(IO[bytes], LimitedStream(raw, declared))  # ends early: ClientDisconnected
        if limit is not None:
            return cast(IO[bytes], CappedBody(raw, limit))
        return get_input_stream(self.environ)

"""The app's response class, for the files it serves (the pages' static files, the API viewer's): a
precondition the file fails is the contract's error, not werkzeug's 412 with the whole file as its body.

Werkzeug's ``make_conditional`` answers an ``If-Match`` it judges failed by setting the status to 412 and
keeping the body: a client that asked only to be told got ``text/css`` and 25 KB under an error status.
Raised as werkzeug's ``PreconditionFailed`` instead, it reaches the app's handler, which answers
``precondition_failed`` naming ``If-Match`` (``http.refusals``), as JSON or as a page. ``If-Match: *``,
which any file that exists meets, is served, where werkzeug refused it too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import PreconditionFailed
from werkzeug.wrappers import Request

from .reason_phrases import StandardPhraseResponse

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


class FileResponse(StandardPhraseResponse):
    """Flask's response, whose conditional answer to a failed precondition is an error, not the file (and
    whose status line says the standard phrase: ``reason_phrases``)."""

    def make_conditional(
        self, request_or_environ: WSGIEnvironment | Request, *args: Any, **kwargs: Any
    ) -> FileResponse:
        environ = (
            request_or_environ.environ if isinstance(request_or_environ, Request) else request_or_environ
        )
        if environ.get("HTTP_IF_MATCH", "").strip() == "*":
            # met by any file that exists (RFC 9110, 13.1.1); werkzeug judged it failed: a 412
            environ = {name: value for name, value in environ.items() if name != "HTTP_IF_MATCH"}
        super().make_conditional(environ, *args, **kwargs)
        if self.status_code == 412:
            self.close()  # the file it opened is not sent
            raise PreconditionFailed()
        return self

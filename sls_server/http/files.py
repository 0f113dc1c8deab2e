"""The app's response class, for the files it serves (the pages' static files, the API viewer's): a
precondition the file fails is the contract's error, not werkzeug's 412 with the whole file as its body.

Werkzeug's ``make_conditional`` answers an ``If-Match`` it judges failed by setting the status to 412 and
keeping the body: a client that asked only to be told got ``text/css`` and 25 KB under an error status.
Raised as werkzeug's ``PreconditionFailed`` instead, it reaches the app's handler, which answers
``precondition_failed`` naming ``If-Match`` (``http.refusals``), as JSON or as a page."""

from __future__ import annotations

from typing import Any

from flask import Response
from werkzeug.exceptions import PreconditionFailed


class FileResponse(Response):
    """Flask's response, whose conditional answer to a failed precondition is an error, not the file."""

    def make_conditional(self, *args: Any, **kwargs: Any) -> FileResponse:
        super().make_conditional(*args, **kwargs)
        if self.status_code == 412:
            self.close()  # the file it opened is not sent
            raise PreconditionFailed()
        return self

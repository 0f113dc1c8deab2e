"""Status lines with RFC 9110's reason phrases (``404 Not Found``), not werkzeug's upper-case ones
(``404 NOT FOUND``).

The phrase is no decoration to every client: IBeam tells the Client Portal Gateway's outage by
``'Service Unavailable' in str(error)`` (urllib puts the phrase in its ``HTTPError``), as the real gateway
(Netty) words it, and a test staging a Redis outage in gateway mode must see IBeam react as it would to the
real one's. Werkzeug derives the phrase when a status is set as a number; this keeps its table and its
casing rule out of every answer. A status given with its own text is kept as given."""

from __future__ import annotations

from http import HTTPStatus

from flask import Response

#: Python's own phrases (RFC 9110's wording), by code.
PHRASES: dict[int, str] = {status.value: status.phrase for status in HTTPStatus}


class StandardPhraseResponse(Response):
    """Flask's response, whose status line a number sets says the standard phrase."""

    def _clean_status(self, value: str | int | HTTPStatus) -> tuple[str, int]:
        if isinstance(value, int) and value in PHRASES:  # HTTPStatus is an int too
            return f"{int(value)} {PHRASES[value]}", int(value)
        return super()._clean_status(value)  # a status with its own text, or a code Python does not name

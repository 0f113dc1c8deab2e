"""``GET /admin/v1/events?since=``: a cursor Redis cannot read is the client's 400 naming ``since``, never the
500 of ``XRANGE`` answering ``ERR``. A Redis stream id is two unsigned 64-bit integers."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

MAX = 2**64 - 1

REFUSED = [
    f"{MAX + 1}-0",  # 18446744073709551616-0: one past 64 bits
    "99999999999999999999-0",
    f"0-{MAX + 1}",
    f"00{MAX + 1}-0",  # leading zeros do not hide the size
    f"{MAX}-{MAX}",  # the last id of all: nothing follows it (XRANGE "invalid start ID")
    "-1-0",
    "1-",
]
ACCEPTED = [f"{MAX}-0", f"{MAX - 1}-{MAX}", f"{MAX}-{MAX - 1}", "0-0", "0001-0"]


@pytest.mark.parametrize("since", REFUSED)
def test_a_cursor_past_64_bits_is_a_400_naming_since(
    client: FlaskClient, admin_headers: dict[str, str], since: str
) -> None:
    answer = client.get("/admin/v1/events", query_string={"since": since}, headers=admin_headers)
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json() == {
        "error": "invalid_request",
        "message": "since must be a cursor returned by this route",
        "field": "since",
    }


@pytest.mark.parametrize("since", ACCEPTED)
def test_the_largest_cursors_redis_takes_read_on(
    client: FlaskClient, admin_headers: dict[str, str], since: str
) -> None:
    answer = client.get("/admin/v1/events", query_string={"since": since}, headers=admin_headers)
    assert answer.status_code == 200, answer.get_json()
    if since.startswith(str(MAX)[:5]):  # past every event written now
        assert answer.get_json()["events"] == []


def test_is_cursor_is_the_route_s_rule() -> None:
    """The same rule for any other reader of a client's cursor (the trainer's feed takes one too)."""
    from sls_server.shapes.events import STREAM_ID_PART_MAX, is_cursor

    assert STREAM_ID_PART_MAX == MAX
    assert is_cursor("1767225600000-0") and is_cursor(f"{MAX}-0")
    for text in ("", "1", "1-2-3", "a-1", "\u0661-\u0662", f"{MAX + 1}-0", f"{MAX}-{MAX}", " 1-0"):
        assert not is_cursor(text), text

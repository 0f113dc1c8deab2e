"""A body that is no JSON says where and why, as the encoding's refusals always have (a byte order mark,
not UTF-8): an integration developer writing bodies by hand (a trailing comma, a quote left open, a lone
surrogate a fuzzer sent) read "the body is not valid JSON" alone and hunted through a body that looked
right. The reason is the parser's, with its line and column; it echoes nothing of the body. Nothing is
changed: a refused login counts no failure.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ('{"username": "alice", "password": "x",}', "trailing comma at line 1 column 39"),
        ('{"username": "alice",\n "password": "x}', "EOF while parsing a string at line 2 column 16"),
        (
            '{"username": "\\udc00x", "password": "x"}',
            "lone leading surrogate in hex escape at line 1 column 20",
        ),
        ('{"username": tru, "password": "x"}', "expected ident at line 1 column 17"),
        ('{"username": "alice", "password": NaN}', "NaN and Infinity are no JSON numbers"),
        ('{"username": "alice", "password": -Infinity}', "NaN and Infinity are no JSON numbers"),
    ],
)
def test_a_body_that_is_no_json_says_where_and_why(
    client: FlaskClient, admin_headers: dict[str, str], raw: str, why: str
) -> None:
    answer = client.post("/api/v1/auth/login", data=raw, content_type="application/json")
    assert answer.status_code == 400
    assert answer.get_json() == {
        "error": "invalid_request",
        "message": f"the body is not valid JSON: {why}",
        "field": "body",
    }
    assert not client.get("/admin/v1/events?type=login.password_failed", headers=admin_headers).get_json()[
        "events"
    ]

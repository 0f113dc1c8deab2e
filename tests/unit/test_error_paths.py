"""Where a 400 says the error is, inside lists of objects and lists of lists: the path as the body's JSON
writes it (``lines[1].tags[0]``), never the names first and the positions after; ``index`` is always the
position in the list ``field`` names (``sls_server.http.validation``)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import Field
from test_operations import app_with, post

from sls_server.shapes.common import Request


class Line(Request):
    item: str
    tags: list[str] = Field(default_factory=list)


class Basket(Request):
    item: str = "basket"
    lines: list[Line] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    grid: list[list[int]] = Field(default_factory=list)


GOOD = {"item": "tea"}


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (
            {"lines": [GOOD, {"item": 5}]},
            {"field": "lines[1].item", "message": "lines[1].item must be a string"},
        ),
        (
            {"lines": [GOOD, {"item": "jam", "tags": ["ok", 5]}]},
            {
                "field": "lines[1].tags",
                "index": 1,
                "entry": 5,
                "message": "lines[1].tags[1] must be a string",
            },
        ),
        (
            {"lines": [GOOD, GOOD, {"item": "jam", "tags": [7]}]},
            {
                "field": "lines[2].tags",
                "index": 0,
                "entry": 7,
                "message": "lines[2].tags[0] must be a string",
            },
        ),
        (
            {"lines": [GOOD, "jam"]},
            {"field": "lines", "index": 1, "entry": "jam", "message": "lines[1] must be an object"},
        ),
        ({"lines": [GOOD, {}]}, {"field": "lines[1].item", "message": "lines[1].item is required"}),
        (
            {"lines": [{**GOOD, "colour": "red"}]},
            {"field": "lines[0].colour", "message": "unknown field 'lines[0].colour'"},
        ),
        ({"labels": {"a": "x", "b": 5}}, {"field": "labels.b", "message": "labels.b must be a string"}),
        (
            {"grid": [[1], [2, 3], [4, "x"]]},
            {"field": "grid[2]", "index": 1, "entry": "x", "message": "grid[2][1] must be an integer"},
        ),
        (
            {"grid": [[1], {"a": 1}]},
            {"field": "grid", "index": 1, "message": "grid[1] must be a list"},
        ),
    ],
)
def test_an_error_inside_lists_is_named_by_its_json_path(
    sent: dict[str, Any], expected: dict[str, Any]
) -> None:
    app, _ = app_with(Basket)
    status, body = post(app, sent)
    assert status == 400
    assert body == {"error": "invalid_request", **expected}


def test_json_path_puts_each_position_where_it_occurs() -> None:
    from sls_server.http.refusal_words import json_path

    assert json_path(("users", 1, "record", "phone")) == "users[1].record.phone"
    assert json_path(("users", 1, "devices", 0)) == "users[1].devices[0]"
    assert json_path(("grid", 2, 0)) == "grid[2][0]"
    assert json_path(("unlock", "pin")) == "unlock.pin"
    assert json_path(("tags",)) == "tags"

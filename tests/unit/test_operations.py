"""The operation registry (``sls_server.http.operations``): one declaration registers the route, validates
its body into the shape (a 400 naming the field, in the contract's words) and shows in the generated
document. Each test declares its own blueprint on a bare Flask app, so nothing here needs Redis."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from flask import Blueprint, Flask
from pydantic import Field, create_model
from typing_extensions import TypedDict

from sls_server.errors import Conflict, InvalidRequest
from sls_server.http.errors import register_error_handlers
from sls_server.http.json_provider import SafeJSONProvider
from sls_server.http.openapi import build_spec
from sls_server.http.operations import operation, surface
from sls_server.shapes.common import Query, Refusal, Request


class Unlock(Request):
    pin: str = Field(min_length=4, max_length=6)


class Order(Request):
    """A nested body."""

    item: str = Field(max_length=8)
    quantity: int = Field(1, ge=1, le=9)
    unlock: Unlock | None = None
    tags: list[str] = Field(default_factory=list, max_length=3)
    code: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    note: str | None = Field(None, min_length=1)


class Coded(Request):
    item: str = "tea"
    code: Annotated[str | None, Refusal("must be three capitals, like ABC")] = Field(
        None, pattern=r"^[A-Z]{3}$"
    )


class Placed(TypedDict):
    item: str
    quantity: int


class Listing(Query):
    limit: int = Field(10, ge=1, le=100, description="At most this many.")
    name: str | None = None


class Taken(Conflict):
    code = "taken"


def app_with(order: type[Request] = Order) -> tuple[Flask, Blueprint]:
    app = Flask(__name__)
    app.json = SafeJSONProvider(app)
    bp = Blueprint("shop", __name__, url_prefix="/shop/v1")
    surface(bp, tag="shop", description="A test surface.")

    @operation(
        bp, "post", "/orders", summary="Place an order", body=order, ok=Placed, status=201, errors=[Taken]
    )
    def place_order(body: Any) -> Any:
        """Places it."""
        return {"item": body.item, "quantity": body.quantity}

    @operation(bp, "get", "/orders", summary="List orders", query=Listing, ok=Placed, store=False)
    def list_orders(query: Listing) -> Any:
        return {"item": query.name or "-", "quantity": query.limit}

    app.register_blueprint(bp)
    register_error_handlers(app)
    return app, bp


def post(app: Flask, body: Any, content_type: str = "application/json") -> tuple[int, dict[str, Any]]:
    import json

    data = body if isinstance(body, str | bytes) else json.dumps(body)
    answer = app.test_client().post("/shop/v1/orders", data=data, content_type=content_type)
    return answer.status_code, answer.get_json()


# --- validation ---------------------------------------------------------------------------------------------


def test_a_valid_body_reaches_the_view_as_the_model() -> None:
    app, _ = app_with()
    assert post(app, {"item": "tea", "quantity": 2}) == (201, {"item": "tea", "quantity": 2})


def test_a_nested_field_is_named_by_its_dotted_path() -> None:
    app, _ = app_with()
    status, body = post(app, {"item": "tea", "unlock": {"pin": "12"}})
    assert status == 400
    assert body == {**body, "error": "invalid_request", "field": "unlock.pin"}
    assert body["message"] == "unlock.pin must be at least 4 characters"


@pytest.mark.parametrize(
    ("sent", "field", "message"),
    [
        ({"item": "tea", "colour": "red"}, "colour", "unknown field 'colour'"),
        (
            {"item": "tea", "unlock": {"pin": "1234", "face": True}},
            "unlock.face",
            "unknown field 'unlock.face'",
        ),
        ({}, "item", "item is required"),
        ({"item": 7}, "item", "item must be a string"),
        ({"item": "tea", "quantity": "2"}, "quantity", "quantity must be an integer"),
        ({"item": "tea", "quantity": True}, "quantity", "quantity must be an integer"),
        ({"item": "tea", "quantity": 10}, "quantity", "quantity must be at most 9"),
        ({"item": "a" * 9}, "item", "item must be at most 8 characters"),
        ({"item": "tea", "tags": "x"}, "tags", "tags must be a list"),
        ({"item": "tea", "tags": ["a", "b", "c", "d"]}, "tags", "tags may hold at most 3 entries"),
        ({"item": "tea", "code": "abc"}, "code", "code does not have the expected form"),
        ({"item": "tea", "note": ""}, "note", "note must not be empty"),
    ],
)
def test_a_bad_field_is_a_400_naming_it(sent: dict[str, Any], field: str, message: str) -> None:
    app, _ = app_with()
    status, body = post(app, sent)
    assert (status, body["error"], body["field"]) == (400, "invalid_request", field)
    assert body["message"].startswith(message), body["message"]


def test_a_bad_list_item_names_the_list_its_index_and_the_item() -> None:
    app, _ = app_with()
    status, body = post(app, {"item": "tea", "tags": ["ok", 42]})
    assert status == 400
    assert (body["field"], body["index"], body["entry"]) == ("tags", 1, 42)
    assert body["message"] == "tags[1] must be a string"


def test_a_declared_refusal_words_a_broken_constraint_not_a_wrong_type() -> None:
    app, _ = app_with(Coded)
    assert post(app, {"code": "abc"}) == (
        400,
        {"error": "invalid_request", "field": "code", "message": "code must be three capitals, like ABC"},
    )
    assert post(app, {"code": 7})[1]["message"] == "code must be a string"


@pytest.mark.parametrize(
    ("raw", "content_type", "message"),
    [
        ("", "application/json", "a JSON object body is required"),
        ("{nope", "application/json", "the body is not valid JSON"),
        ("[1, 2]", "application/json", "the body must be a JSON object"),
        ("null", "application/json", "the body must be a JSON object"),
        ('{"item": "tea"}', "text/plain", "the body must be JSON"),
        ("[" * 40 + "]" * 40, "application/json", "the body nests deeper than 32 levels"),
    ],
)
def test_a_bad_body_as_a_whole_names_body(raw: str, content_type: str, message: str) -> None:
    app, _ = app_with()
    status, body = post(app, raw, content_type)
    assert (status, body["field"]) == (400, "body")
    assert body["message"].startswith(message)


def test_a_rule_the_model_checks_itself_is_its_own_400() -> None:
    def only_tea(self: Any) -> Any:
        if self.item != "tea":
            raise InvalidRequest("only tea is served", field="item")
        return self

    from pydantic import model_validator

    tea_only = create_model(
        "TeaOnly", __base__=Order, __validators__={"tea": model_validator(mode="after")(only_tea)}
    )
    app, _ = app_with(tea_only)
    assert post(app, {"item": "coffee"}) == (
        400,
        {"error": "invalid_request", "field": "item", "message": "only tea is served"},
    )


def test_query_parameters_are_parsed_from_text_and_checked() -> None:
    app, _ = app_with()
    client = app.test_client()
    assert client.get("/shop/v1/orders?limit=5&name=x&other=ignored").get_json() == {
        "item": "x",
        "quantity": 5,
    }
    refused = client.get("/shop/v1/orders?limit=many").get_json()
    assert (refused["field"], refused["message"]) == ("limit", "limit must be an integer")
    assert client.get("/shop/v1/orders?limit=0").get_json()["message"] == "limit must be at least 1"


# --- the document ----------------------------------------------------------------------------------------


def test_the_operation_is_in_the_document_with_its_shared_errors() -> None:
    app, _ = app_with()
    spec = build_spec(app)
    placed = spec["paths"]["/shop/v1/orders"]["post"]
    assert (placed["operationId"], placed["summary"], placed["description"]) == (
        "placeOrder",
        "Place an order",
        "Places it.",
    )
    assert placed["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Order"
    }
    assert placed["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Placed"
    }
    schemas = {
        status: response["content"]["application/json"]["schema"]
        for status, response in placed["responses"].items()
        if status != "201"
    }
    assert schemas == {
        "400": {  # a body-reading operation's: its body may also end before its Content-Length
            "oneOf": [
                {"$ref": "#/components/schemas/InvalidRequestError"},
                {"$ref": "#/components/schemas/BodyIncompleteError"},
            ],
            "discriminator": {
                "propertyName": "error",
                "mapping": {
                    "invalid_request": "#/components/schemas/InvalidRequestError",
                    "body_incomplete": "#/components/schemas/BodyIncompleteError",
                },
            },
        },
        "405": {"$ref": "#/components/schemas/MethodNotAllowedError"},  # every operation's, with Allow
        "409": {"$ref": "#/components/schemas/TakenError"},
        "414": {"$ref": "#/components/schemas/UriTooLongError"},  # gunicorn's, before any route
        "431": {"$ref": "#/components/schemas/HeadersTooLargeError"},
        "503": {"$ref": "#/components/schemas/StoreUnavailableError"},
    }
    assert set(placed["responses"]["405"]["headers"]) >= {"Allow", "X-Request-Id"}
    taken = spec["components"]["schemas"]["TakenError"]["allOf"]
    assert taken[0] == {"$ref": "#/components/schemas/Error"}
    assert taken[1]["properties"]["error"] == {"type": "string", "enum": ["taken"]}
    listed = spec["paths"]["/shop/v1/orders"]["get"]
    assert "503" not in listed["responses"], "store=False: no Redis, no store_unavailable"
    limit = next(p for p in listed["parameters"] if p["name"] == "limit")
    assert limit == {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "At most this many.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
    }
    assert {"name": "shop", "description": "A test surface."} in spec["tags"]


def test_a_change_to_the_model_shows_in_the_document() -> None:
    before = build_spec(app_with()[0])["components"]["schemas"]["Order"]
    wider = create_model("Order", __base__=Request, item=(str, Field(max_length=20)), gift=(bool, False))
    after = build_spec(app_with(wider)[0])["components"]["schemas"]["Order"]
    assert before["properties"]["item"]["maxLength"] == 8
    assert after["properties"]["item"]["maxLength"] == 20
    assert "gift" in after["properties"] and "gift" not in before["properties"]
    assert after["additionalProperties"] is False, "unknown keys are refused, and the document says so"

"""What validating a request body costs, per request: pydantic (what the server uses), msgspec, and the hand
parsing the views did before the shapes (``common.json_body`` + ``string()``, copied here as they were).

Each is timed on the two bodies every login sends, from the raw bytes to checked values: the login
(``{"username", "password"}``) and the verify (``{"response"}``). The nesting guard every JSON body passes
first (``json_provider.nesting_exceeds``) is the same whichever validates, so it is timed on its own line.
The last line times one whole request through Flask and the registry (a route that validates the login body
and answers ``{}``, no core, no Redis): the floor a real request costs before it does any work.

    pip install msgspec            # a bench-time dependency only: the server does not use it
    python sls_bench/validation_cost.py [--rounds 7] [--number 20000]
"""

from __future__ import annotations

import argparse
import json
import timeit
from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from flask import Blueprint, Flask

from sls_server.errors import InvalidRequest
from sls_server.http.errors import register_error_handlers
from sls_server.http.json_provider import SafeJSONProvider, nesting_exceeds
from sls_server.http.operations import operation, surface
from sls_server.shapes.login import LoginRequest, VerifyRequest

LOGIN = json.dumps({"username": "alice", "password": "vernal-Quartz-harbor-71"}).encode()
VERIFY = json.dumps({"response": "12345678"}).encode()


# --- the old hand parsing (sls_server/http/common.py before the shapes), minus Flask's request object -----


def string(body: dict[str, Any], name: str, *, max_len: int = 256, required: bool = True) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"{name} is required", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidRequest(f"{name} must be a string", field=name)
    if len(value) > max_len:
        raise InvalidRequest(f"{name} must be at most {max_len} characters", field=name)
    if required and not value:
        raise InvalidRequest(f"{name} must not be empty", field=name)
    return value


def json_object(raw: bytes) -> dict[str, Any]:
    """What ``json_body`` did after its header checks: ``request.get_json`` is ``json.loads`` here."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise InvalidRequest("the body is not valid JSON", field="body") from None
    if not isinstance(data, dict):
        raise InvalidRequest("the body must be a JSON object", field="body")
    return data


def hand_login(raw: bytes) -> tuple[str, str]:
    body = json_object(raw)
    return string(body, "username", max_len=128), string(body, "password", max_len=1024)


def hand_verify(raw: bytes) -> str:
    return string(json_object(raw), "response", max_len=64)  # type: ignore[no-any-return]  # a str


# --- msgspec: the same constraints as the shapes ------------------------------------------------------------


#: Made with ``defstruct``, not class statements, so the module type-checks whether msgspec is installed or
#: not (a bench-time dependency only; without it mypy sees ``Any``, which a class statement may not subclass).
LoginStruct = msgspec.defstruct(
    "LoginStruct",
    [
        ("username", Annotated[str, msgspec.Meta(min_length=1, max_length=128)]),
        ("password", Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]),
    ],
    forbid_unknown_fields=True,
)
VerifyStruct = msgspec.defstruct(
    "VerifyStruct", [("response", Annotated[str, msgspec.Meta(min_length=1, max_length=64)])]
)

LOGIN_DECODER = msgspec.json.Decoder(LoginStruct)
VERIFY_DECODER = msgspec.json.Decoder(VerifyStruct)


# --- a whole request through Flask and the registry ---------------------------------------------------------


def bare_app() -> Flask:
    app = Flask(__name__)
    app.json = SafeJSONProvider(app)
    bp = Blueprint("bench", __name__)
    surface(bp, tag="bench", description="The benchmark's own route.")

    @operation(bp, "post", "/login", summary="Validate a login body", body=LoginRequest, ok=dict, store=False)
    def bench_login(body: LoginRequest) -> Any:
        return {}

    app.register_blueprint(bp)
    register_error_handlers(app)
    return app


def per_call_us(call: Callable[[], object], rounds: int, number: int) -> float:
    """The best of ``rounds`` runs of ``number`` calls, in µs per call (the least disturbed by the OS)."""
    return min(timeit.repeat(call, number=number, repeat=rounds)) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=20_000)
    args = parser.parse_args()
    rounds, number = args.rounds, args.number

    assert hand_login(LOGIN) == ("alice", "vernal-Quartz-harbor-71")
    # to_builtins: a defstruct's fields are not attributes mypy knows
    assert (
        LoginRequest.model_validate_json(LOGIN).username
        == msgspec.to_builtins(LOGIN_DECODER.decode(LOGIN))["username"]
    )
    assert (
        VerifyRequest.model_validate_json(VERIFY).response
        == msgspec.to_builtins(VERIFY_DECODER.decode(VERIFY))["response"]
    )

    rows = [
        (
            "pydantic model_validate_json",
            lambda: LoginRequest.model_validate_json(LOGIN),
            lambda: VerifyRequest.model_validate_json(VERIFY),
        ),
        (
            "msgspec json.decode(type=Struct)",
            lambda: LOGIN_DECODER.decode(LOGIN),
            lambda: VERIFY_DECODER.decode(VERIFY),
        ),
        ("hand parsing (json.loads + string())", lambda: hand_login(LOGIN), lambda: hand_verify(VERIFY)),
        ("nesting guard (all three)", lambda: nesting_exceeds(LOGIN), lambda: nesting_exceeds(VERIFY)),
    ]
    results = {}
    print(f"{'validating':40} {'login µs':>9} {'verify µs':>10}")
    for name, login, verify in rows:
        results[name] = (per_call_us(login, rounds, number), per_call_us(verify, rounds, number))
        print(f"{name:40} {results[name][0]:9.2f} {results[name][1]:10.2f}")

    client = bare_app().test_client()
    whole = per_call_us(
        lambda: client.post("/login", data=LOGIN, content_type="application/json"),
        rounds,
        max(number // 20, 50),
    )
    print(f"{'one request: Flask + registry, no core':40} {whole:9.1f}")

    pyd, msg, hand = (results[name][0] for name, *_ in rows[:3])
    print(
        f"\ndocs/performance.md: validating a login body costs {pyd:.1f} µs with pydantic, "
        f"{msg:.1f} µs with msgspec, "
        f"{hand:.1f} µs by hand; msgspec would save {pyd - msg:.1f} µs, "
        f"{(pyd - msg) / whole * 100:.1f}% of a bare Flask request ({whole:.0f} µs) before any work."
    )


if __name__ == "__main__":
    main()

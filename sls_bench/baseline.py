"""The baseline: a bare Flask app answering the flow's routes with the same shapes, and no logic.

What the benchmark's ratio means: ``sls serve`` against the cost of Flask, gunicorn, HTTP and the fewest Redis
round trips the flow could make (one per request: a login is written, a verify reads and deletes it and
writes the session in one pipeline, the session is read, touched, deleted). No password hash, no card check,
no lockout, no events: the price of those is what the ratio shows.

Run by ``sls_bench.servers.start_baseline`` under gunicorn with the settings ``sls serve`` uses;
``BENCH_REDIS_URL`` names the Redis, in any form ``SLS_REDIS_URL`` takes (on a Cluster the verify's pipeline
goes to the two keys' masters, which may be two round trips).
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from flask import Flask, Response, request

from sls_server.store import connect

PREFIX = "bench:"
TTL_S = 600


def create_app() -> Flask:
    app = Flask(__name__)
    client = connect(os.environ["BENCH_REDIS_URL"])  # one Redis, Sentinel or a Cluster, as sls serve

    def answer(body: dict[str, Any], status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, mimetype="application/json")

    def bearer() -> str:
        return request.headers.get("Authorization", "").partition(" ")[2]

    @app.post("/api/v1/auth/login")
    def login() -> Response:
        body = request.get_json(force=True)
        txn_id = f"{body['username']}~{secrets.token_urlsafe(16)}"
        challenge = f"{secrets.randbelow(10**6):06d}"
        client.set(f"{PREFIX}login:{txn_id}", challenge, ex=TTL_S)
        factor = {"type": "dscplus", "challenge": challenge}
        return answer({"state": "second_factor", "txn_id": txn_id, "factor": factor, "login_token": "t"})

    @app.post("/api/v1/auth/login/<txn_id>/verify")
    def verify(txn_id: str) -> Response:
        request.get_json(force=True)
        token = secrets.token_urlsafe(32)
        pipe = client.pipeline(transaction=False)
        pipe.getdel(f"{PREFIX}login:{txn_id}")
        pipe.set(f"{PREFIX}session:{token}", txn_id, ex=TTL_S)
        pipe.execute()
        return answer({"state": "authenticated", "session": {"token": token}})

    @app.get("/api/v1/session")
    def session() -> Response:
        client.get(f"{PREFIX}session:{bearer()}")
        return answer({"username": "bench", "state": "active"})

    @app.post("/api/v1/session/tickle")
    def tickle() -> Response:
        client.expire(f"{PREFIX}session:{bearer()}", TTL_S)
        return answer({"state": "active"})

    @app.post("/api/v1/auth/logout")
    def logout() -> Response:
        client.delete(f"{PREFIX}session:{bearer()}")
        return answer({"logged_out": True})

    @app.get("/readyz")
    def readyz() -> Response:
        client.ping()
        return answer({"status": "ready"})

    return app

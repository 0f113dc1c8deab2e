"""Each server run says which run it is: ``/healthz`` and ``/readyz`` answer its ``instance_id``, made once
a start by the process that starts the workers (``serve_startup``) and handed to each worker's app, so a
record of the data folder (demo.json, serve.json, gateway.json) can be matched to the server answering at
its URL even where its pid says nothing (another container). Without credentials, any host name: it grants
nothing."""

from __future__ import annotations

from typing import Any

from spec_conformance import served_spec  # noqa: F401 - served_spec: "spec"

from sls_server.app import create_app

RUN = "5" * 32


def test_the_probes_say_the_instance_the_app_was_given(app_config: dict[str, Any]) -> None:
    client = create_app(app_config, instance_id=RUN).test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "instance_id": RUN}
    assert client.get("/readyz").get_json() == {"status": "ready", "instance_id": RUN}
    by_name = client.get("/healthz", headers={"Host": "sls:8000"})  # a probe's name for the service
    assert by_name.status_code == 200 and by_name.get_json()["instance_id"] == RUN


def test_an_app_given_none_makes_its_own(app_config: dict[str, Any]) -> None:
    """``create_app`` alone (a test client, another WSGI server): an id of its own, never a fixed one."""
    first = create_app(app_config).test_client().get("/healthz").get_json()["instance_id"]
    second = create_app(app_config).test_client().get("/healthz").get_json()["instance_id"]
    assert len(first) == 32 and int(first, 16) >= 0 and first != second


def test_the_document_declares_it_once_for_both_probes(spec: dict[str, Any]) -> None:
    for path in ("/healthz", "/readyz"):
        answer = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer == {"$ref": "#/components/schemas/Status"}, answer
    status = spec["components"]["schemas"]["Status"]
    assert set(status["required"]) == {"status", "instance_id"}
    assert status["properties"]["instance_id"]["type"] == "string"

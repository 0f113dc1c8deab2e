"""The login binding's names are declared once (``sls_server.shapes.login_names``) and every surface says
those: the server reads them, the OpenAPI document names them, ``sls`` and the scenarios send them."""

from __future__ import annotations

from sls_server.shapes.login_names import LOGIN_COOKIE, LOGIN_TOKEN_HEADER


def test_the_scenarios_mirror_of_the_header_is_the_servers() -> None:
    """The scenarios may not import the server's shapes (``test_layout``): their copy is held equal here."""
    from sls_scenarios.transport import LOGIN_TOKEN_HEADER as SCENARIOS

    assert SCENARIOS == LOGIN_TOKEN_HEADER


def test_the_openapi_document_names_the_binding_the_server_reads(app_config) -> None:
    from sls_server import create_app

    client = create_app(app_config).test_client()
    schemes = client.get("/openapi.json").get_json()["components"]["securitySchemes"]
    assert (schemes["loginToken"]["in"], schemes["loginToken"]["name"]) == ("header", LOGIN_TOKEN_HEADER)
    assert (schemes["loginCookie"]["in"], schemes["loginCookie"]["name"]) == ("cookie", LOGIN_COOKIE)

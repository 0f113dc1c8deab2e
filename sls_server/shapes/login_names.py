"""The names a login's binding travels under, declared once for the server (``http/api/login.py``), its
OpenAPI document and ``sls`` (``cli/step_flow.py``), which may not import the HTTP layer. Plain strings, no
pydantic, so the CLI imports them without loading the server's stack (``tests/unit/test_cli_lazy.py``)."""

#: The header an API client sends the ``login_token`` of ``POST /api/v1/auth/login`` in, on every call on
#: the login's ``txn_id``.
LOGIN_TOKEN_HEADER = "X-Login-Token"
#: The same binding for browsers: scoped to the one transaction's routes (its path), so two logins started in
#: two tabs each keep their own.
LOGIN_COOKIE = "sls_login"

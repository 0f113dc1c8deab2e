"""The benchmarks behind ``sls bench``: the full login flow against ``sls serve`` and against a bare baseline
app (``baseline``) under the same gunicorn settings, the hashing bound, Redis round trips and bytes per user,
and the lockout flood (``lockout``).

May import the server's packages (``sls_server``, ``devices``) to seed Redis through the store's records and
to compute card responses; the server never imports this package. Clients run in separate processes
(``clients``), so the client's GIL does not cap the numbers.
"""

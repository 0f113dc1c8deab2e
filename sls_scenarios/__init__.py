"""Scripted scenarios of the emulator, run as a client of its HTTP API: the YAML format (a JSON Schema),
the runner (in-process or against a server), the shipped library, the trainer's demo and a pytest plugin.

May import ``devices`` (a card's offline response), ``sls_server`` for ``create_app`` alone (the in-process
transport) with ``sls_server.errors`` (the ``InvalidConfig`` it refuses settings with),
``sls_server.store.embedded`` (a Redis of its own) with ``embedded_process`` (its process: a port, a child
that dies with its parent), ``sls_server.ipnets`` (the server's reading of
addresses), ``sls_server.password_rules`` (the server's password policy), ``sls_server.reach`` (where a
server is reached from here and from the network), ``sls_server.private_files`` (a secret file, 0600) and
``sls_server.event_types`` (the event types the server writes, to judge an ``events`` check by);
everything else goes over HTTP, like any integration. ``tests/unit/test_layout.py`` enforces it.
"""

"""The HTTP contract's shapes, each declared once: request bodies as pydantic models that validate input,
answers and the error body as ``TypedDict``s that type what the core returns; the OpenAPI document is
generated from both (``sls_server.http.openapi``).

May import only pydantic (with ``typing_extensions``), the standard library, ``sls_server.errors`` and
``sls_server.event_types`` (a plain list, to refuse a filter by a type no server writes): no Flask, no
store, no core, no devices. The core can therefore annotate its answers with these shapes, and the limits
the core enforces itself are restated here and held equal by ``tests/unit/test_shapes.py``. One module per
feature; ``common`` holds the field types they share; ``clock_range`` and ``login_names`` hold plain
values (no pydantic) that ``sls``, which loads no pydantic, shares with the server.
"""

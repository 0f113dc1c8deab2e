"""Operations telemetry: Prometheus metrics (``metrics``) derived in-process from the audit events and the
requests, and structured JSON log lines (``jsonlog``). Counting never costs a Redis round trip.

May import prometheus_client, the standard library, ``sls_server.store.records`` (the events it observes) and
``sls_server.store.faults``; never Flask (the request hooks live in ``sls_server.http.observe``).
"""

"""The OpenAPI 3.1 document served at ``GET /openapi.json``, assembled from the operations of each feature.

Part of ``http``: may import the core's error classes and the views' modules, never ``store``.
"""

"""The shared URL builders (sls_server/http/routing.py) build what werkzeug's own would, and are shared."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, Rule

from sls_server import create_app


def sample_values(rule: Rule) -> dict[str, Any]:
    """A value for each of the rule's arguments, with characters that need quoting where a string is taken."""
    return {
        name: 7 if isinstance(converter, IntegerConverter) else "a b/é?"
        for name, converter in rule._converters.items()
    }


def test_every_route_builds_the_url_werkzeug_alone_builds(app: Flask) -> None:
    plain = Map(
        [Rule(rule.rule, endpoint=rule.endpoint, methods=rule.methods) for rule in app.url_map.iter_rules()],
        merge_slashes=False,
        converters=app.url_map.converters,
    ).bind("emulator.test")
    ours = app.url_map.bind("emulator.test")
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        method = sorted(rule.methods or ["GET"])[0]
        for extra in ({}, {"next": "/x y", "n": 2}):
            values = {**sample_values(rule), **extra}
            built = ours.build(rule.endpoint, values, method=method)
            assert built == plain.build(rule.endpoint, values, method=method), rule.rule
            assert rule.rule.split("<")[0].rstrip("/") in built, (rule.rule, built)


def test_a_second_app_reuses_the_first_apps_builders(app_config: dict[str, Any]) -> None:
    first, second = create_app(app_config), create_app(app_config)
    pairs = zip(first.url_map.iter_rules(), second.url_map.iter_rules(), strict=True)
    for one, other in pairs:
        assert one.rule == other.rule
        assert one._build.__func__ is other._build.__func__, one.rule  # type: ignore[attr-defined]
        assert one._build_unknown.__func__ is other._build_unknown.__func__, one.rule  # type: ignore[attr-defined]

"""URL rules whose ``url_for`` builders are compiled once per process, not once per app.

Werkzeug compiles two small Python functions for every rule it binds (``url_for`` with and without query
arguments): an AST built and passed to ``compile``, about a millisecond each. The service has some 140
rules, so every ``create_app`` spent a quarter of a second, most of its time, compiling the same functions
again: in each gunicorn worker at start-up, in each in-process gateway, and in each of the test suite's
apps. A builder depends only on the rule's text, its parsed trace and whether it appends unknown arguments;
it reads the rule's converters through ``self`` when called, so one function serves every app's copy of the
rule. Rules with defaults are compiled as before (a default may be folded into the function as a constant).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from werkzeug.routing import Rule

BuilderKey = tuple[str, tuple[tuple[bool, str], ...], bool]


class CachedBuilderRule(Rule):
    """A :class:`werkzeug.routing.Rule` that shares its compiled builders with equal rules of other apps.

    It overrides werkzeug's private ``_compile_builder``; tests/unit/test_url_rule_builders.py builds every
    route of the app both ways and fails if a werkzeug release changes what the builders depend on."""

    #: Distinct builders kept; the service's rules need under 300. A process making apps from other rules
    #: (a plugin's) compiles anew once the cache is full, as werkzeug alone would.
    CACHE_SIZE: ClassVar[int] = 1024
    _builders: ClassVar[dict[BuilderKey, Callable[..., tuple[str, str]]]] = {}

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        if self.defaults:
            return super()._compile_builder(append_unknown)
        key: BuilderKey = (self.rule, tuple(self._trace), append_unknown)
        builder = self._builders.get(key)
        if builder is None:
            builder = super()._compile_builder(append_unknown)
            if len(self._builders) < self.CACHE_SIZE:
                self._builders[key] = builder
        return builder

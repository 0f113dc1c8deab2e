"""One Jinja bytecode cache for every app a test process makes.

A server makes one app per worker and compiles each page's template once. The suite makes an app per test
(some 4,000 in a run), and each app's Jinja environment compiled its templates again: lexed, parsed, turned
into Python and compiled, about 20 ms a template, a seventh of the CPU of tests/api's page tests
(docs/performance.md, the suite's time). Jinja's own bytecode cache keeps the compiled code by template
name and checks it against a checksum of the source, so a template edited while the process runs is compiled
again; every app the tests make has the same Jinja settings (``SlsFlask``'s), so the code fits them all.
Only the compiling is shared: each app still loads, renders and escapes with its own environment."""

from __future__ import annotations

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from sls_server.app import SlsFlask


class SharedBytecode(BytecodeCache):
    """Compiled templates in this process's memory, by Jinja's bucket key (the template's name and file)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.code.get(bucket.key)
        if found is not None:
            bucket.bytecode_from_string(found)  # Jinja drops it if the source's checksum differs

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def share_compiled_templates() -> SharedBytecode:
    """From now on every ``SlsFlask`` this process makes compiles each template once: its Jinja options (a
    class attribute Flask copies into each app's environment) carry one :class:`SharedBytecode`."""
    cache = SharedBytecode()
    SlsFlask.jinja_options = {**Flask.jinja_options, "bytecode_cache": cache}
    return cache

"""The layering holds: each package imports only what its ``__init__`` says it may.

Imports are read with ``ast`` from every module (relative ones resolved), so a rule broken anywhere, even
inside a function or under ``TYPE_CHECKING``, fails here with the module and the import named.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CORE = (
    "auth",
    "accounts",
    "factors",
    "sim",
    "gateway",
    "events",
    "event_hold",
    "event_details",
    "clock",
    "config",
    "config_values",
    "config_table",
    "errors",
    "wiring",
    "secretbox",
    "long_held",
    "turns",
    "telemetry",
    "transfer",
    "ipnets",
    "password_rules",
    "event_types",
)

#: (the modules a rule covers, a predicate on an imported module name that must never hold, why)
RULES: list[tuple[str, str, str]] = [
    ("sls_devices", "sls_server", "device models import nothing of the server"),
    ("sls_devices", "flask", "device models are pure: no Flask"),
    ("sls_devices", "redis", "device models are pure: no Redis"),
    ("sls_devices", "sls_scenarios", "device models know no scenarios"),
    ("sls_server.store", "flask", "the store imports no Flask"),
    *[
        ("sls_server.store", f"sls_server.{pkg}", "the store imports nothing above it (errors excepted)")
        for pkg in CORE
        if pkg != "errors"
    ],
    ("sls_server.store", "sls_server.http", "the store imports nothing above it"),
    *[(f"sls_server.{pkg}", "flask", "the core imports no Flask") for pkg in CORE],
    *[(f"sls_server.{pkg}", "werkzeug", "the core imports no Flask") for pkg in CORE],
    ("sls_server.http", "sls_server.store", "views reach state only through the core's services"),
    ("sls_server.accounts", "sls_server.auth", "the login rules build on accounts, not the reverse"),
    ("sls_server.accounts", "sls_server.sim", "accounts are the broker's side"),
    ("sls_server.factors", "sls_server.auth", "factors know no login flow"),
    ("sls_server.factors", "sls_server.accounts", "factors know no accounts"),
    ("sls_server.auth", "sls_server.sim", "the broker's login rules know nothing of the user's side"),
    *[
        (f"sls_server.{pkg}", "sls_server.gateway", "gateway mode sits on the core, not in it")
        for pkg in CORE
        if pkg not in ("gateway", "wiring")
    ],
    *[(f"sls_server.{pkg}", "sls_server.http", "the core knows no HTTP") for pkg in CORE],
    *[(f"sls_server.{pkg}", "sls_server.cli", "the core knows no CLI") for pkg in CORE],
    *[
        ("sls_server.shapes", name, "the shapes sit below the core: pydantic and sls_server.errors only")
        for name in (
            "flask",
            "werkzeug",
            "sls_devices",
            "sls_server.store",
            "sls_server.http",
            "sls_server.cli",
            *[f"sls_server.{pkg}" for pkg in CORE if pkg not in ("errors", "event_types")],
        )
    ],
]
#: All that ``sls_server.shapes`` may import besides the standard library and itself.
SHAPES_MAY_IMPORT = (
    "pydantic",
    "pydantic_core",
    "typing_extensions",
    "sls_server.errors",
    "sls_server.event_types",
    "sls_server.config",
)


#: What ``sls_scenarios/`` may use of the server: the app factory, for the in-process transport, with the
#: errors it refuses settings with (``InvalidConfig``: told as a refusal, anything else is a bug), and the
#: embedded Redis (and its process helpers, ``embedded_process``), to boot its own; the server's one
#: reading of IP addresses (``ipnets``, pure), so a
#: validation refuses the addresses the server would, and its password rules (``password_rules``, pure), so
#: it refuses a setup user's password the server would; and where a server is reached (``reach``, standard
#: library alone), so the URL ``sls scenario demo`` prints for a class is the one ``sls demo`` would print;
#: and the server's own way of writing a secret file (``private_files``: 0600, made whole), for the token
#: file of a server it starts, and of stopping a child (``stopping.end_child``, standard library alone), to
#: stop that server; and the event types the server writes (``event_types``, pure), to judge a scenario's
#: ``events`` checks by; and the settings' own readers (``config.PARSERS``, pure), so a duration written for
#: a setting counted in seconds is told the number the server would take; everything else it reaches over
#: HTTP, like any client.
SCENARIOS_MAY_USE = (
    "sls_server.create_app",
    "sls_server.errors",
    "sls_server.store.embedded",
    "sls_server.store.embedded_process",
    "sls_server.ipnets",
    "sls_server.password_rules",
    "sls_server.reach",
    "sls_server.private_files",
    "sls_server.stopping",
    "sls_server.event_types",
    "sls_server.config",
)


def modules() -> Iterator[tuple[str, Path]]:
    for top in ("sls_server", "sls_devices", "sls_scenarios"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports(module: str, path: Path) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_every_package_keeps_to_its_imports() -> None:
    broken = [
        f"{module} imports {name}: {why}"
        for module, path in modules()
        for name in set(imports(module, path))
        for covered, forbidden, why in RULES
        if within(module, covered) and within(name, forbidden)
    ]
    assert broken == []


def test_shapes_import_only_pydantic_and_the_errors() -> None:
    """The core will annotate its answers with the shapes, so they must import nothing above them."""
    found = [
        f"{module} imports {name}"
        for module, path in modules()
        if within(module, "sls_server.shapes")
        for name in set(imports(module, path))
        if name.split(".")[0] not in sys.stdlib_module_names
        and not within(name, "sls_server.shapes")
        and not any(within(name, allowed) for allowed in SHAPES_MAY_IMPORT)
    ]
    assert found == []


def test_scenarios_reach_the_server_only_over_http() -> None:
    reached = [
        f"{module} imports {name}"
        for module, path in modules()
        if within(module, "sls_scenarios")
        for name in set(imports(module, path))
        if within(name, "sls_server")
        and name != "sls_server"
        and not any(within(name, allowed) for allowed in SCENARIOS_MAY_USE)
    ]
    assert reached == [], f"scenarios may use of sls_server only {SCENARIOS_MAY_USE}"


def test_sim_uses_auth_only_through_its_package_api() -> None:
    reached = [
        f"{module} imports {name}"
        for module, path in modules()
        if within(module, "sls_server.sim")
        for name in set(imports(module, path))
        if within(name, "sls_server.auth") and name.count(".") > 2
    ]
    exported = __import__("sls_server.auth", fromlist=["__all__"]).__all__
    assert reached == [], f"sim may use only sls_server.auth's exports: {exported}"


def test_views_never_reach_the_store_through_the_core() -> None:
    """``core().store`` would be the same back door as importing it."""
    reached = [
        f"{module}:{node.lineno}"
        for module, path in modules()
        if within(module, "sls_server.http")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "store"
    ]
    assert reached == []


@pytest.mark.parametrize(
    "package",
    [
        "sls_server",
        "sls_server.auth",
        "sls_server.accounts",
        "sls_server.factors",
        "sls_server.sim",
        "sls_server.gateway",
        "sls_server.store",
        "sls_server.http",
        "sls_server.shapes",
        "sls_server.cli",
        "sls_devices",
        "sls_scenarios",
    ],
)
def test_each_package_says_what_it_holds_and_may_import(package: str) -> None:
    doc = ast.get_docstring(ast.parse((ROOT / package.replace(".", "/") / "__init__.py").read_text())) or ""
    assert len(doc) > 80 and ("import" in doc.lower() or "no flask" in doc.lower()), f"{package}: {doc!r}"

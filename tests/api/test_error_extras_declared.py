"""Every extra an error can carry is a field the served documents' ``Error`` declares.

``SlsError.body()`` is ``error``, ``message`` and every keyword the error was made with (``extra``), so a
name passed where a class is raised, or by a class's own ``__init__`` to ``SlsError``'s, is sent as it is.
``Error`` is open (``additionalProperties``), so an undeclared extra validates and no generated client ever
exposes it: the gateway's paper/live refusal carried ``selected`` that way, and no test saw it. The extras are
known only where the errors are made, so an ``ast`` walk over ``sls_server`` finds them: every call of an
``SlsError`` class (its keywords, less the named parameters its ``__init__`` takes for itself), and every
keyword a class's ``__init__`` passes on to ``super().__init__``. A ``**mapping`` is followed to the dict it
was built as in the same function; one that cannot be followed must be listed below with where its names are
held to the document, so a new one fails here until someone reads it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import sls_server
from sls_server import create_app
from sls_server.errors import SlsError

ROOT = Path(sls_server.__file__).parent
#: ``**mapping`` splats whose names this walk cannot follow (file, function: why they are declared).
FOLLOWED_ELSEWHERE = {
    # pydantic's refusal: _problem's field, message, index, entry, and problems; test_every_field_refused
    # and the answers' conformance tests hold those bodies to the document's closed Error.
    ("http/refusal_words.py", "refused"),
}


def error_classes() -> dict[str, type[SlsError]]:
    """Every ``SlsError`` class, by name (the names are unique), after importing every module."""
    for module in pkgutil.walk_packages(sls_server.__path__, "sls_server."):
        importlib.import_module(module.name)
    found: dict[str, type[SlsError]] = {"SlsError": SlsError}
    pending = [SlsError]
    while pending:
        for sub in pending.pop().__subclasses__():
            assert found.setdefault(sub.__name__, sub) is sub, f"two error classes named {sub.__name__}"
            pending.append(sub)
    return found


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def own_parameters(cls: type[SlsError]) -> set[str]:
    """The names ``cls(...)`` binds to its ``__init__``'s own parameters rather than to ``**extra``: what
    such a parameter becomes in the body is the ``__init__``'s own call of ``super().__init__``."""
    taken = inspect.signature(cls.__init__).parameters.values()
    return {p.name for p in taken if p.kind is not p.VAR_KEYWORD} - {"self"}


def dict_keys(node: ast.expr, scope: ast.FunctionDef, seen: frozenset[str] = frozenset()) -> set[str] | None:
    """The keys of a mapping as built in ``scope``, or None when they cannot be followed. The function's
    own ``**extra`` adds none: those are its callers', found where it is called."""
    passthrough = scope.args.kwarg.arg if scope.args.kwarg else None
    if isinstance(node, ast.Name) and node.id == passthrough:
        return set()
    if isinstance(node, ast.Dict):
        keys: set[str] = set()
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # {**other}
                inner = dict_keys(value, scope, seen)
                if inner is None:
                    return None
                keys |= inner
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.add(key.value)
            else:
                return None
        return keys
    if not isinstance(node, ast.Name) or node.id in seen:
        return None
    keys, bound = set(), False
    for sub in ast.walk(scope):
        if isinstance(sub, ast.Assign | ast.AnnAssign):
            targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == node.id and sub.value is not None:
                    inner = dict_keys(sub.value, scope, seen | {node.id})
                    if inner is None:
                        return None
                    keys, bound = keys | inner, True
                elif isinstance(target, ast.Subscript) and ast.unparse(target.value) == node.id:
                    key = target.slice
                    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                        return None
                    keys.add(key.value)
        elif isinstance(sub, ast.arg) and sub.arg == node.id:
            return None  # a parameter: its keys are the callers'
    return keys if bound else None


@cache
def extras_made() -> list[tuple[str, str, str]]:
    return sorted(set(_extras_made()))  # a nested function is walked with its outer one too


def _extras_made() -> Iterator[tuple[str, str, str]]:
    """(where, class, extra name) for every extra passed where an error is made, and every splat that
    could not be followed as (where, class, "**")."""
    classes = error_classes()
    for path in sorted(ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        relative = path.relative_to(ROOT).as_posix()
        for scope in ast.walk(tree):
            if not isinstance(scope, ast.FunctionDef):
                continue
            for call in ast.walk(scope):
                if not isinstance(call, ast.Call):
                    continue
                name = called_name(call)
                if name in classes:
                    cls, taken = classes[name], own_parameters(classes[name])
                elif name == "__init__" and isinstance(call.func, ast.Attribute):
                    if not isinstance(call.func.value, ast.Call) or called_name(call.func.value) != "super":
                        continue
                    owner = _error_class_of(tree, scope, classes)
                    if owner is None:
                        continue
                    cls, taken = owner, {"message"}  # super().__init__ in an error's own __init__
                else:
                    continue
                where = f"{relative}:{call.lineno}"
                for keyword in call.keywords:
                    if keyword.arg is not None:
                        if keyword.arg not in taken:
                            yield where, cls.__name__, keyword.arg
                        continue
                    keys = dict_keys(keyword.value, scope)
                    if keys is None:
                        if (relative, scope.name) not in FOLLOWED_ELSEWHERE:
                            yield where, cls.__name__, "**"
                        continue
                    yield from ((where, cls.__name__, key) for key in keys - taken)


def _error_class_of(
    tree: ast.Module, function: ast.AST, classes: dict[str, type[SlsError]]
) -> type[SlsError] | None:
    """The error class ``function`` is a method of, if it is one."""
    owners = (
        node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and function in node.body
    )
    return next((classes[name] for name in owners if name in classes), None)


@pytest.fixture
def declared(app_config: dict[str, Any]) -> dict[str, set[str]]:
    """The fields each served document's ``Error`` declares: the API's and the gateway's."""
    documents: dict[str, set[str]] = {}
    for mode, gateway in (("api", False), ("gateway", True)):
        app: Flask = create_app({**app_config, "GATEWAY": gateway})
        spec = app.test_client().get("/openapi.json").get_json()
        documents[mode] = set(spec["components"]["schemas"]["Error"]["properties"])
    return documents


def test_the_walk_finds_the_extras_it_is_for() -> None:
    """The walk sees extras at a raise site, in a class's own ``__init__``, and through a followed splat,
    so an empty list of undeclared ones below means something."""
    made = {(cls, name) for _, cls, name in extras_made()}
    assert ("InvalidRequest", "field") in made  # InvalidRequest.__init__ passes field on
    assert ("SessionExpired", "ended_by") in made  # through a dict literal's **
    assert ("InvalidRequest", "entry") in made  # allowlists' **extra, built as a dict
    assert any(name == "retry_after" for _, _, name in extras_made())


def test_every_extra_is_declared_by_error(declared: dict[str, set[str]]) -> None:
    for mode, fields in declared.items():
        undeclared = sorted(
            f"{where} {cls}: {name}" for where, cls, name in extras_made() if name not in fields - {"error"}
        )
        assert undeclared == [], f"{mode}'s /openapi.json: Error does not declare these"

"""The errors keep one naming rule and one place (CONTRIBUTING.md, "Errors").

Every ``SlsError`` subclass is found by importing every module of ``sls_server``, so an error defined
anywhere, under any name, is held to the rule: a name used once, by no other exception of the codebase (the
device models' own, ``sls_devices.dscplus.WrongPin`` and the like, included), without an ``Error`` suffix,
defined in an ``errors`` module; and one code, one status.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict
from collections.abc import Iterator
from types import ModuleType

import sls_devices
import sls_scenarios
import sls_server
from sls_server.errors import SlsError

CODEBASE = ("sls_server", "sls_devices", "sls_scenarios")


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    yield package
    for found in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        yield importlib.import_module(found.name)


def _subclasses(cls: type[SlsError]) -> Iterator[type[SlsError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def sls_errors() -> list[type[SlsError]]:
    for _ in _modules(sls_server):
        pass
    ours = [cls for cls in set(_subclasses(SlsError)) if cls.__module__.split(".")[0] in CODEBASE]
    return sorted(ours, key=lambda c: (c.__module__, c.__name__))  # not the tests' own, made to test with


def other_exceptions() -> list[type[BaseException]]:
    """Every other exception class the codebase defines (device models, store, CLI, scenarios)."""
    return [
        value
        for package in (sls_devices, sls_server, sls_scenarios)
        for module in _modules(package)
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and not issubclass(value, SlsError)
        and value.__module__ == module.__name__
    ]


def where(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_every_error_name_is_used_once() -> None:
    named: dict[str, list[str]] = defaultdict(list)
    for cls in sls_errors():
        named[cls.__name__].append(where(cls))
    assert {name: places for name, places in named.items() if len(places) > 1} == {}


def test_no_error_takes_the_name_of_another_exception() -> None:
    """A device model's ``WrongPin`` is the device's word; the server's refusal is named otherwise."""
    ours = {cls.__name__: where(cls) for cls in sls_errors()}
    clashes = [f"{ours[e.__name__]} and {where(e)}" for e in other_exceptions() if e.__name__ in ours]
    assert clashes == []


def test_errors_are_named_for_the_condition_not_the_kind() -> None:
    suffixed = [where(cls) for cls in sls_errors() if cls.__name__.endswith("Error")]
    assert suffixed == []


def test_errors_live_in_the_errors_module_of_their_package() -> None:
    misplaced = [where(cls) for cls in sls_errors() if cls.__module__.rpartition(".")[2] != "errors"]
    assert misplaced == []


def test_one_code_means_one_status() -> None:
    statuses: dict[str, set[int]] = defaultdict(set)
    for cls in sls_errors():
        statuses[cls.code].add(cls.status)
    assert {code: found for code, found in statuses.items() if len(found) > 1} == {}


def test_the_rule_sees_every_error() -> None:
    """Guards the search itself: errors from every package that raises them are found."""
    found = {cls.__module__ for cls in sls_errors()}
    assert {
        "sls_server.errors",
        "sls_server.auth.errors",
        "sls_server.accounts.errors",
        "sls_server.factors.errors",
        "sls_server.sim.errors",
        "sls_server.http.errors",
    } <= found

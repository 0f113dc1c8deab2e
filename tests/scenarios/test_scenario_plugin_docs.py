"""What ``help(SlsEmulator)`` tells an integration developer: the README sends them to the fixture's client
for type hints, and its methods are what their tests call, so each says what it does."""

from __future__ import annotations

import inspect

import pytest

import sls_scenarios.emulator as emulator


def public(owner: type) -> list[str]:
    return [name for name, _ in inspect.getmembers(owner, inspect.isfunction) if not name.startswith("_")]


@pytest.mark.parametrize("owner", [emulator.SlsEmulator, emulator.Card, emulator.EmulatorError])
def test_the_fixture_client_and_what_it_returns_have_a_docstring_on_every_public_name(owner: type) -> None:
    """``help(SlsEmulator)`` showed "Initialize self." for the class, and nothing for ``enroll_card`` or
    ``Card.respond``: the two calls of the README's own example."""
    assert owner.__doc__ and "Initialize self" not in owner.__doc__, owner.__name__
    undocumented = [
        name
        for name in public(owner)
        if getattr(owner, name).__qualname__.startswith(owner.__name__) and not getattr(owner, name).__doc__
    ]
    assert undocumented == [], f"{owner.__name__}: {undocumented}"

"""What ``help(SlsEmulator)`` tells an integration developer: docs/integration.md sends them to the fixture's
client for type hints, and its methods are what their tests call, so each says what it does."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import sls_scenarios.emulator as emulator


def public(owner: type) -> list[str]:
    return [name for name, _ in inspect.getmembers(owner, inspect.isfunction) if not name.startswith("_")]


@pytest.mark.parametrize("owner", [emulator.SlsEmulator, emulator.Card, emulator.EmulatorError])
def test_the_fixture_client_and_what_it_returns_have_a_docstring_on_every_public_name(owner: type) -> None:
    """``help(SlsEmulator)`` showed "Initialize self." for the class, and nothing for ``enroll_card`` or
    ``Card.respond``: the two calls of the guide's own example."""
    assert owner.__doc__ and "Initialize self" not in owner.__doc__, owner.__name__
    undocumented = [
        name
        for name in public(owner)
        if getattr(owner, name).__qualname__.startswith(owner.__name__) and not getattr(owner, name).__doc__
    ]
    assert undocumented == [], f"{owner.__name__}: {undocumented}"


GUIDE = (Path(__file__).parents[2] / "docs" / "integration.md").read_text()


def _client_paragraph() -> str:
    """The list of the fixture client's methods (docs/integration.md, "A pytest fixture"), on one line."""
    section = GUIDE[GUIDE.index("\n## A pytest fixture\n") :].split("\n## ", 2)[1]
    return " ".join(section.split())


@pytest.mark.parametrize("name", public(emulator.SlsEmulator))
def test_the_readme_names_each_client_method_with_the_parameters_it_takes(name: str) -> None:
    """The guide said ``latest_code(phone)``, while ``purpose=`` picks a login's code from a step-up's or an
    activation's, and ``deny_push(username, txn_id=None)`` without the unlock it takes as ``approve_push``
    does: a developer reading the list could not know they were there. Each method is written with every
    parameter of its signature (``**`` ones aside), and none it does not have."""
    written = re.findall(rf"`{name}\(([^`]*)\)`", _client_paragraph())
    assert written, f"docs/integration.md does not show {name}(...)"
    parameters = inspect.signature(getattr(emulator.SlsEmulator, name)).parameters.values()
    named = {
        p.name for p in parameters if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    for shown in written:
        said = {part.split("=")[0].strip() for part in shown.split(",") if part.strip()}
        said = {word for word in said if not word.startswith("*")}
        assert said == named, f"docs/integration.md: {name}({shown}); the signature's: {sorted(named)}"


@pytest.mark.parametrize("name", public(emulator.SlsEmulator))
def test_the_readme_shows_each_default_and_marks_what_is_required(name: str) -> None:
    """``enroll_ibkey(username, platform, pin, ...)`` read as if the platform and the app's PIN had to be
    given, while they default to ``"android"`` and ``"12ab"`` (the PIN ``approve_push`` then keys). A
    parameter with a default is written ``name=default``; one without, bare or (a keyword) ``name=...``."""
    parameters = inspect.signature(getattr(emulator.SlsEmulator, name)).parameters
    for shown in re.findall(rf"`{name}\(([^`]*)\)`", _client_paragraph()):
        for part in (p.strip() for p in shown.split(",") if p.strip() and not p.strip().startswith("*")):
            word, _, value = (s.strip() for s in part.partition("="))
            default = parameters[word].default
            if default is inspect.Parameter.empty:
                assert value in ("", "..."), f"docs/integration.md: {name}({shown}): {word} has no default"
            else:
                assert value and value != "...", (
                    f"docs/integration.md: {name}({shown}): {word} defaults to {default!r}"
                )
                assert ast.literal_eval(value) == default, (
                    f"docs/integration.md: {name}({shown}): {word}={default!r}"
                )

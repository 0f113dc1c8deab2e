"""CONTRIBUTING.md names what a contributor looks for: the packages of its layout, the modules errors live
in, the errors it gives as examples. Each must exist, and a package or errors module added since must be
named, or the guide sends people to code that is gone and hides code that is there."""

from __future__ import annotations

import importlib
import re

from docs_kit import ROOT, code_blocks, inline_code, text
from test_error_names import sls_errors

import sls_devices

GUIDE = text("CONTRIBUTING.md")


def _section(title: str) -> str:
    start = GUIDE.index(f"## {title}")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start : end if end > 0 else None]


def test_the_layout_names_every_package_of_the_server() -> None:
    (layout,) = code_blocks(_section("The layout"), "")
    packages = sorted(p.name for p in (ROOT / "sls_server").iterdir() if (p / "__init__.py").exists())
    assert len(packages) > 8
    assert [p for p in packages if not re.search(rf"(?<![\w/]){p}/", layout)] == []
    # the left column: the folders each line is about
    named = [n for line in layout.splitlines() for n in re.findall(r"(\w+)/", re.match(r"[\w/ ]*", line)[0])]
    gone = [n for n in named if not (ROOT / n).is_dir() and not (ROOT / "sls_server" / n).is_dir()]
    assert gone == [] and {"sls_devices", "store", "gateway"} <= set(named), named
    assert len(layout.splitlines()) == 10, "the section is called 'The layout in ten lines'"


def test_where_errors_live_names_every_errors_module() -> None:
    """A package with errors of its own (``gateway/errors.py`` was missing) is where people look for them."""
    where = _section("Errors")
    modules = {cls.__module__ for cls in sls_errors()}
    paths = sorted(m.removeprefix("sls_server.").replace(".", "/") + ".py" for m in modules)
    assert "gateway/errors.py" in paths
    missing = [p for p in paths if f"`{p}`" not in where and f"`sls_server/{p}`" not in where]
    assert missing == [], f"errors modules the guide does not name: {missing}"


def test_every_error_the_guide_names_exists() -> None:
    """Examples of the naming rule must be real: ``PushLimited`` stayed after it was removed (b725ca9)."""
    server = {cls.__name__ for cls in sls_errors()}
    problems = []
    for name in inline_code(_section("Errors")):
        if re.fullmatch(r"[A-Z][A-Za-z]+", name) and name not in {"Error", "SlsError"}:
            if name not in server:
                problems.append(name)
        elif found := re.fullmatch(r"(\w+)\.([A-Z]\w+)", name):  # a device model's own: dscplus.WrongPin
            module = importlib.import_module(f"{sls_devices.__name__}.{found.group(1)}")
            if not isinstance(getattr(module, found.group(2), None), type):
                problems.append(name)
    assert problems == [], f"errors the guide names that the code does not have: {problems}"

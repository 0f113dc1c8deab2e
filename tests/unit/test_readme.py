"""The README is part of the product: its configuration table must list every setting there is."""

from __future__ import annotations

from pathlib import Path

from sls_server.config import describe

README = (Path(__file__).parents[2] / "README.md").read_text()


def test_every_setting_is_in_the_readme_table() -> None:
    missing = [name for name, _, _ in describe() if f"| `{name}` |" not in README]
    assert missing == []


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:1500]
    assert "pip install -e . && sls demo" in head
    assert "pip install -e '.[test]' && pytest" in head

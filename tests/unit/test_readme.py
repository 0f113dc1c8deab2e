"""The README is part of the product: its configuration table is the settings' own (every one, with its
real default, and no other), and every ``SLS_*`` variable the documents or a ``--help`` name is one that
something reads."""

from __future__ import annotations

import re
from pathlib import Path

from docs_kit import DOCUMENTS, help_texts, text

from sls_server.cli.serve import CLI_ENV
from sls_server.config import describe

README = (Path(__file__).parents[2] / "README.md").read_text()
_ROW = re.compile(r"^\| `(SLS_\w+)` \| `([^`]*)` \|", re.MULTILINE)
#: Variables only the test suite reads (tests/conftest.py, tests/cluster/topology.py), which the README's
#: "Tests on a cluster" tells contributors about.
TEST_ONLY = {"SLS_TEST_REDIS", "SLS_TEST_REDIS_SERVER"}


def test_the_readme_table_shows_each_setting_s_real_default_and_no_other_row() -> None:
    table = dict(_ROW.findall(README))
    assert len(table) > 40, "the configuration table was not found"
    assert table == {name: default for name, default, _ in describe()}


def test_every_sls_variable_the_words_name_is_read() -> None:
    """A misspelt or removed variable in a document or a ``--help`` is silently ignored by the server."""
    known = {name for name, _, _ in describe()} | set(CLI_ENV) | TEST_ONLY
    sources = {**{name: text(name) for name in DOCUMENTS}, **help_texts()}
    named = {
        (where, name) for where, words in sources.items() for name in re.findall(r"\bSLS_[A-Z_]*[A-Z]", words)
    }
    assert len(named) > 60
    assert sorted(f"{where}: {name}" for where, name in named if name not in known) == []
    tests = "".join(p.read_text() for p in Path(__file__).parents[1].rglob("*.py") if p != Path(__file__))
    assert all(f'"{name}"' in tests for name in TEST_ONLY), "TEST_ONLY names a variable no test reads"


def test_the_readme_names_the_command_line_s_own_variables() -> None:
    """``sls config`` lists them after the settings; the README says what they are, with their defaults."""
    assert [name for name in CLI_ENV if f"`{name}`" not in README] == []


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:1500]
    assert "pip install -e . && sls demo" in head
    assert "pip install -e '.[test]' && pytest" in head

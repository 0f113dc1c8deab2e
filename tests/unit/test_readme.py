"""The README and its guides are part of the product: the configuration table (docs/operations.md) is the
settings' own (every one, with its real default, and no other), and every ``SLS_*`` variable the documents or
a ``--help`` name is one that something reads."""

from __future__ import annotations

import re
from pathlib import Path

from docs_kit import DOCUMENTS, help_texts, section, text

from sls_server.cli.server_options import CLI_ENV
from sls_server.config import OLDER_NAMES
from sls_server.config_table import describe

README = text("README.md")
#: The settings' table and what the command line's own variables are: docs/operations.md, "Configuration".
CONFIGURATION = section("docs/operations.md", "Configuration")
_ROW = re.compile(r"^\| `(SLS_\w+)` \| `([^`]*)` \|", re.MULTILINE)
#: Variables only the test suite reads (tests/conftest.py, tests/cluster/topology.py), which
#: docs/operations.md's "Tests on a cluster" tells contributors about.
TEST_ONLY = {"SLS_TEST_REDIS", "SLS_TEST_REDIS_SERVER"}


def test_the_readme_table_shows_each_setting_s_real_default_and_no_other_row() -> None:
    table = dict(_ROW.findall(CONFIGURATION))
    assert len(table) > 40, "the configuration table was not found"
    assert table == {name: default for name, default, _ in describe()}


def test_every_sls_variable_the_words_name_is_read() -> None:
    """A misspelt or removed variable in a document or a ``--help`` is silently ignored by the server."""
    known = {name for name, _, _ in describe()} | set(CLI_ENV) | TEST_ONLY | set(OLDER_NAMES)
    sources = {**{name: text(name) for name in DOCUMENTS}, **help_texts()}
    named = {
        (where, name) for where, words in sources.items() for name in re.findall(r"\bSLS_[A-Z_]*[A-Z]", words)
    }
    assert len(named) > 60
    assert sorted(f"{where}: {name}" for where, name in named if name not in known) == []
    tests = "".join(p.read_text() for p in Path(__file__).parents[1].rglob("*.py") if p != Path(__file__))
    assert all(f'"{name}"' in tests for name in TEST_ONLY), "TEST_ONLY names a variable no test reads"


def test_the_readme_names_the_command_line_s_own_variables() -> None:
    """``sls config`` lists them after the settings; the guide's Configuration says what they are, with their
    defaults."""
    assert [name for name in CLI_ENV if f"`{name}`" not in CONFIGURATION] == []
    plain = {name: default for name, (default, _) in CLI_ENV.items() if " " not in default}
    words = " ".join(CONFIGURATION.split())
    assert len(plain) == 3 and [n for n, d in plain.items() if f"`{n}` (`{d}`)" not in words] == []


def test_the_guide_says_every_place_sls_url_falls_back_to() -> None:
    """The guide said ``SLS_URL`` fell back to demo.json's URL alone, while the commands also follow a running
    ``sls serve`` (serve.json) and a gateway: each place the CLI's own description names is in the guide's."""
    default, _ = CLI_ENV["SLS_URL"]
    places = re.findall(r"\w+\.json|gateway|http://[\d.:]+", default)
    assert len(places) == 4, places
    words = " ".join(CONFIGURATION.split())
    sentence = words[words.index("`SLS_URL`") :].split(").")[0]
    assert [place for place in places if place not in sentence] == []


#: ``SLS_X`` (then at most 40 characters of the same clause) ``(default 5``, ``(15 min``, ``(3 per 10 min``.
_PROSE_DEFAULT = re.compile(
    r"`(SLS_[A-Z_]+)(?:=\S+)?`[^()`.;:]{0,40}?"
    r"\((?:default )?(\d[\d,]*)(?: per (\d+))?(?: ?(s|min|h|d|days?)\b)?"
)
_UNIT_S = {"s": 1, "min": 60, "h": 3600, "d": 86400, "day": 86400, "days": 86400}


def test_the_defaults_the_prose_gives_are_the_settings_defaults() -> None:
    """Besides the table, the prose says ``SLS_LOCKOUT_THRESHOLD`` (default 5), ``SLS_IDLE_TIMEOUT`` (15
    min): a default changed in config.py must change there too."""
    defaults = {name: default for name, default, _ in describe()}
    told = [found for name in DOCUMENTS for found in _PROSE_DEFAULT.findall(" ".join(text(name).split()))]
    assert len(told) > 15
    wrong = []
    for name, value, per, unit in told:
        if per and not name.endswith("_WINDOW"):
            continue  # (3 per 10 min) after SLS_PUSH_WINDOW: the limit, then the window
        number = int((per or value).replace(",", "")) * _UNIT_S.get(unit, 1)
        if name.endswith("_DAYS") and unit.startswith("d"):
            number //= 86400
        if str(number) != defaults[name]:
            wrong.append(f"{name}: the documents say {per or value} {unit}, the default is {defaults[name]}")
    assert wrong == []


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:1500]
    assert "pip install -e . && sls demo" in head
    assert "pip install -e '.[test]' && pytest" in head


def test_readme_says_what_a_debian_machine_needs_beside_python() -> None:
    """ "Python 3.11+ is all a machine needs": on a fresh Debian or Ubuntu, python3 comes without its venv
    module, and the first command stopped at ``python3 -m venv`` ("ensurepip is not available")."""
    head = README[: README.index("## Who it is for")]
    assert "python3-venv" in head


def test_the_command_map_names_every_attack_sls_attack_takes() -> None:
    """The map's ``Attacks`` line (docs/cli.md) lacked ``sim-swap-reset``, which ``sls attack`` takes."""
    from sls_server.cli.attack_cmd import TYPED

    line = next(row for row in text("docs/cli.md").splitlines() if row.startswith("Attacks "))
    listed = set(re.search(r"sls attack (\S+) USER", line)[1].split("|"))  # type: ignore[index]
    assert listed == set(TYPED)


def test_the_api_row_of_staging_an_attack_spells_the_attacks_as_the_api_takes_them() -> None:
    """It said ``POST /admin/v1/attacks`` takes "the same body" as ``sls attack brute-force``: the API takes
    ``brute_force`` and refuses ``brute-force`` (400)."""
    from sls_server.sim.attacks import KINDS

    console = section("docs/pages.md", "The trainer console")
    row = next(line for line in console.splitlines() if "`POST /admin/v1/attacks` with the same body" in line)
    spans = set(re.findall(r"`([^`]+)`", row))
    assert spans & set(KINDS), row
    assert not {kind.replace("_", "-") for kind in KINDS if "_" in kind} & spans, row

"""``sls login`` whose answer prompt gets no input (a script, a CI job): a usage error in one line saying the
login stays open and how to answer it, exit 2, not click's bare "Aborted!" and exit 1; then it is answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_world import DEMO_ENV, Demo, seeded

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(sls_serve: Any, tmp_path: Path) -> Demo:
    return seeded(sls_serve(workers=1, **DEMO_ENV), tmp_path / "cli-data")


def test_an_answer_prompt_with_no_input_leaves_the_login_open(demo: Demo) -> None:
    password = demo.user("card-carl")["password"]
    asked = demo.sls("login", "card-carl", "--password", password, "--json", input="")
    assert asked.exit_code == 2, asked.output
    last = asked.stderr.splitlines()[-1]
    assert last == "error: no answer (the input ended): the login stays open: sls answer RESPONSE (or --auto)"
    assert "Aborted!" not in asked.stderr and asked.stdout == ""
    answered = demo.json("answer", "--auto")
    assert answered["state"] == "authenticated" and answered["username"] == "card-carl"

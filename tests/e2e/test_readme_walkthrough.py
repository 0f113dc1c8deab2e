"""The walkthrough is ready to paste: its two shell blocks (the README's CLI one, then the same with curl in
docs/integration.md) run as written against a real ``sls demo``, with ``sls``, ``jq`` and ``curl`` on the
PATH, and do what they say."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_cli_demo import demo  # noqa: F401 - the fixture that starts sls demo and waits for its world

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text()
INTEGRATION = (ROOT / "docs" / "integration.md").read_text()


def walkthrough_blocks() -> list[str]:
    """The README's one block under "Walkthrough", then the one under docs/integration.md's "The same with
    curl": each section ends at the next heading of its level."""
    walkthrough = README[README.index("\n## Walkthrough\n") :].split("\n## ", 2)[1]
    curl = INTEGRATION[INTEGRATION.index("\n## The same with curl\n") :].split("\n## ", 2)[1]
    return [
        block
        for section in (walkthrough, curl)
        for block in re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    ]


def run(block: str, data_dir: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLS_")}
    env.update(
        SLS_DATA_DIR=str(data_dir), PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    )
    done = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + block], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"the README's block failed:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    return done.stdout + done.stderr


def test_the_readme_walkthrough_runs_as_written(demo: Any) -> None:  # noqa: F811
    missing = [
        name for name, found in (("jq", shutil.which("jq")), ("curl", shutil.which("curl"))) if not found
    ]
    if (
        missing
    ):  # under CI a failure (.ci/run installs them): a skip there let CI pass without the walkthrough
        reason = (
            f"the walkthrough uses jq and curl: {' and '.join(missing)} missing (apt-get install jq curl)"
        )
        pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)
    demo()
    cli_block, curl_block = walkthrough_blocks()
    said = run(cli_block, demo.data_dir)
    assert said.count("error: reauth_required") == 2 and "error: session_expired" in said  # one spent step-up
    assert (
        re.search(r"amount\s+100", said) and "withdrawal.requested" in said and "session.expired_idle" in said
    )

    said = run(curl_block, demo.data_dir)
    assert said.count('"error":"reauth_required"') == 2 and said.count('"state":"accepted"') == 1
    assert '"error":"session_expired"' in said
    assert said.rstrip().endswith("session.expired_idle")

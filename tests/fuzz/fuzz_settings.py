"""How many inputs the Hypothesis fuzz tests of this folder try, one setting for all of them.

CI runs a few dozen per property, derandomized, so a run fails the same way each time and never on a draw
of its own; ``FUZZ_EXAMPLES=3000`` (CONTRIBUTING.md's "Fuzzing locally") runs thousands, from fresh random
draws each time, which is how the bugs these tests hold were found.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: Set locally to fuzz further; unset in CI.
LOCAL = os.environ.get("FUZZ_EXAMPLES")


def fuzzing(ci_examples: int) -> settings:
    """Hypothesis settings: ``ci_examples`` derandomized, or ``FUZZ_EXAMPLES`` random ones."""
    return settings(
        max_examples=int(LOCAL) if LOCAL else ci_examples,
        derandomize=not LOCAL,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )

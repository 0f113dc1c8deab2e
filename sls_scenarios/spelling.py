"""The closest valid word for a misspelt one: every problem of a scenario that names an unknown word (a key,
a step type, a variable, a device...) says "did you mean" with it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(word: str, options: Iterable[str], *, otherwise: str = "", cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` for the option closest to a misspelt ``word``; ``otherwise`` when none is
    close. Every problem that names an unknown word (a key, a step, a variable, a device...) says it so."""
    close = closest(word, options, cutoff)
    return f" (did you mean {close!r}?)" if close else otherwise


def closest(word: str, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option closest to a misspelt ``word``, if one is close enough."""
    options = list(options)
    same = [o for o in options if o.lower() == word.lower()]  # `SMS` for `sms`: difflib counts case
    if same:
        return same[0]
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    return close[0] if close else None

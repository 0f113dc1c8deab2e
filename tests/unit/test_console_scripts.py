"""The trainer console's scripts are split by job (the feed, the attack card, the users table's actions,
adding a user, the clock and the world...), each a file of ``static/js``: a file split off and never added
to the page's template would leave its card dead, its buttons doing nothing, with no error anywhere but
the browser's console. Each ``trainer*.js`` is loaded by the console or the relay's screen, and the ones
that take ``SLS.trainer`` as they load (``const T = SLS.trainer;``) load after ``trainer-admin.js``, which
defines it (trainer.js, before it, reads it only when a button is pressed)."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "sls_server" / "web"
PAGES = ("trainer.html", "trainer_relay.html")


def _loaded(template: str) -> list[str]:
    """The scripts a template loads, in order, by file name."""
    source = (WEB / "templates" / template).read_text()
    return re.findall(r"filename='js/([\w.-]+\.js)'", source)


def test_every_console_script_is_loaded_by_a_page() -> None:
    scripts = sorted(p.name for p in (WEB / "static" / "js").glob("trainer*.js"))
    loaded = {name for page in PAGES for name in _loaded(page)}
    assert "trainer-admin.js" in scripts
    assert [s for s in scripts if s not in loaded] == []


def test_the_scripts_that_take_sls_trainer_as_they_load_come_after_the_one_that_defines_it() -> None:
    order = _loaded("trainer.html")
    taking = [n for n in order if "= SLS.trainer;" in (WEB / "static" / "js" / n).read_text()]
    assert {"trainer-enrol.js", "trainer-world.js"} <= set(taking)
    for name in taking:
        assert order.index(name) > order.index("trainer-admin.js"), name

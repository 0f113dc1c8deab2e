"""The store's own rules: every key is built in ``store/keys.py``, every repository hangs off
``Store``, and the Lua scripts are registered once per client (one ``Scripts``), not once per repository."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

from sls_server import store as store_package
from sls_server.store import Store
from sls_server.store.base import Scripts

ROOT = Path(__file__).parents[2]
KEYS_MODULE = ROOT / "sls_server/store/keys.py"
#: What only a key holds: our prefix, or a hash tag's opening (``{u:``, ``{d:``, ``{ibapp:`` ...).
_KEY_TEXT = re.compile(r"sls:|\{[a-z]+:")


def _modules() -> Iterator[Path]:
    for top in ("sls_server", "sls_devices"):
        yield from sorted((ROOT / top).rglob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    """Docstrings talk about keys (``{u:alice}``); they build none."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_key_is_built_outside_keys_py() -> None:
    built = []
    for path in _modules():
        if path == KEYS_MODULE:
            continue
        tree = ast.parse(path.read_text())
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
            if text is not None and id(node) not in docs and _KEY_TEXT.search(text):
                built.append(f"{path.relative_to(ROOT)}:{node.lineno} {text!r}")
            if isinstance(node, ast.Attribute) and ast.unparse(node) == "keys.PREFIX":
                built.append(f"{path.relative_to(ROOT)}:{node.lineno} keys.PREFIX")
    assert built == []


def test_scripts_are_made_only_by_store() -> None:
    """One ``Scripts`` per client: any other ``Scripts(...)`` would register every script again."""
    made = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "Scripts"
    ]
    assert made == ["sls_server/store/__init__.py:" + str(_line_of_scripts_in_store())]


def _line_of_scripts_in_store() -> int:
    source = inspect.getsource(store_package)
    return next(n for n, line in enumerate(source.splitlines(), start=1) if "Scripts(client)" in line)


def test_every_repository_hangs_off_store_on_one_scripts(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    repo_classes = {
        cls
        for path in sorted((ROOT / "sls_server/store").glob("*.py"))
        for name, cls in inspect.getmembers(
            __import__(f"sls_server.store.{path.stem}", fromlist=["_"]), inspect.isclass
        )
        if name.endswith("Repo") and cls.__module__ == f"sls_server.store.{path.stem}"
    }
    reachable = {type(value): value for value in vars(store).values() if type(value) in repo_classes}
    assert set(reachable) == repo_classes, f"not on Store: {repo_classes - set(reachable)}"
    assert isinstance(store.scripts, Scripts)
    # a repository that runs no script (the last attack: one SET, one GET) holds none
    held = {id(repo._scripts) for repo in reachable.values() if hasattr(repo, "_scripts")}
    assert held == {id(store.scripts)}


def test_the_scripts_that_judge_stamps_allow_the_skew_the_records_do() -> None:
    """A stamp a little after a request's "now" is a racing request's; only one further ahead is from a
    clock moved back. Lua cannot import the constant, so each script writes it: held to it here."""
    from sls_server.store.records.lockout import STAMP_SKEW_S

    lua = ROOT / "sls_server/store/lua"
    for name in ("lockout_reserve.lua", "sliding_window.lua", "claim_challenge.lua", "lib/lock_refusal.lua"):
        code = "\n".join(
            line.split("--", 1)[0] for line in (lua / name).read_text().splitlines()
        )  # the code, not its comments
        skews = set(re.findall(r"now \+ (\d+)", code))
        assert skews == {str(STAMP_SKEW_S)}, (name, skews)


def test_a_script_takes_in_the_helpers_it_names_and_judges_a_lock_one_way() -> None:
    """Three scripts judged a lockout bucket with the same twelve lines, and five whether the user still
    stands behind a step or session; they take in ``lua/lib/lock_refusal.lua`` and
    ``lua/lib/user_stands.lua``, which the loader puts where each says ``-- include: <name>``. Two counted a
    wrong code the same way (the recovery's and the phone change's): ``lua/lib/wrong_try.lua``; the two
    halves of a factor switch refused a login no longer waiting on its second factor the same way:
    ``lua/lib/switch_refusal.lua``. The user's strikes on a device are counted, judged and cleared by
    ``lua/lib/device_strikes.lua`` alone. The markers a session's step-ups left go with it, whichever script
    ends it for good (a logout, the user's deletion), by ``lua/lib/drop_retired.lua``."""
    from importlib import resources

    from sls_server.store.base import INCLUDE, script_source

    folder = resources.files("sls_server.store") / "lua"
    including: dict[str, list[str]] = {
        "lock_refusal": [],
        "user_stands": [],
        "wrong_try": [],
        "switch_refusal": [],
        "device_strikes": [],
        "drop_retired": [],
    }
    for entry in folder.iterdir():
        if not entry.name.endswith(".lua"):
            continue
        text = entry.read_text()
        source = script_source(text, folder / "lib")
        assert not INCLUDE.search(source), entry.name  # every include taken in
        for name in INCLUDE.findall(text):
            including[name].append(entry.name)
            assert f"local function {name}(" in source
        # lockout_reserve.lua is where the judgement lock_refusal copies lives (it answers a permanent lock
        # apart and clears an ended one, the bucket's counts read in the same HMGET): the one script that may
        # judge a lock itself
        judged_here = (
            "'permanent', 'locked_until', 'locked_at'" in text and entry.name != "lockout_reserve.lua"
        )
        assert not judged_here, f"{entry.name} judges a lock itself: include lock_refusal"
        standing_here = "'username', 'disabled', 'epoch')\nif not user[1] or" in text
        assert not standing_here, f"{entry.name} judges the user's standing itself: include user_stands"
        counted_here = "- redis.call('HINCRBY', KEYS[1], 'failures', 1)" in text
        assert not counted_here, f"{entry.name} counts a wrong code itself: include wrong_try"
    assert sorted(including["lock_refusal"]) == [
        "login_collect.lua",
        "login_verify.lua",
        "session_create.lua",
    ]
    assert sorted(including["user_stands"]) == [
        "login_collect.lua",
        "login_switch_commit.lua",
        "login_switch_reserve.lua",
        "login_verify.lua",
        "session_touch.lua",
    ]
    assert sorted(including["wrong_try"]) == ["phone_change_confirm.lua", "recovery_code.lua"]
    assert sorted(including["switch_refusal"]) == ["login_switch_commit.lua", "login_switch_reserve.lua"]
    assert sorted(including["device_strikes"]) == [
        "device_shared_mark.lua",
        "device_strikes_clear.lua",
        "login_verify.lua",
        "session_create.lua",
    ]
    assert sorted(including["drop_retired"]) == ["session_end.lua", "session_touch.lua", "user_revoke.lua"]
